// createCorsPolicy: validate once, compile, then decide each request in time that does not depend on
// the size of the allowlist. decide() is total: whatever the input, it returns a decision.
import {
  asciiCaseInsensitiveEquals,
  asciiLowerCase,
  extractHeaderListValues,
  isCorsNonWildcardRequestHeaderName,
  isCorsSafelistedMethod,
  isMethod,
} from '../spec/index.js';
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
import { isLoopbackHost, type OriginMatcher, splitSerializedOrigin } from './origins.js';
import { reasonMessage } from './reasons.js';
import { validateConfig } from './validate.js';

export interface CorsPolicy {
  /** What to do with a request. A promise only when an originLookup is consulted; it never rejects. */
  decide(request: CorsRequest): CorsDecision | Promise<CorsDecision>;
  /** The decision, with the rule that made it in plain words. */
  explain(request: CorsRequest): CorsExplanation | Promise<CorsExplanation>;
  /** The normalized configuration, including warnings. */
  describe(): NormalizedCorsConfig;
  readonly warnings: NormalizedCorsConfig['warnings'];
}

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

/** Reads a header from a Fetch Headers object or a Node-style record; several values are joined. */
function headerOf(source: HeaderSource, lowerName: string): string | null {
  if (typeof (source as { get?: unknown }).get === 'function') {
    return asHeaderString((source as { get(name: string): unknown }).get(lowerName));
  }
  const record = source as Readonly<Record<string, string | readonly string[] | undefined>>;
  let v = record[lowerName];
  if (v === undefined) {
    for (const key of Object.keys(record)) {
      if (key.length === lowerName.length && asciiCaseInsensitiveEquals(key, lowerName)) {
        v = record[key];
        break;
      }
    }
  }
  return asHeaderString(v);
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

/** Builds a policy from a configuration; throws CorsConfigError listing every problem. */
export function createCorsPolicy(config: CorsPolicyConfig): CorsPolicy {
  const result = validateConfig(config);
  if (!result.ok) throw new CorsConfigError(result.problems);
  const { normalized: cfg, matcher } = result.value;
  const lookup: OriginLookup | undefined = config.originLookup;
  const onDenied = config.onDenied;
  const publicOrigins = cfg.origins === '*';
  const methodSet = cfg.methods === '*' ? null : new Set(cfg.methods);
  const headerSet = cfg.requestHeaders === '*' ? null : new Set(cfg.requestHeaders);
  const limits = {
    maxElements: cfg.requestHeadersLimit.maxNames,
    maxBytes: cfg.requestHeadersLimit.maxBytes,
  };

  // Precomputed, frozen pieces of every answer.
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
  const credentialHeaders: Pair[] = cfg.credentials ? [pair('Access-Control-Allow-Credentials', 'true')] : [];
  const exposeHeaders: Pair[] =
    cfg.exposedHeaders === '*'
      ? [pair('Access-Control-Expose-Headers', '*')]
      : cfg.exposedHeaders.length > 0
        ? [pair('Access-Control-Expose-Headers', cfg.exposedHeaders.map(headerCase).join(', '))]
        : [];
  const maxAgeHeader: Pair[] =
    cfg.maxAge === null ? [] : [pair('Access-Control-Max-Age', String(cfg.maxAge))];
  const publicActualHeaders = freeze([pair('Access-Control-Allow-Origin', '*'), ...exposeHeaders]);
  const publicOriginHeaders: Pair[] = [pair('Access-Control-Allow-Origin', '*')];

  const notCors = freeze<CorsDecision>({
    kind: 'not-cors',
    allowed: false,
    status: null,
    headers: NO_HEADERS,
    vary: varyActual,
    reason: 'no-origin',
  });

  const deny = (
    kind: CorsRequestKind,
    reason: CorsReasonCode,
    headers: CorsDecision['headers'] = NO_HEADERS,
  ): CorsDecision => ({
    kind,
    allowed: false,
    status: kind === 'preflight' ? cfg.preflightStatus : null,
    headers,
    vary: kind === 'preflight' ? varyPreflight : varyActual,
    reason,
  });

  const originHeaders = (origin: string): Pair[] =>
    publicOrigins ? publicOriginHeaders : [['Access-Control-Allow-Origin', origin], ...credentialHeaders];

  /** Static origin check: 'allowed', a denial code, or 'lookup' when the originLookup must be asked. */
  const staticOriginCheck = (origin: string): 'allowed' | 'lookup' | CorsReasonCode => {
    if (publicOrigins) return 'allowed';
    if ((matcher as OriginMatcher).matches(origin)) return 'allowed';
    if (origin === 'null') return 'origin-null';
    const parts = splitSerializedOrigin(origin);
    if (parts === null) return 'origin-malformed';
    if (lookup === undefined) return 'origin-not-allowed';
    if (
      cfg.credentials &&
      parts.scheme === 'http' &&
      !isLoopbackHost(parts.host) &&
      !cfg.dangerouslyAllowInsecureOriginsWithCredentials
    ) {
      return 'origin-insecure-with-credentials';
    }
    return 'lookup';
  };

  /** The rest of the decision once the origin is known to be allowed. */
  const afterOrigin = (
    request: CorsRequest,
    origin: string,
    kind: CorsRequestKind,
    method: string,
    acrm: string | null,
  ): Evaluation => {
    // The list handed out is frozen; the pairs in it are either shared (and frozen) or fresh for this
    // decision, so a caller mutating one affects no other decision.
    if (kind === 'actual') {
      const headers = publicOrigins
        ? publicActualHeaders
        : freeze([...originHeaders(origin), ...exposeHeaders]);
      return {
        origin,
        method,
        decision: { kind, allowed: true, status: null, headers, vary: varyActual, reason: 'allowed' },
      };
    }
    const requestedMethod = acrm as string;
    const headers: Pair[] = [...originHeaders(origin)];
    if (!isMethod(requestedMethod))
      return { origin, method, requestedMethod, decision: deny(kind, 'method-invalid', freeze(headers)) };
    if (!isCorsSafelistedMethod(requestedMethod) && methodSet !== null && !methodSet.has(requestedMethod)) {
      return { origin, method, requestedMethod, decision: deny(kind, 'method-not-allowed', freeze(headers)) };
    }
    headers.push(['Access-Control-Allow-Methods', requestedMethod]);
    const acrh = headerOf(request.headers, 'access-control-request-headers');
    let requestedHeaders: string[] = [];
    if (acrh !== null) {
      const parsed = extractHeaderListValues(acrh, limits);
      if (parsed === null || !parsed.ok) {
        const tooLarge = parsed !== null && parsed.reason !== 'not-a-token';
        return {
          origin,
          method,
          requestedMethod,
          decision: deny(
            kind,
            tooLarge ? 'request-headers-too-large' : 'request-headers-invalid',
            freeze(headers),
          ),
        };
      }
      requestedHeaders = parsed.values;
    }
    let granted = '';
    let refused: string | null = null;
    for (const name of requestedHeaders) {
      const lower = asciiLowerCase(name);
      const ok = headerSet === null ? !isCorsNonWildcardRequestHeaderName(lower) : headerSet.has(lower);
      if (ok) granted = granted === '' ? lower : `${granted}, ${lower}`;
      else refused ??= lower;
    }
    if (granted !== '') headers.push(['Access-Control-Allow-Headers', granted]);
    const pna = headerOf(request.headers, 'access-control-request-private-network') === 'true';
    if (pna && cfg.privateNetworkAccess) headers.push(['Access-Control-Allow-Private-Network', 'true']);
    if (refused !== null) {
      const reason = headerSet === null ? 'authorization-needs-listing' : 'header-not-allowed';
      return {
        origin,
        method,
        requestedMethod,
        requestedHeaders,
        header: refused,
        decision: deny(kind, reason, freeze(headers)),
      };
    }
    if (pna && !cfg.privateNetworkAccess) {
      return {
        origin,
        method,
        requestedMethod,
        requestedHeaders,
        decision: deny(kind, 'private-network-not-enabled', freeze(headers)),
      };
    }
    for (const p of maxAgeHeader) headers.push(p);
    return {
      origin,
      method,
      requestedMethod,
      requestedHeaders,
      decision: {
        kind,
        allowed: true,
        status: cfg.preflightStatus,
        headers: freeze(headers),
        vary: varyPreflight,
        reason: 'allowed',
      },
    };
  };

  const evaluate = (request: CorsRequest): Evaluation | Promise<Evaluation> => {
    const method = typeof request?.method === 'string' ? request.method : '';
    const headers = request?.headers ?? {};
    const origin = headerOf(headers, 'origin');
    if (origin === null) return { origin: null, method, decision: notCors };
    const acrm = method === 'OPTIONS' ? headerOf(headers, 'access-control-request-method') : null;
    const kind: CorsRequestKind = acrm !== null ? 'preflight' : 'actual';
    const check = staticOriginCheck(origin);
    if (check === 'allowed') return afterOrigin(request, origin, kind, method, acrm);
    if (check !== 'lookup')
      return {
        origin,
        method,
        ...(acrm !== null ? { requestedMethod: acrm } : {}),
        decision: deny(kind, check),
      };
    return askLookup(lookup as OriginLookup, origin, request).then((answer) => {
      if (answer === true) {
        // Outside safeEvaluate's try by now: keep the promise from ever rejecting.
        try {
          return afterOrigin(request, origin, kind, method, acrm);
        } catch {
          return { origin, method, decision: deny(kind, 'request-headers-invalid') };
        }
      }
      return {
        origin,
        method,
        error: answer === false ? undefined : answer.error,
        decision: deny(kind, answer === false ? 'origin-not-allowed' : 'origin-lookup-failed'),
      };
    });
  };

  const explanationOf = (e: Evaluation): CorsExplanation => ({
    kind: e.decision.kind,
    allowed: e.decision.allowed,
    reason: e.decision.reason,
    message: reasonMessage(e.decision.reason, {
      origin: e.origin,
      kind: e.decision.kind,
      method: e.requestedMethod,
      header: e.header,
      maxNames: cfg.requestHeadersLimit.maxNames,
      maxBytes: cfg.requestHeadersLimit.maxBytes,
      error: e.error,
    }),
    origin: e.origin,
    method: e.method,
    ...(e.requestedMethod !== undefined ? { requestedMethod: e.requestedMethod } : {}),
    ...(e.requestedHeaders !== undefined ? { requestedHeaders: e.requestedHeaders } : {}),
    ...(e.header !== undefined ? { header: e.header } : {}),
  });

  const report = (e: Evaluation): CorsDecision => {
    if (onDenied !== undefined && !e.decision.allowed && e.decision.reason !== 'no-origin') {
      try {
        onDenied(explanationOf(e));
      } catch {
        // A failing logger must not change the answer.
      }
    }
    return e.decision;
  };

  const safeEvaluate = (request: CorsRequest): Evaluation | Promise<Evaluation> => {
    try {
      return evaluate(request);
    } catch {
      // decide() is total: an input that breaks reading (a throwing getter) gets no CORS headers.
      return { origin: null, method: '', decision: deny('actual', 'origin-malformed') };
    }
  };

  return Object.freeze({
    warnings: cfg.warnings,
    decide(request: CorsRequest) {
      const e = safeEvaluate(request);
      return e instanceof Promise ? e.then(report) : report(e);
    },
    explain(request: CorsRequest) {
      const e = safeEvaluate(request);
      return e instanceof Promise ? e.then(explanationOf) : explanationOf(e);
    },
    describe() {
      return cfg;
    },
  });
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
