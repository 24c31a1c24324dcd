// corskit/audit: the misconfiguration scan of live endpoints and of corskit configs, for use in code.

export {
  type AuditOptions,
  type AuditReport,
  type AuditSummary,
  type AuditTargetResult,
  auditTarget,
  parseTargetUrl,
  runAudit,
  summarize,
} from './audit.js';
export {
  AUDIT_CLASSES,
  AUDIT_FINDING_IDS,
  type AuditClass,
  type AuditFindingId,
  type AuditSeverity,
  isAtOrAbove,
  severityOf,
} from './classes.js';
export type { AuditEvidence, AuditFinding, EvidenceExchange } from './evidence.js';
export { checkAuditInput, checkRequestHeader, headerValueProblem, RequestInputError } from './input.js';
export { auditPolicy, type PolicyAuditOptions, type PolicyAuditReport } from './policy.js';
export { auditExitCode, auditJson, type FailOn, renderSummary, renderTarget } from './report.js';
export { type SarifLog, type SarifOptions, type SarifTarget, toSarif } from './sarif.js';
