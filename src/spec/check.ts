// The CORS check and what script may read: Fetch §4.10 "CORS check", §4.1 "main fetch" (CORS-exposed
// header-name list). The CORS-safelisted response-header names (§2.2.2) are in headers.ts.
import type { CorsError } from './errors.js';
import {
  extractHeaderListValues,
  getHeader,
  getHeaderValues,
  type HeaderList,
  isCorsSafelistedResponseHeaderName,
} from './headers.js';
import { originOfUrl } from './origin.js';
import type { CredentialsMode } from './request.js';
import { asciiLowerCase } from './tokens.js';

/** The result of the CORS check: ok, or the error a browser reports. */
export type CorsCheckResult = { readonly ok: true } | { readonly ok: false; readonly error: CorsError };

const PASS: CorsCheckResult = Object.freeze({ ok: true });

/**
 * Fetch §4.10 "CORS check". `serializedOrigin` is the request's serialized origin: `null` when the page's
 * origin is opaque or the request was tainted by a cross-origin redirect. The failure codes follow
 * Chromium's classification of a value that is not the origin: a space or comma means several values,
 * a value that is not a URL is invalid, anything else (including `null` for a tuple origin) a mismatch.
 */
export function corsCheck(
  serializedOrigin: string,
  credentialsMode: CredentialsMode,
  responseHeaders: HeaderList,
): CorsCheckResult {
  const allowOrigin = getHeader(responseHeaders, 'Access-Control-Allow-Origin');
  if (allowOrigin === null) return { ok: false, error: { code: 'MissingAllowOriginHeader' } };
  if (allowOrigin === '*') {
    if (credentialsMode !== 'include') return PASS;
    return { ok: false, error: { code: 'WildcardOriginNotAllowed', value: allowOrigin } };
  }
  if (allowOrigin !== serializedOrigin) {
    const code = classifyAllowOriginMismatch(allowOrigin);
    if (code !== 'MultipleAllowOriginValues') return { ok: false, error: { code, value: allowOrigin } };
    const headerLines = getHeaderValues(responseHeaders, 'Access-Control-Allow-Origin').length;
    return { ok: false, error: { code, value: allowOrigin, headerLines } };
  }
  if (credentialsMode !== 'include') return PASS;
  const allowCredentials = getHeader(responseHeaders, 'Access-Control-Allow-Credentials');
  if (allowCredentials === 'true') return PASS;
  return { ok: false, error: { code: 'InvalidAllowCredentials', value: allowCredentials ?? '' } };
}

function classifyAllowOriginMismatch(value: string): CorsError['code'] {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x20 || c === 0x2c) return 'MultipleAllowOriginValues';
  }
  if (value === 'null') return 'AllowOriginMismatch';
  // A value that is not an absolute URL (`foo`, `*.example.com`, empty) is invalid rather than another origin.
  return originOfUrl(value) === null ? 'InvalidAllowOriginValue' : 'AllowOriginMismatch';
}

/**
 * Fetch §4.1 main fetch, step "CORS-exposed header-name list": the names in Access-Control-Expose-Headers,
 * or every name in the response when that list holds `*` and credentials are not included. Lowercased.
 */
export function corsExposedHeaderNames(
  responseHeaders: HeaderList,
  credentialsMode: CredentialsMode,
): Set<string> {
  const out = new Set<string>();
  const values = getHeaderValues(responseHeaders, 'access-control-expose-headers');
  if (values.length === 0) return out;
  const parsed = extractHeaderListValues(values, UNCAPPED);
  if (parsed === null || !parsed.ok) return out;
  if (credentialsMode !== 'include' && parsed.values.includes('*')) {
    for (const [n] of responseHeaders) out.add(asciiLowerCase(n));
    return out;
  }
  for (const v of parsed.values) out.add(asciiLowerCase(v));
  return out;
}

/** Browsers read whatever list a server sends. */
const UNCAPPED = { maxElements: Number.POSITIVE_INFINITY, maxBytes: Number.POSITIVE_INFINITY } as const;

/** The response header names a page's script can read from a CORS response (lowercase, sorted, unique). */
export function visibleResponseHeaderNames(
  responseHeaders: HeaderList,
  credentialsMode: CredentialsMode,
): string[] {
  const exposed = corsExposedHeaderNames(responseHeaders, credentialsMode);
  const out = new Set<string>();
  for (const [n] of responseHeaders) {
    if (isCorsSafelistedResponseHeaderName(n, exposed)) out.add(asciiLowerCase(n));
  }
  return out.size === 0 ? [] : [...out].sort();
}
