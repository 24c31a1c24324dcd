// createCorsPolicy: validate once, compile, then decide each request in time that does not depend on
// the size of the allowlist. decide() is total: whatever the input, it returns a decision.
import { extractHeaderListValues, isCorsNonWildcardRequestHeaderName } from '../spec/headers.js';
import { isCorsSafelistedMethod, isMethod } from '../spec/methods.js';
import { asciiCaseInsensitiveEquals, asciiLowerCase } from '../spec/tokens.js';
import type {
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
import { CorsConfigError } from './errors.js';
import {
  isLoopbackHost,
  isSerializedOrigin,
  MAX_ORIGIN_LENGTH,
  type OriginMatcher,
  splitSerializedOrigin,
} from './origins.js';
import { reasonMessage } from './reasons.js';
import { validateConfig } from './validate.js';

/** A validated, compiled policy: `decide` answers a request with headers, `explain` says why. */
export interface CorsPolicy {
  /** What to do with a request. A promise only when an originLookup is consulted; it never rejects. */
  decide(request: CorsRequest): CorsDecision | Promise<CorsDecision>;
  /** The decision, with the rule that made it in plain words. */
  explain(request: CorsRequest): CorsExplanation | Promise<CorsExplanation>;
  /** The normalized configuration, including warnings. */
  describe(): NormalizedCorsConfig;
  readonly warnings: NormalizedCorsConfig['warnings'];
}

/** A policy without originLookup: it always answers synchronously. */
export interface SyncCorsPolicy extends CorsPolicy {
  decide(request: CorsRequest): CorsDecision;
  explain(request: CorsRequest): CorsExplanation;
}

/** The longest Access-Control-Request-Method read when `methods` is '*'; with a list, the longest listed
 *  method (or OPTIONS). Longer values are refused before they are scanned or hashed. */
export const MAX_METHOD_LENGTH = 64;

interface Evaluation {
  readonly decision: CorsDecision;
  readonly origin: string | null;
  readonly method: string;
  readonly requestedMethod?: string;
  readonly requestedHeaders?: readonly string[];
  readonly header?: string;
  readonly error?: string;
}

const freeze = <T>(v: T): T => Object.freeze(v);
type Pair = readonly [string, string];
const pair = (name: string, value: string): Pair => Object.freeze([name, value] as const);
const NO_HEADERS: CorsDecision['headers'] = freeze([]);

/** Everything a decision needs, computed once from the validated configuration. */
interface Compiled {
  readonly cfg: NormalizedCorsConfig;
  readonly matcher: OriginMatcher | null;
  readonly lookup: OriginLookup | undefined;
  readonly publicOrigins: boolean;
  readonly methodSet: ReadonlySet<string> | null;
  readonly methodLengthLimit: number;
  readonly headerSet: ReadonlySet<string> | null;
  readonly limits: { readonly maxElements: number; readonly maxBytes: number };
  readonly varyActual: readonly string[];
  readonly varyPreflight: readonly string[];
  readonly credentialHeaders: readonly Pair[];
  readonly exposeHeaders: readonly Pair[];
  readonly maxAgeHeader: readonly Pair[];
  readonly publicActualHeaders: CorsDecision['headers'];
  readonly publicOriginHeaders: readonly Pair[];
  readonly notCors: CorsDecision;
  /** Recent Access-Control-Request-Headers values and what this policy answers to them. */
  readonly requestedHeadersCache: Map<string, RequestedHeaders | CorsReasonCode>;
  /** The answers to actual requests from recently seen allowed origins. */
  readonly actualAnswers: Map<string, CorsDecision>;
  /** The answers to refused origins, by reason (a handful of reason codes at most). */
  readonly refusedActuals: Map<CorsReasonCode, CorsDecision>;
  readonly refusedPreflights: Map<CorsReasonCode, CorsDecision>;
  /** The last origin refused without a lookup, and why (changed in place); null before the first. */
  readonly lastRefused: { origin: string | null; reason: CorsReasonCode };
}

/** What the policy answers to one Access-Control-Request-Headers value. */
interface RequestedHeaders {
  readonly requested: readonly string[];
  /** The names allowed, lowercase and comma-joined ('' for none). */
  readonly granted: string;
  /** The first name refused, if any. */
  readonly refused: string | null;
}

/** Browsers send the same few lists again and again; a bounded cache spares parsing them. Emptied when
 *  full, so hostile values cost what they would without it and memory stays bounded. */
const REQUESTED_HEADERS_CACHE_SIZE = 256;
/** Allowed origins whose answer is kept; only allowed origins enter, and the cache is emptied when full. */
const ANSWER_CACHE_SIZE = 1024;

/** Reads a header from a Fetch Headers object or a Node-style record; several values are joined. */
function headerOf(source: HeaderSource, lowerName: string, lowercaseNames = false): string | null {
  if (typeof (source as { get?: unknown }).get === 'function') {
    return asHeaderString((source as { get(name: string): unknown }).get(lowerName));
  }
  const record = source as Readonly<Record<string, string | readonly string[] | undefined>>;
  let v = record[lowerName];
  if (v === undefined && !lowercaseNames) {
    // Node lowercases names; other callers may not. No array of keys is built for the usual miss.
    for (const key in record) {
      if (key.length === lowerName.length && asciiCaseInsensitiveEquals(key, lowerName)) {
        v = record[key];
        break;
      }
    }
  }
  return asHeaderString(v);
}

/** Node's IncomingMessage (what the node, express, fastify and koa adapters pass) lowercases header
 *  names, so a missing name needs no case-insensitive search. */
function isNodeRequest(request: CorsRequest): boolean {
  return Array.isArray((request as { rawHeaders?: unknown }).rawHeaders);
}

/** A header value as a string whatever the caller handed us (arrays joined); null when unreadable. */
function asHeaderString(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  try {
    if (Array.isArray(v)) return v.map((x) => String(x)).join(', ');
    return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : null;
  } catch {
    return null;
  }
}

/** The policy itself, or one built from a configuration: what every adapter accepts. */
export function toCorsPolicy(policyOrConfig: CorsPolicy | CorsPolicyConfig): CorsPolicy {
  return typeof (policyOrConfig as CorsPolicy).decide === 'function'
    ? (policyOrConfig as CorsPolicy)
    : createCorsPolicy(policyOrConfig as CorsPolicyConfig);
}

/** Builds a policy from a configuration; throws CorsConfigError listing every problem. Without an
 *  originLookup, decide() and explain() answer synchronously, and the type says so. */
export function createCorsPolicy(
  config: CorsPolicyConfig & { readonly originLookup?: undefined },
): SyncCorsPolicy;
export function createCorsPolicy(config: CorsPolicyConfig): CorsPolicy;
export function createCorsPolicy(config: CorsPolicyConfig): CorsPolicy {
  const result = validateConfig(config);
  if (!result.ok) throw new CorsConfigError(result.problems);
  const c = compile(result.value.normalized, result.value.matcher, config.originLookup);
  const onDenied = config.onDenied;

  const report = (e: Evaluation): CorsDecision => {
    if (onDenied !== undefined && !e.decision.allowed && e.decision.reason !== 'no-origin') {
      try {
        onDenied(explanationOf(c, e));
      } catch {
        // A failing logger must not change the answer.
      }
    }
    return e.decision;
  };
  const explain = (e: Evaluation): CorsExplanation => explanationOf(c, e);

  const policy: CorsPolicy = Object.freeze({
    warnings: c.cfg.warnings,
    decide(request: CorsRequest) {
      const e = safeEvaluate(c, request, undefined);
      return e instanceof Promise ? e.then(report) : report(e);
    },
    explain(request: CorsRequest) {
      const e = safeEvaluate(c, request, undefined);
      return e instanceof Promise ? e.then(explain) : explain(e);
    },
    describe() {
      return c.cfg;
    },
  });
  // Answers are kept only without an originLookup (asked every time) and for listed origins; a refusal
  // onDenied must hear of takes the long way.
  const shortWay = c.lookup === undefined && !c.publicOrigins;
  const refusedKnown = onDenied === undefined;
  nodeDeciders.set(policy, (request) => {
    const known = shortWay ? knownActualAnswer(c, request as NodeRequestLike, refusedKnown) : undefined;
    if (known !== undefined) return known;
    const e = safeEvaluate(c, request, true);
    return e instanceof Promise ? e.then(report) : report(e);
  });
  return policy;
}

type Decide = (request: CorsRequest) => CorsDecision | Promise<CorsDecision>;
/** decide() of each policy made here, for requests whose header names are known to be lowercase. */
const nodeDeciders = new WeakMap<CorsPolicy, Decide>();

/** decide() for Node's IncomingMessage, whose header names Node lowercases (the node, express, koa and
 *  fastify adapters, and the hono adapter on @hono/node-server): the same answer as policy.decide, without
 *  reading `rawHeaders` to find that out.
 *  Express's requests, like its responses, get a map of their own, where a property read costs about
 *  0.4 µs instead of 0.05 (bench/express-response.bench.ts). A policy made elsewhere gets its own
 *  decide(). */
export function nodeRequestDecider(policy: CorsPolicy): Decide {
  return nodeDeciders.get(policy) ?? ((request) => policy.decide(request));
}

/** The frozen pieces every answer is made of, and the sets the checks look up. */
function compile(
  cfg: NormalizedCorsConfig,
  matcher: OriginMatcher | null,
  lookup: OriginLookup | undefined,
): Compiled {
  const publicOrigins = cfg.origins === '*';
  const varyActual: readonly string[] = freeze(
    publicOrigins ? [] : ['Origin', ...(cfg.originLookup?.dependsOn ?? []).map(headerCase)],
  );
  const varyPreflight: readonly string[] = freeze([
    ...varyActual,
    ...(cfg.varyPreflight
      ? [
          'Access-Control-Request-Method',
          'Access-Control-Request-Headers',
          ...(cfg.privateNetworkAccess ? ['Access-Control-Request-Private-Network'] : []),
        ]
      : []),
  ]);
  // Every pair handed out is frozen: decisions share them, so a caller's mutation must not leak.
  const exposeHeaders: Pair[] =
    cfg.exposedHeaders === '*'
      ? [pair('Access-Control-Expose-Headers', '*')]
      : cfg.exposedHeaders.length > 0
        ? [pair('Access-Control-Expose-Headers', cfg.exposedHeaders.map(headerCase).join(', '))]
        : [];
  return {
    cfg,
    matcher,
    lookup,
    publicOrigins,
    methodSet: cfg.methods === '*' ? null : new Set(cfg.methods),
    methodLengthLimit:
      cfg.methods === '*'
        ? MAX_METHOD_LENGTH
        : Math.max('OPTIONS'.length, ...cfg.methods.map((m) => m.length)),
    headerSet: cfg.requestHeaders === '*' ? null : new Set(cfg.requestHeaders),
    limits: { maxElements: cfg.requestHeadersLimit.maxNames, maxBytes: cfg.requestHeadersLimit.maxBytes },
    varyActual,
    varyPreflight,
    credentialHeaders: cfg.credentials ? [pair('Access-Control-Allow-Credentials', 'true')] : [],
    exposeHeaders,
    maxAgeHeader: cfg.maxAge === null ? [] : [pair('Access-Control-Max-Age', String(cfg.maxAge))],
    publicActualHeaders: freeze([pair('Access-Control-Allow-Origin', '*'), ...exposeHeaders]),
    publicOriginHeaders: [pair('Access-Control-Allow-Origin', '*')],
    requestedHeadersCache: new Map(),
    actualAnswers: new Map(),
    refusedActuals: new Map(),
    refusedPreflights: new Map(),
    lastRefused: { origin: null, reason: 'origin-malformed' },
    notCors: freeze<CorsDecision>({
      kind: 'not-cors',
      allowed: false,
      status: null,
      headers: NO_HEADERS,
      vary: varyActual,
      reason: 'no-origin',
    }),
  };
}

function deny(
  c: Compiled,
  kind: CorsRequestKind,
  reason: CorsReasonCode,
  headers: CorsDecision['headers'] = NO_HEADERS,
): CorsDecision {
  return {
    kind,
    allowed: false,
    status: kind === 'preflight' ? c.cfg.preflightStatus : null,
    headers,
    vary: kind === 'preflight' ? c.varyPreflight : c.varyActual,
    reason,
  };
}

/** The answer to a refused origin depends on nothing else: made once per kind and reason, frozen, and
 *  shared by every request refused so. */
function refusedOrigin(c: Compiled, kind: CorsRequestKind, reason: CorsReasonCode): CorsDecision {
  const answers = kind === 'preflight' ? c.refusedPreflights : c.refusedActuals;
  let decision = answers.get(reason);
  if (decision === undefined) {
    decision = freeze(deny(c, kind, reason));
    answers.set(reason, decision);
  }
  return decision;
}

function originHeaders(c: Compiled, origin: string): Pair[] {
  if (c.publicOrigins) return [...c.publicOriginHeaders];
  const acao: Pair = ['Access-Control-Allow-Origin', origin];
  return c.credentialHeaders.length === 0 ? [acao] : [acao, c.credentialHeaders[0] as Pair];
}

/** decide() is total: an input that breaks reading (a throwing getter) gets no CORS headers. */
function safeEvaluate(
  c: Compiled,
  request: CorsRequest,
  lowercaseNames: boolean | undefined,
): Evaluation | Promise<Evaluation> {
  try {
    return evaluate(c, request, lowercaseNames);
  } catch {
    return { origin: null, method: '', decision: deny(c, 'actual', 'origin-malformed') };
  }
}

/** Classifies the request (Fetch §4.8: a preflight is an OPTIONS with Access-Control-Request-Method),
 *  checks its origin, then the rest for allowed origins. */
function evaluate(
  c: Compiled,
  request: CorsRequest,
  lowercaseNames: boolean | undefined,
): Evaluation | Promise<Evaluation> {
  const method = typeof request?.method === 'string' ? request.method : '';
  const headers = request?.headers ?? {};
  const lowercase = lowercaseNames ?? isNodeRequest(request);
  const origin = headerOf(headers, 'origin', lowercase);
  if (origin === null) return { origin: null, method, decision: c.notCors };
  const acrm = method === 'OPTIONS' ? headerOf(headers, 'access-control-request-method', lowercase) : null;
  const kind: CorsRequestKind = acrm !== null ? 'preflight' : 'actual';
  const check = staticOriginCheck(c, origin);
  if (check === 'allowed')
    return kind === 'actual'
      ? allowActual(c, origin, method)
      : checkPreflight(c, headers, lowercase, origin, method, acrm as string);
  if (check !== 'lookup') {
    const decision = refusedOrigin(c, kind, check);
    // Two literals, not a spread: a spread builds the object on V8's slow path.
    return acrm !== null ? { origin, method, requestedMethod: acrm, decision } : { origin, method, decision };
  }
  return askLookup(c.lookup as OriginLookup, origin, request).then((answer) => {
    if (answer === true) {
      // Outside safeEvaluate's try by now: keep the promise from ever rejecting.
      try {
        return kind === 'actual'
          ? allowActual(c, origin, method)
          : checkPreflight(c, headers, lowercase, origin, method, acrm as string);
      } catch {
        return { origin, method, decision: deny(c, kind, 'request-headers-invalid') };
      }
    }
    return {
      origin,
      method,
      error: answer === false ? undefined : answer.error,
      decision: deny(c, kind, answer === false ? 'origin-not-allowed' : 'origin-lookup-failed'),
    };
  });
}

/** Static origin check: 'allowed', a denial code, or 'lookup' when the originLookup must be asked. The
 *  length cap comes first, so a hostile Origin is never hashed or scanned. */
function staticOriginCheck(c: Compiled, origin: string): 'allowed' | 'lookup' | CorsReasonCode {
  if (c.publicOrigins) return 'allowed';
  if (origin.length > MAX_ORIGIN_LENGTH) return 'origin-malformed';
  if ((c.matcher as OriginMatcher).matches(origin)) return 'allowed';
  if (origin === 'null') return 'origin-null';
  if (c.lookup === undefined) return refusedOriginReason(c, origin);
  const parts = splitSerializedOrigin(origin);
  if (parts === null) return 'origin-malformed';
  if (
    c.cfg.credentials &&
    parts.scheme === 'http' &&
    !isLoopbackHost(parts.host) &&
    !c.cfg.dangerouslyAllowInsecureOriginsWithCredentials
  ) {
    return 'origin-insecure-with-credentials';
  }
  return 'lookup';
}

/** The part of Node's IncomingMessage the short way reads. */
type NodeRequestLike = { readonly method?: unknown; readonly headers: { readonly origin?: unknown } };

/** The answer to an actual request (any method but OPTIONS, Fetch §4.8) from an origin this policy has
 *  answered before, found with one lookup (or one comparison, for the last refused origin): most of a
 *  server's requests. undefined sends the request through evaluate(), which gives the same answer for
 *  them. Called only for a policy without an originLookup (its answers are not kept, it is asked every
 *  time) and with listed origins. Node's requests only (lowercase header names). With an Origin string
 *  made per request, as Node's parser makes it: 43–50 ns a decision against 69–70 (exact origins) and
 *  217–270 (a subdomain pattern) the long way (bench/node-decider.bench.ts, in BENCHMARKS.md). */
function knownActualAnswer(
  c: Compiled,
  request: NodeRequestLike,
  refusedToo: boolean,
): CorsDecision | undefined {
  try {
    if (request.method === 'OPTIONS') return undefined;
    const origin = request.headers.origin;
    // The cap first, as in staticOriginCheck: a hostile Origin is not hashed.
    if (typeof origin !== 'string' || origin.length > MAX_ORIGIN_LENGTH) return undefined;
    const allowed = c.actualAnswers.get(origin);
    if (allowed !== undefined) return allowed;
    const last = c.lastRefused;
    if (refusedToo && origin === last.origin) return refusedOrigin(c, 'actual', last.reason);
  } catch {
    // A request that throws when read: evaluate() answers it.
  }
  return undefined;
}

/** Why an origin is refused without a lookup: it needs no parts, only whether it was malformed. Refused
 *  requests mostly repeat one origin (a page retrying, one hostile site), so the last answer is kept:
 *  comparing with it costs less than the scan, which over HTTP cost about as much as the rest of the
 *  origin check (bench/http/profile.ts). At most MAX_ORIGIN_LENGTH characters are compared. */
function refusedOriginReason(c: Compiled, origin: string): CorsReasonCode {
  const last = c.lastRefused;
  if (origin === last.origin) return last.reason;
  const reason: CorsReasonCode = isSerializedOrigin(origin) ? 'origin-not-allowed' : 'origin-malformed';
  last.origin = origin;
  last.reason = reason;
  return reason;
}

/** An actual request from an allowed origin. The list handed out is frozen; its pairs are shared (and
 *  frozen) or fresh for this decision, so a caller mutating one affects no other decision. */
function allowActual(c: Compiled, origin: string, method: string): Evaluation {
  if (c.publicOrigins) {
    return {
      origin,
      method,
      decision: {
        kind: 'actual',
        allowed: true,
        status: null,
        headers: c.publicActualHeaders,
        vary: c.varyActual,
        reason: 'allowed',
      },
    };
  }
  // The answer depends only on the origin: kept, frozen whole, for the next request from it.
  let decision = c.actualAnswers.get(origin);
  if (decision === undefined) {
    decision = freeze<CorsDecision>({
      kind: 'actual',
      allowed: true,
      status: null,
      headers: freeze([
        pair('Access-Control-Allow-Origin', origin),
        ...c.credentialHeaders,
        ...c.exposeHeaders,
      ]),
      vary: c.varyActual,
      reason: 'allowed',
    });
    if (c.actualAnswers.size >= ANSWER_CACHE_SIZE) c.actualAnswers.clear();
    c.actualAnswers.set(origin, decision);
  }
  return { origin, method, decision };
}

/** A preflight from an allowed origin: the requested method, then the requested headers, then Private
 *  Network Access. Each header value is capped before it is read. */
function checkPreflight(
  c: Compiled,
  source: HeaderSource,
  lowercase: boolean,
  origin: string,
  method: string,
  requestedMethod: string,
): Evaluation {
  const headers: Pair[] = originHeaders(c, origin);
  const methodProblem = checkRequestedMethod(c, requestedMethod);
  if (methodProblem !== null)
    return refusePreflight(c, origin, method, requestedMethod, headers, methodProblem);
  headers.push(['Access-Control-Allow-Methods', requestedMethod]);

  const requested = requestedHeaders(c, source, lowercase);
  if (typeof requested === 'string')
    return refusePreflight(c, origin, method, requestedMethod, headers, requested);
  if (requested.granted !== '') headers.push(['Access-Control-Allow-Headers', requested.granted]);
  const pna = headerOf(source, 'access-control-request-private-network', lowercase) === 'true';
  if (pna && c.cfg.privateNetworkAccess) headers.push(['Access-Control-Allow-Private-Network', 'true']);
  if (requested.refused !== null) {
    const reason = c.headerSet === null ? 'authorization-needs-listing' : 'header-not-allowed';
    return refusePreflight(c, origin, method, requestedMethod, headers, reason, requested, requested.refused);
  }
  if (pna && !c.cfg.privateNetworkAccess)
    return refusePreflight(
      c,
      origin,
      method,
      requestedMethod,
      headers,
      'private-network-not-enabled',
      requested,
    );
  for (const p of c.maxAgeHeader) headers.push(p);
  return {
    origin,
    method,
    requestedMethod,
    requestedHeaders: requested.requested,
    decision: {
      kind: 'preflight',
      allowed: true,
      status: c.cfg.preflightStatus,
      headers: freeze(headers),
      vary: c.varyPreflight,
      reason: 'allowed',
    },
  };
}

/** Fetch §4.8 step 7: the requested method is a method, and safelisted or allowed. Capped first. */
function checkRequestedMethod(c: Compiled, requestedMethod: string): CorsReasonCode | null {
  if (requestedMethod.length > c.methodLengthLimit)
    return c.methodSet === null ? 'method-invalid' : 'method-not-allowed';
  if (!isMethod(requestedMethod)) return 'method-invalid';
  if (!isCorsSafelistedMethod(requestedMethod) && c.methodSet !== null && !c.methodSet.has(requestedMethod))
    return 'method-not-allowed';
  return null;
}

function refusePreflight(
  c: Compiled,
  origin: string,
  method: string,
  requestedMethod: string,
  headers: Pair[],
  reason: CorsReasonCode,
  requested?: RequestedHeaders,
  header?: string,
): Evaluation {
  return {
    origin,
    method,
    requestedMethod,
    ...(requested !== undefined ? { requestedHeaders: requested.requested } : {}),
    ...(header !== undefined ? { header } : {}),
    decision: deny(c, 'preflight', reason, freeze(headers)),
  };
}

const NO_REQUESTED_HEADERS: RequestedHeaders = freeze({ requested: freeze([]), granted: '', refused: null });

/** Access-Control-Request-Headers, read and answered: from the cache, or parsed (refused by size before
 *  it is scanned or hashed). */
function requestedHeaders(
  c: Compiled,
  source: HeaderSource,
  lowercase: boolean,
): RequestedHeaders | CorsReasonCode {
  const acrh = headerOf(source, 'access-control-request-headers', lowercase);
  if (acrh === null) return NO_REQUESTED_HEADERS;
  if (acrh.length > c.limits.maxBytes) return 'request-headers-too-large';
  const cache = c.requestedHeadersCache;
  let answer = cache.get(acrh);
  if (answer === undefined) {
    answer = answerRequestedHeaders(c, acrh);
    if (cache.size >= REQUESTED_HEADERS_CACHE_SIZE) cache.clear();
    cache.set(acrh, answer);
  }
  return answer;
}

/** Fetch §2.2.1 "extract header list values", then the names this policy allows and the first it refuses. */
function answerRequestedHeaders(c: Compiled, acrh: string): RequestedHeaders | CorsReasonCode {
  const parsed = extractHeaderListValues(acrh, c.limits);
  if (parsed === null) return 'request-headers-invalid';
  if (!parsed.ok)
    return parsed.reason === 'not-a-token' ? 'request-headers-invalid' : 'request-headers-too-large';
  let granted = '';
  let refused: string | null = null;
  for (const name of parsed.values) {
    const lower = asciiLowerCase(name);
    const ok = c.headerSet === null ? !isCorsNonWildcardRequestHeaderName(lower) : c.headerSet.has(lower);
    if (ok) granted = granted === '' ? lower : `${granted}, ${lower}`;
    else refused ??= lower;
  }
  return freeze({ requested: freeze(parsed.values), granted, refused });
}

function explanationOf(c: Compiled, e: Evaluation): CorsExplanation {
  return {
    kind: e.decision.kind,
    allowed: e.decision.allowed,
    reason: e.decision.reason,
    message: reasonMessage(e.decision.reason, {
      origin: e.origin,
      kind: e.decision.kind,
      method: e.requestedMethod,
      header: e.header,
      maxNames: c.cfg.requestHeadersLimit.maxNames,
      maxBytes: c.cfg.requestHeadersLimit.maxBytes,
      error: e.error,
    }),
    origin: e.origin,
    method: e.method,
    ...(e.requestedMethod !== undefined ? { requestedMethod: e.requestedMethod } : {}),
    ...(e.requestedHeaders !== undefined ? { requestedHeaders: e.requestedHeaders } : {}),
    ...(e.header !== undefined ? { header: e.header } : {}),
  };
}

/** Calls the user's lookup; resolves true, false, or the error it raised. Never rejects. */
async function askLookup(
  lookup: OriginLookup,
  origin: string,
  request: CorsRequest,
): Promise<true | false | { error: string }> {
  try {
    return (await lookup.lookup(origin, request)) === true;
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** `x-request-id` -> `X-Request-Id`, for readable response headers (names are case-insensitive). */
function headerCase(lower: string): string {
  let out = '';
  let upper = true;
  for (const ch of lower) {
    out += upper ? ch.toUpperCase() : ch;
    upper = ch === '-';
  }
  return out;
}
