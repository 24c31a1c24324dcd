// The request fields CORS reads: Fetch §2.2.5 "Requests".
import { type HeaderList, isForbiddenRequestHeader } from './headers.js';
import { type Origin, serializeOrigin } from './origin.js';
import { isNoCorsSafelistedRequestHeader } from './safelisted-request-headers.js';

/** Fetch §2.2.5 request "mode" (navigate and websocket are not CORS requests). */
export type RequestMode = 'cors' | 'no-cors' | 'same-origin';

/** Fetch §2.2.5 request "credentials mode". */
export type CredentialsMode = 'omit' | 'same-origin' | 'include';

/** Fetch §2.2.5 request "response tainting". */
export type ResponseTainting = 'basic' | 'cors' | 'opaque';

/** Fetch §3.1 "serializing a request origin": `null` once a redirect has tainted the origin. */
export function serializeRequestOrigin(origin: Origin, taintedOrigin: boolean): string {
  return taintedOrigin ? 'null' : serializeOrigin(origin);
}

/**
 * The header list a page's `fetch()` actually sends, as the Headers guard leaves it (Fetch §5.1
 * "Headers class", guards `request` and `request-no-cors`): forbidden request-headers are dropped
 * silently, and in `no-cors` mode so is every header that is not no-CORS-safelisted.
 */
export function authorRequestHeaders(headers: HeaderList, mode: RequestMode): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of headers) {
    if (isForbiddenRequestHeader(name, value)) continue;
    if (mode === 'no-cors' && !isNoCorsSafelistedRequestHeader(name, value)) continue;
    out.push([name, value]);
  }
  return out;
}

/**
 * Fetch §3.1 "append a request \`Origin\` header": always when the response tainting is `cors`; otherwise
 * only for methods other than GET and HEAD (with the default referrer policy, which sends it).
 */
export function appendsRequestOriginHeader(tainting: ResponseTainting, method: string): boolean {
  return tainting === 'cors' || (method !== 'GET' && method !== 'HEAD');
}
