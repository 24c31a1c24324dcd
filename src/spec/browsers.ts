// Browser profiles: where real browsers depart from the text of the Fetch Standard, as data.
// Algorithms read these fields; no algorithm tests a browser's name.
import { MAX_AGE_CAPS } from './max-age-caps.js';
import type { ExtraSafelistedValueRule } from './safelisted-request-headers.js';

/** Whose behaviour to follow: the standard (`spec`), or a browser. */
export type BrowserName = 'spec' | 'chrome' | 'firefox' | 'safari';

/** Other names of a profile: `webkit` is `safari`, proven on WebKitGTK (which shares Safari's WebCore). */
export const BROWSER_ALIASES: Readonly<Record<string, BrowserName>> = { webkit: 'safari' };

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
  /** Whether a Content-Type read as a comma-separated list must also end with a safelisted type (Firefox
   *  preflights `text/plain;a=b, application/json`). */
  readonly contentTypeLastListedTypeMustBeSafelisted: boolean;
  /** Which statuses with a Location are redirects: the standard's 301, 302, 303, 307 and 308, or every
   *  3xx but 300 and 304 (WebKitGTK follows a 399 with a Location, not a 300 or a 304). */
  readonly redirectStatuses: 'fetch' | '3xx-but-300-304';
  /** Methods a redirect to another origin turns into GET whatever its status (WebKitGTK: DELETE). */
  readonly crossOriginRedirectRewritesToGet: readonly string[];
  /** Preflight statuses the browser's network stack fails before CORS looks at them, as a plain network
   *  error (Chromium: 407, net::ERR_UNEXPECTED_PROXY_AUTH). */
  readonly preflightNetworkErrorStatuses: readonly number[];
  /** Whether the Range unit `bytes` matches in any case (`Bytes=0-`), where the standard wants it exact. */
  readonly rangeUnitCaseInsensitive: boolean;
  /** Whether Access-Control-Request-Headers names a header set twice twice (Firefox) instead of once. */
  readonly requestHeadersListDuplicates: boolean;
  /** Which of several disallowed request headers a preflight failure names: the first in `sorted`
   *  order (Access-Control-Request-Headers order), or the first the page set (`request`, WebKit). */
  readonly disallowedHeaderOrder: 'sorted' | 'request';
  /** Whether an empty Access-Control-Max-Age counts as absent (the 5 s default) rather than invalid. */
  readonly emptyMaxAgeMeansDefault: boolean;
  /** Preflights after a redirect. */
  readonly redirectPreflight: {
    /** `as-needed`: the standard, each hop is preflighted when its own request needs it. `sticky`: once
     *  a request was preflighted, every later CORS hop is preflighted again, even a GET that a 303 made
     *  simple or one whose Authorization a cross-origin hop dropped (Firefox, WebKit). */
    readonly repeat: 'as-needed' | 'sticky';
    /** Access-Control-Request-Headers of a repeated preflight: the request's `current` unsafe names, or
     *  the `original` ones, before the redirect removed Authorization or body headers (WebKit). */
    readonly headers: 'current' | 'original';
    /** The Origin a preflight carries and is checked against after a cross-origin redirect tainted the
     *  request's origin: `tainted` (`null`, the standard) or the `page`'s (Firefox; the request after it
     *  still carries `Origin: null`). */
    readonly origin: 'tainted' | 'page';
  };
  /** Which origin the console message names after a cross-origin redirect: the `page`'s (Chromium,
   *  whatever was compared) or the `request`'s, `null` once tainted (WebKit). */
  readonly messageOrigin: 'page' | 'request';
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
    /** Whether a cached `*` covers Authorization too (WebKit), where the standard never lets it. */
    readonly wildcardCoversAuthorization: boolean;
    /** Whether an entry stored by a credentialed preflight also serves requests without credentials
     *  (the standard) or only credentialed ones (Firefox keys its cache by credentials). */
    readonly credentialedServesUncredentialed: boolean;
    /** Whether a failed preflight removes what an earlier success stored for the same key (Chromium). */
    readonly failureClears: boolean;
  };
  /** Whether the browser sends Private Network Access preflights. */
  readonly privateNetworkAccess: boolean;
  /**
   * Schemes (with the colon) a redirect may never lead to: the fetch fails as a plain network error,
   * before any CORS check of the new URL. The standard fails every non-HTTP(S) redirect alike.
   */
  readonly unsafeRedirectSchemes: readonly string[];
  /** Whether a redirect to any other non-HTTP(S) scheme is a plain network error too (Firefox), rather
   *  than CorsDisabledScheme in cors mode. */
  readonly nonHttpRedirectIsNetworkError: boolean;
  /** Where CorsDisabledScheme is reported: at the new URL (Chromium) or at the redirect (WebKit). */
  readonly corsDisabledSchemeReportedAt: 'location' | 'redirect';
  /**
   * Whether following a redirect to a URL with a username or password always fails (as a plain network
   * error), even where the standard allows it: towards the request's own origin, or in no-cors mode.
   */
  readonly blocksRedirectToUrlWithCredentials: boolean;
  /** Whether a cors-mode redirect to a URL with credentials fails as a plain network error before the
   *  standard's checks, when the response is CORS-tainted or the URL is another origin than the page's
   *  (Firefox: never RedirectContainsCredentials; a same-origin hop is followed). */
  readonly credentialsRedirectFailsFirst: boolean;
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
// WebKit looks at the status first (measured with WebKitGTK 2.50).
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
// Firefox checks origin and credentials first, then a redirect, then the status (measured with Firefox
// 153: a 500 without Allow-Origin reports the missing header), and the method while reading
// Allow-Methods, before it reads Allow-Headers.
const FIREFOX_ORDER: readonly PreflightCheck[] = [
  'cors',
  'redirect',
  'status',
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

// Safari's profile, proven on WebKitGTK (WebKit's CORS checks live in the WebCore both share).
const SAFARI: BrowserProfile = {
  name: 'safari',
  displayName: 'Safari',
  maxAgeCap: MAX_AGE_CAPS.safari,
  negativeMaxAgeMeansNoCache: true,
  invalidMaxAgeMeansNoCache: false,
  maxAgeAcceptsPlusSign: true,
  maxAgeOverflowMeansDefault: false,
  wildcardCoversAuthorization: true,
  preflightCheckOrder: STATUS_FIRST,
  extraSafelistedRequestHeaders: {},
  // Measured with WebKitGTK 2.50: positions up to 2^64 - 1 are safelisted, 20 digits beyond it are not.
  rangeMaxPosition: 18_446_744_073_709_551_615n,
  // Measured with WebKitGTK 2.50: one record per origin and URL, replaced whole by the next successful
  // preflight, kept when a preflight fails; a cached `*` covers Authorization.
  preflightCache: {
    model: 'per-origin-url',
    maxEntries: null,
    purgeBatch: 1,
    wildcards: 'standard',
    wildcardCoversAuthorization: true,
    credentialedServesUncredentialed: true,
    failureClears: false,
  },
  privateNetworkAccess: false,
  // Measured with WebKitGTK 2.50: FTP is refused before CORS; every other scheme is CorsDisabledScheme.
  unsafeRedirectSchemes: ['ftp:'],
  blocksRedirectToUrlWithCredentials: false,
  // Measured with WebKitGTK 2.50: `Bytes=0-` is safelisted.
  rangeUnitCaseInsensitive: true,
  contentTypeLastListedTypeMustBeSafelisted: false,
  // Measured with WebKitGTK 2.50: a 399 with a Location is followed, a 300 or a 304 is not; a DELETE
  // redirected (even 307) to another origin becomes a GET.
  redirectStatuses: '3xx-but-300-304',
  crossOriginRedirectRewritesToGet: ['DELETE'],
  preflightNetworkErrorStatuses: [],
  requestHeadersListDuplicates: false,
  // Measured with WebKitGTK 2.50: with X-C, X-B and X-A all disallowed, WebKit names X-C.
  disallowedHeaderOrder: 'request',
  emptyMaxAgeMeansDefault: false,
  // Measured with WebKitGTK 2.50: preflighted again after a redirect, listing the headers the redirect
  // removed.
  redirectPreflight: { repeat: 'sticky', headers: 'original', origin: 'tainted' },
  messageOrigin: 'request',
  nonHttpRedirectIsNetworkError: false,
  corsDisabledSchemeReportedAt: 'redirect',
  credentialsRedirectFailsFirst: false,
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
    preflightCache: {
      model: 'per-entry',
      maxEntries: null,
      purgeBatch: 1,
      wildcards: 'standard',
      wildcardCoversAuthorization: false,
      credentialedServesUncredentialed: true,
      failureClears: true,
    },
    privateNetworkAccess: false,
    unsafeRedirectSchemes: [],
    blocksRedirectToUrlWithCredentials: false,
    rangeUnitCaseInsensitive: false,
    contentTypeLastListedTypeMustBeSafelisted: false,
    redirectStatuses: 'fetch',
    crossOriginRedirectRewritesToGet: [],
    preflightNetworkErrorStatuses: [],
    requestHeadersListDuplicates: false,
    disallowedHeaderOrder: 'sorted',
    emptyMaxAgeMeansDefault: false,
    redirectPreflight: { repeat: 'as-needed', headers: 'current', origin: 'tainted' },
    messageOrigin: 'page',
    nonHttpRedirectIsNetworkError: false,
    corsDisabledSchemeReportedAt: 'location',
    credentialsRedirectFailsFirst: false,
  },
  chrome: {
    name: 'chrome',
    displayName: 'Chrome',
    maxAgeCap: MAX_AGE_CAPS.chrome,
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
      wildcardCoversAuthorization: false,
      credentialedServesUncredentialed: true,
      failureClears: true,
    },
    privateNetworkAccess: false,
    // Chromium's safe-redirect rule (measured with Chromium 156): about:, blob:, chrome:, data:, file: and
    // filesystem: fail as network errors; other schemes (ftp:, ws:, javascript:, ...) as CorsDisabledScheme.
    unsafeRedirectSchemes: ['about:', 'blob:', 'chrome:', 'data:', 'file:', 'filesystem:'],
    // Chromium blocks subresource URLs with embedded credentials, redirect targets included.
    blocksRedirectToUrlWithCredentials: true,
    rangeUnitCaseInsensitive: false,
    contentTypeLastListedTypeMustBeSafelisted: false,
    redirectStatuses: 'fetch',
    crossOriginRedirectRewritesToGet: [],
    // Measured with Chromium 156: net::ERR_UNEXPECTED_PROXY_AUTH, no CORS error code.
    preflightNetworkErrorStatuses: [407],
    requestHeadersListDuplicates: false,
    disallowedHeaderOrder: 'sorted',
    emptyMaxAgeMeansDefault: false,
    redirectPreflight: { repeat: 'as-needed', headers: 'current', origin: 'tainted' },
    // The message names the page's origin even after a taint, although `null` was compared.
    messageOrigin: 'page',
    nonHttpRedirectIsNetworkError: false,
    corsDisabledSchemeReportedAt: 'location',
    credentialsRedirectFailsFirst: false,
  },
  firefox: {
    name: 'firefox',
    displayName: 'Firefox',
    maxAgeCap: MAX_AGE_CAPS.firefox,
    negativeMaxAgeMeansNoCache: true,
    invalidMaxAgeMeansNoCache: true,
    maxAgeAcceptsPlusSign: false,
    maxAgeOverflowMeansDefault: false,
    wildcardCoversAuthorization: true,
    preflightCheckOrder: FIREFOX_ORDER,
    extraSafelistedRequestHeaders: {},
    // Measured with Firefox 153: positions up to 2^64 - 1 are safelisted, 20 digits beyond it are not.
    rangeMaxPosition: 18_446_744_073_709_551_615n,
    // Measured with Firefox 153: an entry of a credentialed preflight does not serve a request without
    // credentials.
    preflightCache: {
      model: 'per-entry',
      maxEntries: null,
      purgeBatch: 1,
      wildcards: 'literal',
      wildcardCoversAuthorization: false,
      credentialedServesUncredentialed: false,
      failureClears: true,
    },
    privateNetworkAccess: false,
    unsafeRedirectSchemes: [],
    blocksRedirectToUrlWithCredentials: false,
    rangeUnitCaseInsensitive: false,
    // Measured with Firefox 153: `text/plain;a=b, application/json` is preflighted.
    contentTypeLastListedTypeMustBeSafelisted: true,
    redirectStatuses: 'fetch',
    crossOriginRedirectRewritesToGet: [],
    preflightNetworkErrorStatuses: [],
    // Measured with Firefox 153: a header set twice is listed twice.
    requestHeadersListDuplicates: true,
    disallowedHeaderOrder: 'sorted',
    emptyMaxAgeMeansDefault: true,
    // Measured with Firefox 153: after a redirect a preflighted request is preflighted again, with the
    // page's origin, although the request that follows carries `Origin: null`.
    redirectPreflight: { repeat: 'sticky', headers: 'current', origin: 'page' },
    messageOrigin: 'page',
    // Firefox fails every redirect to another scheme, or to a URL with credentials, as a network error.
    nonHttpRedirectIsNetworkError: true,
    corsDisabledSchemeReportedAt: 'redirect',
    credentialsRedirectFailsFirst: true,
  },
  safari: SAFARI,
};

/** The profile for a browser name; throws a TypeError naming the valid choices otherwise. */
export function browserProfile(name: string): BrowserProfile {
  if (Object.hasOwn(BROWSER_PROFILES, name)) return BROWSER_PROFILES[name as BrowserName];
  if (Object.hasOwn(BROWSER_ALIASES, name)) return BROWSER_PROFILES[BROWSER_ALIASES[name] as BrowserName];
  throw new TypeError(
    `unknown browser "${name}": use one of ${[...Object.keys(BROWSER_PROFILES), ...Object.keys(BROWSER_ALIASES)].join(', ')}`,
  );
}
