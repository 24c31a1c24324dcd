// Browser profiles: where real browsers depart from the text of the Fetch Standard, as data.
// Algorithms read these fields; no algorithm tests a browser's name.
import type { ExtraSafelistedValueRule } from './headers.js';

/** Whose behaviour to follow: the standard (`spec`), or a browser. */
export type BrowserName = 'spec' | 'chrome' | 'firefox' | 'safari';

/** The order in which a preflight response's checks run; the first failing one is reported. */
export type PreflightCheck =
  | 'redirect'
  | 'cors'
  | 'status'
  | 'private-network'
  | 'parse-methods'
  | 'parse-headers'
  | 'method'
  | 'headers';

/** A browser's departures from the Fetch Standard: caps, extra safelisted headers, check order, wording. */
export interface BrowserProfile {
  readonly name: BrowserName;
  /** Display name used in messages. */
  readonly displayName: string;
  /** Upper bound on Access-Control-Max-Age in seconds; null when uncapped. */
  readonly maxAgeCap: number | null;
  /** Whether a negative Access-Control-Max-Age disables caching (true) or is treated as invalid (false). */
  readonly negativeMaxAgeMeansNoCache: boolean;
  /** Whether a Max-Age that is not a number disables caching (true) or gives the 5 s default (false). */
  readonly invalidMaxAgeMeansNoCache: boolean;
  /** Whether Max-Age may carry a leading `+` (WebKit's integer parser accepts it). */
  readonly maxAgeAcceptsPlusSign: boolean;
  /** Whether a Max-Age too large for a 64-bit integer falls back to the 5 s default (Chromium) instead of
   *  saturating as RFC 9111 delta-seconds do. */
  readonly maxAgeOverflowMeansDefault: boolean;
  /** Whether `*` in Access-Control-Allow-Headers covers `Authorization` when credentials are not included. */
  readonly wildcardCoversAuthorization: boolean;
  /** Order of checks on a preflight response. */
  readonly preflightCheckOrder: readonly PreflightCheck[];
  /** Request headers safelisted beyond the standard, with the rule their value must meet. */
  readonly extraSafelistedRequestHeaders: Readonly<Record<string, ExtraSafelistedValueRule>>;
  /** Largest Range position the browser parses; a larger one makes Range unsafe. Null: unbounded. */
  readonly rangeMaxPosition: bigint | null;
  /** How the preflight cache is keyed and bounded. */
  readonly preflightCache: {
    /** `per-entry`: the standard's one entry per method and header name. `per-origin-url`: one record per
     *  (origin, URL, credentials), replaced whole by each successful preflight (Chromium). */
    readonly model: 'per-entry' | 'per-origin-url';
    /** Most entries (records for `per-origin-url`); the least recently stored is evicted. Null: no cap. */
    readonly maxEntries: number | null;
    /** How many records are purged at once when the cache is full. */
    readonly purgeBatch: number;
    /** When a cached `*` acts as a wildcard for a request without credentials: `standard` always (the
     *  text's cache entry match), `uncredentialed-only` when the preflight that stored it had no
     *  credentials either (Chromium), `literal` never (Firefox compares cached tokens literally). */
    readonly wildcards: 'standard' | 'uncredentialed-only' | 'literal';
  };
  /** Whether the browser sends Private Network Access preflights. */
  readonly privateNetworkAccess: boolean;
  /**
   * Schemes (with the colon) a redirect may never lead to: the fetch fails as a plain network error,
   * before any CORS check of the new URL. The standard fails every non-HTTP(S) redirect alike.
   */
  readonly unsafeRedirectSchemes: readonly string[];
  /**
   * Whether following a redirect to a URL with a username or password always fails (as a plain network
   * error), even where the standard allows it: towards the request's own origin, or in no-cors mode.
   */
  readonly blocksRedirectToUrlWithCredentials: boolean;
}

// The standard checks CORS and the ok status in one step (a redirect is not an ok status); we report
// a redirect by name, after the CORS check.
const FETCH_ORDER: readonly PreflightCheck[] = [
  'cors',
  'redirect',
  'status',
  'private-network',
  'parse-methods',
  'parse-headers',
  'method',
  'headers',
];
// Chromium reports a redirected preflight first, then origin and credentials, then the status.
const CHROMIUM_ORDER: readonly PreflightCheck[] = [
  'redirect',
  'cors',
  'status',
  'private-network',
  'parse-methods',
  'parse-headers',
  'method',
  'headers',
];
// Safari looks at the status first.
const STATUS_FIRST: readonly PreflightCheck[] = [
  'redirect',
  'status',
  'cors',
  'private-network',
  'parse-methods',
  'parse-headers',
  'method',
  'headers',
];
// Firefox too, and it checks the method while reading Allow-Methods, before it reads Allow-Headers
// (nsCORSListenerProxy.cpp, CheckPreflightRequestApproved).
const FIREFOX_ORDER: readonly PreflightCheck[] = [
  'redirect',
  'status',
  'cors',
  'private-network',
  'parse-methods',
  'method',
  'parse-headers',
  'headers',
];

/** Chromium's legacy client hints that count as safelisted (services/network/public/cpp/cors/cors.cc). */
const CHROMIUM_CLIENT_HINTS: Readonly<Record<string, ExtraSafelistedValueRule>> = {
  'device-memory': 'decimal',
  dpr: 'decimal',
  downlink: 'decimal',
  width: 'integer',
  'viewport-width': 'integer',
  rtt: 'integer',
  ect: 'effective-connection-type',
  'save-data': 'on',
};

/** Each browser's departures from the standard, as data. */
export const BROWSER_PROFILES: Readonly<Record<BrowserName, BrowserProfile>> = {
  spec: {
    name: 'spec',
    displayName: 'the Fetch Standard',
    maxAgeCap: null,
    negativeMaxAgeMeansNoCache: false,
    invalidMaxAgeMeansNoCache: false,
    maxAgeAcceptsPlusSign: false,
    maxAgeOverflowMeansDefault: false,
    wildcardCoversAuthorization: false,
    preflightCheckOrder: FETCH_ORDER,
    extraSafelistedRequestHeaders: {},
    rangeMaxPosition: null,
    preflightCache: { model: 'per-entry', maxEntries: null, purgeBatch: 1, wildcards: 'standard' },
    privateNetworkAccess: false,
    unsafeRedirectSchemes: [],
    blocksRedirectToUrlWithCredentials: false,
  },
  chrome: {
    name: 'chrome',
    displayName: 'Chrome',
    maxAgeCap: 7200,
    negativeMaxAgeMeansNoCache: true,
    invalidMaxAgeMeansNoCache: false,
    maxAgeAcceptsPlusSign: false,
    maxAgeOverflowMeansDefault: true,
    wildcardCoversAuthorization: true,
    preflightCheckOrder: CHROMIUM_ORDER,
    extraSafelistedRequestHeaders: CHROMIUM_CLIENT_HINTS,
    // Chromium parses Range positions as int64 and refuses the largest one: 2^63 - 2 is the last safelisted
    // position (measured with Chromium 156: `bytes=9223372036854775807-` and `bytes=0-9223372036854775807`
    // are preflighted, `bytes=9223372036854775806-` is not).
    rangeMaxPosition: 9_223_372_036_854_775_806n,
    preflightCache: {
      model: 'per-origin-url',
      maxEntries: 1024,
      purgeBatch: 10,
      wildcards: 'uncredentialed-only',
    },
    privateNetworkAccess: false,
    // Chromium's safe-redirect rule (measured with Chromium 156): about:, blob:, chrome:, data:, file: and
    // filesystem: fail as network errors; other schemes (ftp:, ws:, javascript:, ...) as CorsDisabledScheme.
    unsafeRedirectSchemes: ['about:', 'blob:', 'chrome:', 'data:', 'file:', 'filesystem:'],
    // Chromium blocks subresource URLs with embedded credentials, redirect targets included.
    blocksRedirectToUrlWithCredentials: true,
  },
  firefox: {
    name: 'firefox',
    displayName: 'Firefox',
    maxAgeCap: 86_400,
    negativeMaxAgeMeansNoCache: true,
    invalidMaxAgeMeansNoCache: true,
    maxAgeAcceptsPlusSign: false,
    maxAgeOverflowMeansDefault: false,
    wildcardCoversAuthorization: true,
    preflightCheckOrder: FIREFOX_ORDER,
    extraSafelistedRequestHeaders: {},
    rangeMaxPosition: null,
    preflightCache: { model: 'per-entry', maxEntries: null, purgeBatch: 1, wildcards: 'literal' },
    privateNetworkAccess: false,
    unsafeRedirectSchemes: [],
    blocksRedirectToUrlWithCredentials: false,
  },
  safari: {
    name: 'safari',
    displayName: 'Safari',
    maxAgeCap: 600,
    negativeMaxAgeMeansNoCache: true,
    invalidMaxAgeMeansNoCache: false,
    maxAgeAcceptsPlusSign: true,
    maxAgeOverflowMeansDefault: false,
    wildcardCoversAuthorization: true,
    preflightCheckOrder: STATUS_FIRST,
    extraSafelistedRequestHeaders: {},
    rangeMaxPosition: null,
    preflightCache: { model: 'per-entry', maxEntries: null, purgeBatch: 1, wildcards: 'standard' },
    privateNetworkAccess: false,
    unsafeRedirectSchemes: [],
    blocksRedirectToUrlWithCredentials: false,
  },
};

/** The profile for a browser name; throws a TypeError naming the valid choices otherwise. */
export function browserProfile(name: string): BrowserProfile {
  if (Object.hasOwn(BROWSER_PROFILES, name)) return BROWSER_PROFILES[name as BrowserName];
  throw new TypeError(`unknown browser "${name}": use one of ${Object.keys(BROWSER_PROFILES).join(', ')}`);
}
