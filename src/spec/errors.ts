// Why a CORS request failed, and what each browser prints for it. Codes are Chromium's CorsError values
// (services/network/public/mojom/cors.mojom) without the leading `k`; messages follow each browser's
// console text with the details filled in.
import type { BrowserName } from './browsers.js';

/** Chromium's CorsError names without the `k`, as corskit reports them. */
export const CORS_ERROR_CODES = [
  'DisallowedByMode',
  'InvalidResponse',
  'WildcardOriginNotAllowed',
  'MissingAllowOriginHeader',
  'MultipleAllowOriginValues',
  'InvalidAllowOriginValue',
  'AllowOriginMismatch',
  'InvalidAllowCredentials',
  'CorsDisabledScheme',
  'PreflightInvalidStatus',
  'PreflightDisallowedRedirect',
  'PreflightWildcardOriginNotAllowed',
  'PreflightMissingAllowOriginHeader',
  'PreflightMultipleAllowOriginValues',
  'PreflightInvalidAllowOriginValue',
  'PreflightAllowOriginMismatch',
  'PreflightInvalidAllowCredentials',
  'PreflightMissingAllowPrivateNetwork',
  'PreflightInvalidAllowPrivateNetwork',
  'InvalidAllowMethodsPreflightResponse',
  'InvalidAllowHeadersPreflightResponse',
  'MethodDisallowedByPreflightResponse',
  'HeaderDisallowedByPreflightResponse',
  'RedirectContainsCredentials',
  // Blink refuses a no-cors request whose redirect mode is not "follow" before sending it.
  'NoCorsRedirectModeNotFollow',
] as const;

/** A CORS error, by its Chromium name. */
export type CorsErrorCode = (typeof CORS_ERROR_CODES)[number];

/** A CORS failure with the details its message needs. */
export interface CorsError {
  readonly code: CorsErrorCode;
  /** The offending header value (Allow-Origin, Allow-Credentials, Allow-Methods or Allow-Headers). */
  readonly value?: string;
  /** The method a preflight did not allow. */
  readonly method?: string;
  /** The request header a preflight did not allow (lowercase). */
  readonly header?: string;
  /** That header's name as the page spelled it (WebKit's message keeps it). */
  readonly headerAsSent?: string;
  /** How many Access-Control-Allow-Origin header lines the response had (Firefox tells one line with
   *  several values from several lines). */
  readonly headerLines?: number;
  /** A redirect's Location. */
  readonly location?: string;
  /** The target's IP address space, for private network errors. */
  readonly addressSpace?: string;
  /**
   * Set when the page's fetch() refused the request before anything reached the network (Chromium's
   * renderer checks the mode first): Chrome then prints a `Fetch API cannot load` line, not a CORS one.
   */
  readonly beforeNetwork?: boolean;
}

/** Where the failure happened, for the message's frame. */
export interface CorsMessageContext {
  /** The URL the failing request was for. */
  readonly url: string;
  /** The first URL of a redirect chain, when the request was redirected. */
  readonly redirectedFrom?: string;
  /** The page's serialized origin (`null` for an opaque one). */
  readonly origin: string;
  /** The API that made the request. Default `fetch`. */
  readonly api?: 'fetch' | 'XMLHttpRequest';
  /** The HTTP status of the response that failed, when there was one. */
  readonly status?: number;
  /** Set when the response that failed was a redirect: where it pointed. */
  readonly redirectTo?: string;
  /** False when that redirect would not have been followed (redirect mode "error" or "manual"). */
  readonly redirectFollowed?: boolean;
}

/** Why a fetch failed without a CORS error: the browser's own refusals and failures below HTTP. */
export type NetworkFailureReason =
  | 'connection'
  | 'redirect-mode-error'
  | 'too-many-redirects'
  | 'same-origin-mode-redirect'
  | 'redirect-scheme'
  | 'redirect-credentials'
  | 'invalid-location';

/** What script sees when fetch() rejects, in each browser. */
export function fetchTypeError(browser: BrowserName): string {
  switch (browser) {
    case 'firefox':
      return 'TypeError: NetworkError when attempting to fetch resource.';
    case 'safari':
      return 'TypeError: Load failed';
    default:
      return 'TypeError: Failed to fetch';
  }
}

/**
 * The console lines a browser prints for a fetch that failed without a CORS error, or null when it prints
 * none (measured: Chromium prints none of these; Firefox and WebKit print some).
 */
export function networkFailureMessage(
  browser: BrowserName,
  reason: NetworkFailureReason,
  ctx: CorsMessageContext,
): string | null {
  if (browser === 'firefox') {
    switch (reason) {
      case 'redirect-scheme':
      case 'redirect-credentials':
      case 'too-many-redirects':
        return firefoxLine(ctx.url, FIREFOX_DID_NOT_SUCCEED, FIREFOX_NULL_STATUS);
      default:
        return null;
    }
  }
  if (browser === 'safari') {
    const cannotLoad = `Fetch API cannot load ${ctx.url} due to access control checks.`;
    switch (reason) {
      case 'redirect-mode-error':
        return `Not allowed to follow a redirection while loading ${ctx.url}\n${cannotLoad}`;
      case 'too-many-redirects':
        return `Load cannot follow more than 20 redirections\n${cannotLoad}`;
      case 'same-origin-mode-redirect':
        return `Unsafe attempt to load URL ${ctx.url} from origin ${ctx.origin}. Domains, protocols and ports must match.\n${cannotLoad}`;
      case 'redirect-scheme':
        return `${ctx.redirectTo?.startsWith('ftp:') ? 'FTP URLs are disabled' : 'Cross origin requests are only supported for HTTP.'}\n${cannotLoad}`;
      default:
        return null;
    }
  }
  return null;
}

/** Whether the error concerns the preflight response (Chromium prefixes those messages). */
export function isPreflightError(code: CorsErrorCode): boolean {
  return code.startsWith('Preflight');
}

/** The plain-terms cause: the code without its `Preflight` prefix. */
function baseCode(code: CorsErrorCode): string {
  return code.startsWith('Preflight') &&
    code !== 'PreflightInvalidStatus' &&
    code !== 'PreflightDisallowedRedirect' &&
    !code.includes('PrivateNetwork')
    ? code.slice('Preflight'.length)
    : code;
}

// Chromium no longer suggests 'no-cors' (measured with Chromium 156 by test/browser/differential.test.ts):
// a missing Allow-Origin gets no hint, a bad value only the first sentence of the old one.
const VALID_VALUE_HINT = ' Have the server send the header with a valid value.';

/** Chromium's detail sentence for an error (services/network/public/cpp/cors/cors_error_status.cc). */
export function chromeErrorDetail(error: CorsError, api: 'fetch' | 'XMLHttpRequest' = 'fetch'): string {
  const v = escapeForConsole(error.value ?? '');
  const fetch = api === 'fetch';
  switch (baseCode(error.code)) {
    case 'DisallowedByMode':
      return 'Cross origin requests are not allowed by request mode.';
    case 'InvalidResponse':
      return 'The response is invalid.';
    case 'WildcardOriginNotAllowed':
      return `The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.${api === 'XMLHttpRequest' ? ' The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.' : ''}`;
    case 'MissingAllowOriginHeader':
      return "No 'Access-Control-Allow-Origin' header is present on the requested resource.";
    case 'MultipleAllowOriginValues':
      return `The 'Access-Control-Allow-Origin' header contains multiple values '${v}', but only one is allowed.${fetch ? VALID_VALUE_HINT : ''}`;
    case 'InvalidAllowOriginValue':
      return `The 'Access-Control-Allow-Origin' header contains the invalid value '${v}'.${fetch ? VALID_VALUE_HINT : ''}`;
    case 'AllowOriginMismatch':
      return `The 'Access-Control-Allow-Origin' header has a value '${v}' that is not equal to the supplied origin.${fetch ? VALID_VALUE_HINT : ''}`;
    case 'InvalidAllowCredentials':
      return `The value of the 'Access-Control-Allow-Credentials' header in the response is '${v}' which must be 'true' when the request's credentials mode is 'include'.${api === 'XMLHttpRequest' ? ' The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.' : ''}`;
    case 'CorsDisabledScheme':
      return 'Cross origin requests are only supported for protocol schemes: chrome, chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, http, https, isolated-app.';
    case 'PreflightInvalidStatus':
      return 'It does not have HTTP ok status.';
    case 'PreflightDisallowedRedirect':
      return 'Redirect is not allowed for a preflight request.';
    case 'PreflightMissingAllowPrivateNetwork':
      return `No 'Access-Control-Allow-Private-Network' header was present in the preflight response for this private network request targeting the \`${error.addressSpace ?? 'local'}\` address space.`;
    case 'PreflightInvalidAllowPrivateNetwork':
      return `The 'Access-Control-Allow-Private-Network' header in the preflight response for this private network request targeting the \`${error.addressSpace ?? 'local'}\` address space had a value of '${v}',  not 'true'.`; // sic: two spaces, as cors_error_string.cc prints
    case 'InvalidAllowMethodsPreflightResponse':
      return 'Cannot parse Access-Control-Allow-Methods response header field in preflight response.';
    case 'InvalidAllowHeadersPreflightResponse':
      return 'Cannot parse Access-Control-Allow-Headers response header field in preflight response.';
    case 'MethodDisallowedByPreflightResponse':
      return `Method ${error.method ?? ''} is not allowed by Access-Control-Allow-Methods in preflight response.`;
    case 'HeaderDisallowedByPreflightResponse':
      return `Request header field ${error.header ?? ''} is not allowed by Access-Control-Allow-Headers in preflight response.`;
    case 'RedirectContainsCredentials':
      // Chromium 156 leaves the location out of this message (measured by the differential test).
      return "Redirect location '' contains a username and password, which is disallowed for cross-origin requests.";
    case 'NoCorsRedirectModeNotFollow':
      return 'Request mode is "no-cors" but the redirect mode is not "follow".';
    default:
      return 'The request was blocked by CORS policy.';
  }
}

/** Chrome writes a header value's bytes outside printable ASCII as `\uXXXX` (uppercase hex) in its messages. */
function escapeForConsole(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    out += c >= 0x20 && c <= 0x7e ? value[i] : `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

/** Chrome's console line. */
function chromeMessage(error: CorsError, ctx: CorsMessageContext): string {
  const api = ctx.api ?? 'fetch';
  // Refused by the renderer before the network: Blink's own wording (fetch_manager.cc).
  if (error.beforeNetwork === true && api === 'fetch') {
    const reason =
      error.code === 'DisallowedByMode'
        ? `Request mode is "same-origin" but the URL's origin is not same as the request origin ${ctx.origin}.`
        : chromeErrorDetail(error, api);
    return `Fetch API cannot load ${ctx.url}. ${reason}`;
  }
  const redirected = ctx.redirectedFrom !== undefined ? `(redirected from '${ctx.redirectedFrom}') ` : '';
  const prefix = isPreflightError(error.code)
    ? "Response to preflight request doesn't pass access control check: "
    : '';
  return `Access to ${api} at '${ctx.url}' ${redirected}from origin '${ctx.origin}' has been blocked by CORS policy: ${prefix}${chromeErrorDetail(error, api)}`;
}

/** Firefox's reason text (the `(Reason: ...)` part of its console line). */
export function firefoxReason(error: CorsError): string {
  // Firefox's strings (dom/locales security.properties) quote with ‘ ’; it shows header bytes as UTF-8.
  const v = decodeUtf8Bytes(error.value ?? '');
  switch (baseCode(error.code)) {
    case 'DisallowedByMode':
    case 'CorsDisabledScheme':
      return 'CORS request not http';
    case 'MissingAllowOriginHeader':
      return 'CORS header ‘Access-Control-Allow-Origin’ missing';
    case 'WildcardOriginNotAllowed':
      return 'Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’';
    case 'MultipleAllowOriginValues':
      // Only several header lines are "multiple" to Firefox; one line with a list is just another value.
      return (error.headerLines ?? 1) > 1
        ? 'Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed'
        : `CORS header ‘Access-Control-Allow-Origin’ does not match ‘${v}’`;
    case 'InvalidAllowOriginValue':
    case 'AllowOriginMismatch':
      return `CORS header ‘Access-Control-Allow-Origin’ does not match ‘${v}’`;
    case 'InvalidAllowCredentials':
      return 'expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’';
    case 'PreflightInvalidStatus':
      return 'CORS preflight response did not succeed';
    case 'PreflightDisallowedRedirect':
      return 'CORS request external redirect not allowed';
    case 'InvalidAllowMethodsPreflightResponse':
      return `invalid token ‘${v}’ in CORS header ‘Access-Control-Allow-Methods’`;
    case 'InvalidAllowHeadersPreflightResponse':
      return `invalid token ‘${v}’ in CORS header ‘Access-Control-Allow-Headers’`;
    case 'MethodDisallowedByPreflightResponse':
      return 'Did not find method in CORS header ‘Access-Control-Allow-Methods’';
    case 'HeaderDisallowedByPreflightResponse':
      return `header ‘${error.header ?? ''}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response`;
    case 'RedirectContainsCredentials':
      return 'CORS request external redirect not allowed';
    default:
      return FIREFOX_DID_NOT_SUCCEED;
  }
}

/** Header bytes (one character per byte) read as UTF-8, as Firefox prints them. */
function decodeUtf8Bytes(value: string): string {
  let ascii = true;
  for (let i = 0; i < value.length && ascii; i++) ascii = value.charCodeAt(i) < 0x80;
  if (ascii) return value;
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) bytes[i] = value.charCodeAt(i) & 0xff;
  return new TextDecoder().decode(bytes);
}

const FIREFOX_DID_NOT_SUCCEED = 'CORS request did not succeed';
const FIREFOX_NULL_STATUS = ' Status code: (null).';

/** Firefox prints the status only with these reasons (the strings whose text carries %2$S). */
function firefoxShowsStatus(code: CorsErrorCode): boolean {
  const base = baseCode(code);
  return base === 'MissingAllowOriginHeader' || base === 'PreflightInvalidStatus';
}

function firefoxLine(url: string, reason: string, status: string): string {
  return `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${url}. (Reason: ${reason}).${status}`;
}

/** Whether the failure is the preflight's (its response, or what it allowed). */
function isPreflightStage(code: CorsErrorCode): boolean {
  return (
    code.startsWith('Preflight') ||
    code === 'InvalidAllowMethodsPreflightResponse' ||
    code === 'InvalidAllowHeadersPreflightResponse' ||
    code === 'MethodDisallowedByPreflightResponse' ||
    code === 'HeaderDisallowedByPreflightResponse'
  );
}

/**
 * Firefox's console lines (measured with Firefox 153): the reason; when the failing response was a
 * redirect, "did not succeed" (or, for a redirected preflight, the preflight's status); when the preflight
 * failed, "did not succeed" once more for the request it guarded.
 */
function firefoxMessage(error: CorsError, ctx: CorsMessageContext): string {
  // Refused by fetch() before the network: Firefox prints nothing.
  if (error.code === 'DisallowedByMode' || error.code === 'NoCorsRedirectModeNotFollow')
    return fetchTypeError('firefox');
  const status =
    ctx.status !== undefined && firefoxShowsStatus(error.code) ? ` Status code: ${ctx.status}.` : '';
  // The credentials-with-wildcard string alone quotes the URL.
  const url = baseCode(error.code) === 'WildcardOriginNotAllowed' ? `‘${ctx.url}’` : ctx.url;
  const lines = [firefoxLine(url, firefoxReason(error), status)];
  const failed = firefoxLine(ctx.url, FIREFOX_DID_NOT_SUCCEED, FIREFOX_NULL_STATUS);
  if (ctx.redirectTo !== undefined && ctx.redirectFollowed !== false) {
    lines.push(
      error.code === 'PreflightDisallowedRedirect'
        ? firefoxLine(ctx.url, 'CORS preflight response did not succeed', ` Status code: ${ctx.status}.`)
        : failed,
    );
  }
  if (isPreflightStage(error.code)) lines.push(failed);
  return lines.join('\n');
}

/** The origin WebKit names, the redirect target without its credentials. */
function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return url;
  }
}

/** Safari's (WebKit's) first console line (measured with WebKitGTK 2.50). */
export function safariDetail(error: CorsError, ctx: CorsMessageContext): string {
  const status = ctx.status !== undefined ? ` Status code: ${ctx.status}` : '';
  const notAllowed = `Origin ${ctx.origin} is not allowed by Access-Control-Allow-Origin.${status}`;
  const redirection = (to: string, why: string): string =>
    `Cross-origin redirection to ${withoutCredentials(to)} denied by Cross-Origin Resource Sharing policy: ${why}`;
  const detail = ((): string => {
    switch (baseCode(error.code)) {
      case 'DisallowedByMode':
        return 'Cross origin requests are not allowed by request mode.';
      case 'CorsDisabledScheme':
        return redirection(
          error.location ?? ctx.url,
          'not allowed to follow a cross-origin CORS redirection with non CORS scheme',
        );
      case 'MissingAllowOriginHeader':
      case 'AllowOriginMismatch':
      case 'InvalidAllowOriginValue':
        return notAllowed;
      case 'MultipleAllowOriginValues':
        // WebKit counts origins by commas; a space makes one value that matches nothing.
        return (error.value ?? '').includes(',')
          ? 'Access-Control-Allow-Origin cannot contain more than one origin.'
          : notAllowed;
      case 'WildcardOriginNotAllowed':
        return 'Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.';
      case 'InvalidAllowCredentials':
        return 'Credentials flag is true, but Access-Control-Allow-Credentials is not "true".';
      case 'PreflightInvalidStatus':
      case 'PreflightDisallowedRedirect':
        return `Preflight response is not successful.${status}`;
      case 'InvalidAllowMethodsPreflightResponse':
        return `Header Access-Control-Allow-Methods has an invalid value: ${error.value ?? ''}`;
      case 'InvalidAllowHeadersPreflightResponse':
        return `Header Access-Control-Allow-Headers has an invalid value: ${error.value ?? ''}`;
      case 'MethodDisallowedByPreflightResponse':
        return `Method ${error.method ?? ''} is not allowed by Access-Control-Allow-Methods.`;
      case 'HeaderDisallowedByPreflightResponse':
        return `Request header field ${error.headerAsSent ?? error.header ?? ''} is not allowed by Access-Control-Allow-Headers.`;
      case 'RedirectContainsCredentials':
        return redirection(
          error.location ?? ctx.url,
          `redirection URL ${error.location ?? ctx.url} has credentials`,
        );
      default:
        return notAllowed;
    }
  })();
  // A CORS check that fails on a redirect of the request (not of its preflight) names the redirect.
  if (ctx.redirectTo !== undefined && !isPreflightStage(error.code))
    return redirection(ctx.redirectTo, detail);
  return detail;
}

function safariMessage(error: CorsError, ctx: CorsMessageContext): string {
  const api = (ctx.api ?? 'fetch') === 'fetch' ? 'Fetch API' : 'XMLHttpRequest';
  // Refused before the network (measured with WebKitGTK 2.50).
  if (error.code === 'DisallowedByMode' && error.beforeNetwork === true)
    return `${api} cannot load ${ctx.url}.`;
  const cannotLoad = `${api} cannot load ${ctx.url} due to access control checks.`;
  if (error.code === 'NoCorsRedirectModeNotFollow')
    return `No-Cors mode requires follow redirect mode\nNot allowed to request resource\n${cannotLoad}`;
  return `${safariDetail(error, ctx)}\n${cannotLoad}`;
}

/**
 * The console message a browser prints for a CORS failure. `spec` uses Chrome's wording, the one most
 * developers search for.
 */
export function consoleMessage(browser: BrowserName, error: CorsError, ctx: CorsMessageContext): string {
  switch (browser) {
    case 'firefox':
      return firefoxMessage(error, ctx);
    case 'safari':
      return safariMessage(error, ctx);
    default:
      return chromeMessage(error, ctx);
  }
}

/** The Preflight* variant of an origin or credentials code, for failures of the preflight's CORS check. */
export function toPreflightCode(code: CorsErrorCode): CorsErrorCode {
  switch (code) {
    case 'WildcardOriginNotAllowed':
      return 'PreflightWildcardOriginNotAllowed';
    case 'MissingAllowOriginHeader':
      return 'PreflightMissingAllowOriginHeader';
    case 'MultipleAllowOriginValues':
      return 'PreflightMultipleAllowOriginValues';
    case 'InvalidAllowOriginValue':
      return 'PreflightInvalidAllowOriginValue';
    case 'AllowOriginMismatch':
      return 'PreflightAllowOriginMismatch';
    case 'InvalidAllowCredentials':
      return 'PreflightInvalidAllowCredentials';
    default:
      return code;
  }
}
