// corskit/doctor: the live check and the HAR explainer, for use in code (the audit is corskit/audit).

export {
  type CheckOptions,
  type CheckReport,
  collectWarnings,
  prepareRequestHeaders,
  runCheck,
  sendingNotice,
  type Verdict,
  type Warning,
} from './check.js';
export { explainHar, explainJson, renderExplain } from './explain.js';
export { buildFix, type Fix, type FixExchange, type FixOutcome, replayWithFix } from './fixes.js';
export { checkJson, renderCheck } from './report.js';
export {
  allowsNullOrigin,
  invalidAllowOrigin,
  missingVaryOrigin,
  type ObservedExchange,
  observedRisks,
  type Risk,
  reflectedProbes,
  wildcardWithCredentials,
} from './risks.js';
export { makeStyle, type Style } from './style.js';
export { parseTargetUrl, UsageError } from './usage.js';
