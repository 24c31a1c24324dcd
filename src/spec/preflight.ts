// When a preflight happens, what it sends, and how its answer is judged: Fetch §4.1 "main fetch",
// §4.3 "HTTP fetch", §4.9 "CORS-preflight fetch".
import type { BrowserProfile } from './browsers.js';
import { BROWSER_PROFILES } from './browsers.js';
import { corsCheck } from './check.js';
import { type CorsError, toPreflightCode } from './errors.js';
import {
  extractHeaderListValues,
  getHeader,
  type HeaderList,
  type HeaderListLimits,
  isCorsNonWildcardRequestHeaderName,
} from './headers.js';
import { isCorsSafelistedMethod, isForbiddenMethod, isMethod, normalizeMethod } from './methods.js';
import { isSameOrigin, type Origin, originOfUrl } from './origin.js';
import { authorRequestHeaders, type CredentialsMode, type RequestMode } from './request.js';
import { corsUnsafeRequestHeaderNames } from './safelisted-request-headers.js';
import { asciiCaseInsensitiveEquals } from './tokens.js';

/** What a cache lookup needs to answer; implemented by `CorsPreflightCache`. */
export interface PreflightCacheLookup {
  /** Fetch §4.8 "method cache entry match". */
  methodMatch(method: string): boolean;
  /** Fetch §4.8 "header-name cache entry match". */
  headerNameMatch(name: string): boolean;
}

/**
 * Fetch §4.3 HTTP fetch, step 4.1: a preflight is needed when the method is not safelisted (or the
 * use-CORS-preflight flag is set) and the cache holds no entry for it, or when some CORS-unsafe header
 * name has no cache entry.
 */
export function isCorsPreflightNeeded(
  method: string,
  unsafeHeaderNames: readonly string[],
  useCorsPreflightFlag = false,
  cache?: PreflightCacheLookup,
): boolean {
  const methodNeedsIt = !isCorsSafelistedMethod(method) || useCorsPreflightFlag;
  const makeCorsPreflight = methodNeedsIt || unsafeHeaderNames.length > 0;
  if (!makeCorsPreflight) return false;
  if (methodNeedsIt && !(cache?.methodMatch(method) ?? false)) return true;
  for (const name of unsafeHeaderNames) if (!(cache?.headerNameMatch(name) ?? false)) return true;
  return false;
}

/** A page's request, as `fetch(url, init)` describes it. */
export interface PageRequest {
  /** The page's origin. */
  readonly origin: Origin;
  readonly url: string;
  readonly method: string;
  readonly headers: HeaderList;
  readonly mode: RequestMode;
  readonly credentials: CredentialsMode;
  /** Set by upload listeners or a streamed body. */
  readonly useCorsPreflightFlag?: boolean;
}

/** How the browser will fetch a request, decided before anything is sent. */
export type FetchPlan =
  /** fetch() rejects before sending: a forbidden method, a bad URL, or a non-safelisted method in no-cors. */
  | { readonly kind: 'type-error'; readonly reason: string }
  /** Same origin: the same-origin policy allows it and CORS plays no part. */
  | { readonly kind: 'same-origin'; readonly method: string; readonly headers: [string, string][] }
  /** `same-origin` mode across origins: a network error before the network (Chromium: DisallowedByMode). */
  | { readonly kind: 'disallowed-by-mode' }
  /** `no-cors` across origins: sent without a preflight; the page gets an opaque response. */
  | { readonly kind: 'no-cors'; readonly method: string; readonly headers: [string, string][] }
  /** `cors` across origins. */
  | {
      readonly kind: 'cors';
      readonly method: string;
      readonly headers: [string, string][];
      readonly unsafeHeaderNames: string[];
      readonly preflight: boolean;
    };

/**
 * Fetch §5.3 "Request constructor" and §4.1 "main fetch", steps that pick the path: the method is
 * normalized, forbidden headers dropped, the mode rules applied, and for `cors` the preflight decided.
 */
export function planFetch(
  request: PageRequest,
  profile: BrowserProfile = BROWSER_PROFILES.spec,
  cache?: PreflightCacheLookup,
): FetchPlan {
  const target = originOfUrl(request.url);
  if (target === null) return { kind: 'type-error', reason: `Failed to parse URL from ${request.url}` };
  // §5.3 Request constructor: a URL that includes credentials, or a method that is not a token, throws.
  // Userinfo needs an '@'; most URLs have none, which spares a second parse.
  const parsed = request.url.includes('@') ? new URL(request.url) : null;
  if (parsed !== null && (parsed.username !== '' || parsed.password !== '')) {
    return {
      kind: 'type-error',
      reason: `Request cannot be constructed from a URL that includes credentials: ${request.url}`,
    };
  }
  if (!isMethod(request.method))
    return { kind: 'type-error', reason: `'${request.method}' is not a valid HTTP method.` };
  const method = normalizeMethod(request.method);
  if (isForbiddenMethod(method))
    return { kind: 'type-error', reason: `'${request.method}' HTTP method is unsupported.` };
  if (request.mode === 'no-cors' && !isCorsSafelistedMethod(method)) {
    return { kind: 'type-error', reason: `'${request.method}' is unsupported in no-cors mode.` };
  }
  const headers = authorRequestHeaders(request.headers, request.mode);
  if (isSameOrigin(request.origin, target)) return { kind: 'same-origin', method, headers };
  if (request.mode === 'same-origin') return { kind: 'disallowed-by-mode' };
  if (request.mode === 'no-cors') return { kind: 'no-cors', method, headers };
  const unsafeHeaderNames = corsUnsafeRequestHeaderNames(headers, profile);
  const preflight = isCorsPreflightNeeded(
    method,
    unsafeHeaderNames,
    request.useCorsPreflightFlag ?? false,
    cache,
  );
  return { kind: 'cors', method, headers, unsafeHeaderNames, preflight };
}

/** Fetch §4.9 "CORS-preflight fetch", steps 1-3: the OPTIONS request a browser sends. */
export function corsPreflightRequest(
  url: string,
  method: string,
  unsafeHeaderNames: readonly string[],
  serializedOrigin: string,
  options: { privateNetwork?: boolean } = {},
): { method: 'OPTIONS'; url: string; headers: [string, string][] } {
  const headers: [string, string][] = [
    ['Accept', '*/*'],
    ['Access-Control-Request-Method', method],
  ];
  if (unsafeHeaderNames.length > 0)
    headers.push(['Access-Control-Request-Headers', unsafeHeaderNames.join(',')]);
  if (options.privateNetwork === true) headers.push(['Access-Control-Request-Private-Network', 'true']);
  headers.push(['Origin', serializedOrigin]);
  return { method: 'OPTIONS', url, headers };
}

/** Fetch §2.2.3 "ok status": 200 to 299. */
export function isOkStatus(status: number): boolean {
  return status >= 200 && status <= 299;
}

/** Fetch §2.2.3 "redirect status". */
export function isRedirectStatus(status: number, statuses: 'fetch' | '3xx-but-300-304' = 'fetch'): boolean {
  if (statuses === '3xx-but-300-304') return status >= 301 && status <= 399 && status !== 304;
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** The default max-age when Access-Control-Max-Age is absent or invalid (Fetch §4.9 step 7.9). */
export const DEFAULT_PREFLIGHT_MAX_AGE = 5;

/**
 * Fetch §4.9 steps 7.8-7.10 and RFC 9111 §1.2.2 delta-seconds: Access-Control-Max-Age in seconds,
 * 5 when absent or invalid, then capped by the profile. A negative value disables caching in browsers
 * whose profile says so. Delta-seconds too large to hold are taken as 2^31 (RFC 9111 §1.2.2).
 */
export function preflightMaxAge(
  responseHeaders: HeaderList,
  profile: BrowserProfile = BROWSER_PROFILES.spec,
): number {
  const value = getHeader(responseHeaders, 'Access-Control-Max-Age');
  const absent = value === null || (value === '' && profile.emptyMaxAgeMeansDefault);
  const seconds = absent ? DEFAULT_PREFLIGHT_MAX_AGE : maxAgeSeconds(value, profile);
  return profile.maxAgeCap !== null && seconds > profile.maxAgeCap ? profile.maxAgeCap : seconds;
}

/** Largest value a 64-bit signed integer holds: Chromium's Max-Age parser fails beyond it. */
const INT64_MAX = 9_223_372_036_854_775_807n;

/** One Access-Control-Max-Age value in seconds, with the profile's parsing departures. */
function maxAgeSeconds(value: string, profile: BrowserProfile): number {
  const digits = profile.maxAgeAcceptsPlusSign && value.startsWith('+') ? value.slice(1) : value;
  const seconds = parseDeltaSeconds(digits);
  if (seconds !== null) {
    const overflows = digits.length >= 19 && BigInt(digits) > INT64_MAX;
    return profile.maxAgeOverflowMeansDefault && overflows ? DEFAULT_PREFLIGHT_MAX_AGE : seconds;
  }
  if (isNegativeInteger(value) && profile.negativeMaxAgeMeansNoCache) return 0;
  return profile.invalidMaxAgeMeansNoCache ? 0 : DEFAULT_PREFLIGHT_MAX_AGE;
}

/** RFC 9111 §1.2.2 delta-seconds: 1*DIGIT, saturating at 2^31. Null when the value is not digits. */
export function parseDeltaSeconds(value: string): number | null {
  if (value.length === 0) return null;
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return null;
    if (n < 2_147_483_648) n = n * 10 + (c - 0x30);
  }
  return Math.min(n, 2_147_483_648);
}

function isNegativeInteger(value: string): boolean {
  return value.length > 1 && value.charCodeAt(0) === 0x2d && parseDeltaSeconds(value.slice(1)) !== null;
}

/** The request facts a preflight response is judged against. */
export interface PreflightContext {
  /** The request's serialized origin (`null` when opaque or tainted). */
  readonly serializedOrigin: string;
  readonly credentials: CredentialsMode;
  /** The actual request's (normalized) method. */
  readonly method: string;
  /** The actual request's header list, after forbidden headers were dropped. */
  readonly headers: HeaderList;
  readonly useCorsPreflightFlag?: boolean;
  /** The CORS-unsafe request-header names of `headers`, when the caller has them already. */
  readonly unsafeHeaderNames?: readonly string[];
  /** Set when the preflight carried Access-Control-Request-Private-Network. */
  readonly privateNetwork?: { readonly addressSpace: string };
}

/** The CORS-preflight fetch result: ok with the allowed methods and headers, or the error. */
export type PreflightResult =
  | {
      readonly ok: true;
      /** Seconds to cache, after the profile's cap. */
      readonly maxAge: number;
      /** Access-Control-Allow-Methods values (or the request's method under the use-CORS-preflight rule). */
      readonly methods: string[];
      /** Access-Control-Allow-Headers values. */
      readonly headerNames: string[];
      /** Set when `*` let Authorization through where the standard would not (a browser departure). */
      readonly authorizationCoveredByWildcard: boolean;
    }
  | { readonly ok: false; readonly error: CorsError };

/** Limits for parsing a preflight response's lists: browsers parse what servers send, uncapped. */
const RESPONSE_LIST_LIMITS: HeaderListLimits = {
  maxElements: Number.POSITIVE_INFINITY,
  maxBytes: Number.POSITIVE_INFINITY,
};

function headerValues(list: HeaderList, lowerName: string): string[] | null {
  const out: string[] = [];
  for (const [n, v] of list)
    if (n.length === lowerName.length && asciiCaseInsensitiveEquals(n, lowerName)) out.push(v);
  return out.length === 0 ? null : out;
}

/** Lowercased names in the order the page first set them (names the list lacks keep their place last). */
function inRequestOrder(names: readonly string[], headers: HeaderList): string[] {
  const rank = new Map<string, number>();
  for (const [n] of headers) {
    const lower = n.toLowerCase();
    if (!rank.has(lower)) rank.set(lower, rank.size);
  }
  return [...names].sort((a, b) => (rank.get(a) ?? rank.size) - (rank.get(b) ?? rank.size));
}

/**
 * Fetch §4.9 "CORS-preflight fetch" step 7.8: `method` is allowed by the parsed
 * Access-Control-Allow-Methods values when it is listed, CORS-safelisted, or `*` stands for it (only
 * without credentials).
 */
export function isMethodAllowedByPreflight(
  method: string,
  allowMethods: readonly string[],
  credentials: CredentialsMode,
): boolean {
  return (
    allowMethods.includes(method) ||
    isCorsSafelistedMethod(method) ||
    (credentials !== 'include' && allowMethods.includes('*'))
  );
}

/**
 * Fetch §4.9 "CORS-preflight fetch" step 7.9, as the standard words it: `name` is allowed by the parsed
 * Access-Control-Allow-Headers values when listed (case-insensitively), or when `*` stands for it, which
 * it never does with credentials nor for a CORS non-wildcard request-header name (Authorization).
 */
export function isHeaderNameAllowedByPreflight(
  name: string,
  allowHeaders: readonly string[],
  credentials: CredentialsMode,
): boolean {
  if (allowHeaders.some((item) => asciiCaseInsensitiveEquals(item, name))) return true;
  return credentials !== 'include' && allowHeaders.includes('*') && !isCorsNonWildcardRequestHeaderName(name);
}

/**
 * Fetch §4.9 "CORS-preflight fetch" step 7: validates a preflight response for the request. Checks run in
 * the profile's order and the first failure is reported with Chromium's code and its details.
 */
export function validatePreflightResponse(
  ctx: PreflightContext,
  response: { readonly status: number; readonly headers: HeaderList },
  profile: BrowserProfile = BROWSER_PROFILES.spec,
): PreflightResult {
  let methods: string[] | null = null;
  let headerNames: string[] | null = null;
  let authorizationCoveredByWildcard = false;
  const unsafeNames = ctx.unsafeHeaderNames ?? corsUnsafeRequestHeaderNames(ctx.headers, profile);
  for (const check of profile.preflightCheckOrder) {
    switch (check) {
      case 'redirect':
        if (
          isRedirectStatus(response.status, profile.redirectStatuses) &&
          getHeader(response.headers, 'Location') !== null
        ) {
          return { ok: false, error: { code: 'PreflightDisallowedRedirect' } };
        }
        break;
      case 'cors': {
        const result = corsCheck(ctx.serializedOrigin, ctx.credentials, response.headers);
        if (!result.ok)
          return { ok: false, error: { ...result.error, code: toPreflightCode(result.error.code) } };
        break;
      }
      case 'status':
        if (!isOkStatus(response.status)) return { ok: false, error: { code: 'PreflightInvalidStatus' } };
        break;
      case 'private-network': {
        if (ctx.privateNetwork === undefined) break;
        const allow = getHeader(response.headers, 'Access-Control-Allow-Private-Network');
        if (allow === null) {
          return {
            ok: false,
            error: {
              code: 'PreflightMissingAllowPrivateNetwork',
              addressSpace: ctx.privateNetwork.addressSpace,
            },
          };
        }
        if (allow !== 'true') {
          return {
            ok: false,
            error: {
              code: 'PreflightInvalidAllowPrivateNetwork',
              value: allow,
              addressSpace: ctx.privateNetwork.addressSpace,
            },
          };
        }
        break;
      }
      case 'parse-methods': {
        const m = extractHeaderListValues(
          headerValues(response.headers, 'access-control-allow-methods'),
          RESPONSE_LIST_LIMITS,
        );
        if (m !== null && !m.ok) {
          return {
            ok: false,
            error: { code: 'InvalidAllowMethodsPreflightResponse', value: m.element ?? '' },
          };
        }
        methods = m === null ? null : m.values;
        break;
      }
      case 'parse-headers': {
        const h = extractHeaderListValues(
          headerValues(response.headers, 'access-control-allow-headers'),
          RESPONSE_LIST_LIMITS,
        );
        if (h !== null && !h.ok) {
          return {
            ok: false,
            error: { code: 'InvalidAllowHeadersPreflightResponse', value: h.element ?? '' },
          };
        }
        headerNames = h === null ? [] : h.values;
        break;
      }
      case 'method': {
        if (methods === null && (ctx.useCorsPreflightFlag ?? false)) methods = [ctx.method];
        if (!isMethodAllowedByPreflight(ctx.method, methods ?? [], ctx.credentials)) {
          return { ok: false, error: { code: 'MethodDisallowedByPreflightResponse', method: ctx.method } };
        }
        break;
      }
      case 'headers': {
        const list = headerNames ?? [];
        const listed = (name: string): boolean => list.some((item) => asciiCaseInsensitiveEquals(item, name));
        const star = ctx.credentials !== 'include' && list.includes('*');
        // The standard checks the non-wildcard names (Authorization) before the other unsafe names.
        if (!profile.wildcardCoversAuthorization) {
          for (const [name] of ctx.headers) {
            if (isCorsNonWildcardRequestHeaderName(name) && !listed(name)) {
              return {
                ok: false,
                error: { code: 'HeaderDisallowedByPreflightResponse', header: 'authorization' },
              };
            }
          }
        }
        const ordered =
          profile.disallowedHeaderOrder === 'request'
            ? inRequestOrder(unsafeNames, ctx.headers)
            : unsafeNames;
        for (const name of ordered) {
          if (listed(name)) continue;
          if (star) {
            if (isCorsNonWildcardRequestHeaderName(name)) authorizationCoveredByWildcard = true;
            continue;
          }
          return { ok: false, error: { code: 'HeaderDisallowedByPreflightResponse', header: name } };
        }
        break;
      }
    }
  }
  return {
    ok: true,
    maxAge: preflightMaxAge(response.headers, profile),
    methods: methods ?? [],
    headerNames: headerNames ?? [],
    authorizationCoveredByWildcard,
  };
}
