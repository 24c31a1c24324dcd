// Server policy: config -> validate -> compile -> decide(request) -> response headers.
export type {
  ConfigProblem,
  ConfigWarning,
  CorsDecision,
  CorsExplanation,
  CorsPolicyConfig,
  CorsReasonCode,
  CorsRequest,
  CorsRequestKind,
  HeaderSource,
  NormalizedCorsConfig,
  OriginLookup,
} from './config.js';
export { CorsConfigError } from './errors.js';
export { MAX_ORIGIN_LENGTH } from './origins.js';
export {
  type CorsPolicy,
  createCorsPolicy,
  MAX_METHOD_LENGTH,
  type SyncCorsPolicy,
  toCorsPolicy,
} from './policy.js';
export { reasonMessage } from './reasons.js';
export { appendVary } from './vary.js';
