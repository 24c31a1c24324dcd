// corskit/doctor: the live check, the HAR explainer and the misconfiguration audit, for use in code.

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
} from './audit-classes.js';
export type { AuditEvidence, AuditFinding, EvidenceExchange } from './audit-evidence.js';
export { auditPolicy, type PolicyAuditOptions, type PolicyAuditReport } from './audit-policy.js';
export { auditExitCode, auditJson, type FailOn, renderSummary, renderTarget } from './audit-report.js';
export {
  type CheckOptions,
  type CheckReport,
  collectWarnings,
  runCheck,
  type Verdict,
  type Warning,
} from './check.js';
export { explainHar, explainJson, renderExplain } from './explain.js';
export { computeFix, type Fix, type FixRequest } from './fixes.js';
export { checkJson, renderCheck } from './report.js';
export { type SarifLog, type SarifOptions, type SarifTarget, toSarif } from './sarif.js';
export { makeStyle, type Style } from './style.js';
