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
  // Firefox's strings (dom/locales security.properties) quote with ‘ ’.
  const v = error.value ?? '';
  switch (baseCode(error.code)) {
    case 'DisallowedByMode':
    case 'CorsDisabledScheme':
      return 'CORS request not http';
    case 'MissingAllowOriginHeader':
      return 'CORS header ‘Access-Control-Allow-Origin’ missing';
    case 'WildcardOriginNotAllowed':
      return 'Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’';
    case 'MultipleAllowOriginValues':
      return 'Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed';
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
      return 'CORS request did not succeed';
  }
}

/** Firefox prints the status only with these reasons (the strings whose text carries %2$S). */
function firefoxShowsStatus(code: CorsErrorCode): boolean {
  const base = baseCode(code);
  return base === 'MissingAllowOriginHeader' || base === 'PreflightInvalidStatus';
}

function firefoxMessage(error: CorsError, ctx: CorsMessageContext): string {
  const status =
    ctx.status !== undefined && firefoxShowsStatus(error.code) ? ` Status code: ${ctx.status}.` : '';
  // The credentials-with-wildcard string alone quotes the URL.
  const url = baseCode(error.code) === 'WildcardOriginNotAllowed' ? `‘${ctx.url}’` : ctx.url;
  return `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${url}. (Reason: ${firefoxReason(error)}).${status}`;
}

/** Safari's (WebKit's) first console line. */
export function safariDetail(error: CorsError, ctx: CorsMessageContext): string {
  const status = ctx.status !== undefined ? ` Status code: ${ctx.status}` : '';
  switch (baseCode(error.code)) {
    case 'DisallowedByMode':
      return 'Cross origin requests are not allowed by request mode.';
    case 'CorsDisabledScheme':
      return 'Cross origin requests are only supported for HTTP.';
    case 'MissingAllowOriginHeader':
    case 'AllowOriginMismatch':
    case 'InvalidAllowOriginValue':
      return `Origin ${ctx.origin} is not allowed by Access-Control-Allow-Origin.${status}`;
    case 'MultipleAllowOriginValues':
      // WebKit appends the status only to the "is not allowed" message.
      return 'Access-Control-Allow-Origin cannot contain more than one origin.';
    case 'WildcardOriginNotAllowed':
      return 'Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.';
    case 'InvalidAllowCredentials':
      return 'Credentials flag is true, but Access-Control-Allow-Credentials is not "true".';
    case 'PreflightInvalidStatus':
      return `Preflight response is not successful.${status}`;
    case 'PreflightDisallowedRedirect':
      return 'Preflight response is not successful.';
    case 'InvalidAllowMethodsPreflightResponse':
      return `Header Access-Control-Allow-Methods has an invalid value: ${error.value ?? ''}`;
    case 'InvalidAllowHeadersPreflightResponse':
      return `Header Access-Control-Allow-Headers has an invalid value: ${error.value ?? ''}`;
    case 'MethodDisallowedByPreflightResponse':
      return `Method ${error.method ?? ''} is not allowed by Access-Control-Allow-Methods.`;
    case 'HeaderDisallowedByPreflightResponse':
      return `Request header field ${error.header ?? ''} is not allowed by Access-Control-Allow-Headers.`;
    case 'RedirectContainsCredentials':
      return 'Cross-origin redirection denied by Cross-Origin Resource Sharing policy.';
    default:
      return `Origin ${ctx.origin} is not allowed by Access-Control-Allow-Origin.${status}`;
  }
}

function safariMessage(error: CorsError, ctx: CorsMessageContext): string {
  const api = (ctx.api ?? 'fetch') === 'fetch' ? 'Fetch API' : 'XMLHttpRequest';
  return `${safariDetail(error, ctx)}\n${api} cannot load ${ctx.url} due to access control checks.`;
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
