// corskit/doctor: the live check and the HAR explainer, for use in code (the audit is corskit/audit).

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
export { makeStyle, type Style } from './style.js';
export { parseTargetUrl, UsageError } from './usage.js';
