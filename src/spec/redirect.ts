// Redirects: Fetch §4.4 "HTTP-redirect fetch" and §2.2.6 "location URL".
import type { CorsError } from './errors.js';
import {
  getHeaderValues,
  type HeaderList,
  isCorsNonWildcardRequestHeaderName,
  isRequestBodyHeaderName,
} from './headers.js';
import { isSameOrigin, type Origin, originOfUrl } from './origin.js';
import { isRedirectStatus } from './preflight.js';
import type { RequestMode, ResponseTainting } from './request.js';

/** Fetch §4.4 step 5: a request follows at most 20 redirects. */
export const REDIRECT_LIMIT = 20;

/** The state of a request that HTTP-redirect fetch reads and updates. */
export interface RedirectingRequest {
  /** The request's origin (the page's). */
  readonly origin: Origin;
  readonly mode: RequestMode;
  readonly currentUrl: string;
  readonly method: string;
  readonly headers: HeaderList;
  readonly hasBody: boolean;
  readonly responseTainting: ResponseTainting;
  readonly taintedOrigin: boolean;
  readonly redirectCount: number;
}

/** What a redirect does: follow it (with the new request), hand it back (manual), or fail. */
export type RedirectOutcome =
  | {
      readonly ok: true;
      readonly request: RedirectingRequest;
      readonly removedHeaders: string[];
      readonly rewrittenToGet: boolean;
    }
  /** `cors` carries a CORS error code; `network` a plain network error (fetch() rejects with a TypeError). */
  | { readonly ok: false; readonly kind: 'cors'; readonly error: CorsError }
  | {
      readonly ok: false;
      readonly kind: 'network';
      readonly reason:
        | 'invalid-location'
        | 'non-http-scheme'
        | 'too-many-redirects'
        | 'credentials-in-location';
      readonly detail: string;
    };

/**
 * Fetch §2.2.6 response "location URL": the Location header parsed against the response's URL, with the
 * request's fragment kept when Location has none. Null when the status is not a redirect or Location is
 * absent; 'failure' when Location does not parse.
 */
export function locationUrl(
  status: number,
  headers: HeaderList,
  responseUrl: string,
  redirectStatuses: 'fetch' | '3xx-but-300-304' = 'fetch',
): URL | null | 'failure' {
  if (!isRedirectStatus(status, redirectStatuses)) return null;
  // "Extracting header list values": Location allows a single value, so two headers are a failure.
  const values = getHeaderValues(headers, 'Location');
  if (values.length === 0) return null;
  if (values.length > 1) return 'failure';
  const location = values[0] as string;
  let url: URL;
  try {
    url = new URL(location, responseUrl);
  } catch {
    return 'failure';
  }
  // URL's hash is '' both for no fragment and an empty one; only a null fragment inherits the request's.
  if (!location.includes('#')) {
    const fragment = new URL(responseUrl).hash;
    if (fragment !== '') url.hash = fragment;
  }
  return url;
}

/** URL Standard "includes credentials": a username or a password. */
export function includesCredentials(url: URL): boolean {
  return url.username !== '' || url.password !== '';
}

/** Fetch §4.4 step 12: 301/302 with POST, or 303 with anything but GET/HEAD, become a GET without a body. */
export function redirectRewritesToGet(status: number, method: string): boolean {
  return (
    ((status === 301 || status === 302) && method === 'POST') ||
    (status === 303 && method !== 'GET' && method !== 'HEAD')
  );
}

/**
 * Fetch §4.4 "HTTP-redirect fetch", steps 3-15, for a response already known to be a redirect whose
 * Location parsed to `location`. The CORS check of the redirect response itself is the caller's (it runs
 * first, in HTTP fetch).
 */
export function httpRedirectFetch(
  request: RedirectingRequest,
  status: number,
  location: URL,
): RedirectOutcome {
  if (location.protocol !== 'http:' && location.protocol !== 'https:') {
    // data: is a scheme Chromium's CORS accepts, so it fails as a plain network error, not CorsDisabledScheme.
    if (request.mode === 'cors' && location.protocol !== 'data:') {
      return { ok: false, kind: 'cors', error: { code: 'CorsDisabledScheme' } };
    }
    return {
      ok: false,
      kind: 'network',
      reason: 'non-http-scheme',
      detail: `redirect to ${location.protocol} URL`,
    };
  }
  if (request.redirectCount >= REDIRECT_LIMIT) {
    return {
      ok: false,
      kind: 'network',
      reason: 'too-many-redirects',
      detail: `more than ${REDIRECT_LIMIT} redirects`,
    };
  }
  const locationOrigin = originOfUrl(location);
  const currentOrigin = originOfUrl(request.currentUrl);
  if (locationOrigin === null || currentOrigin === null) {
    return {
      ok: false,
      kind: 'network',
      reason: 'invalid-location',
      detail: 'the Location URL has no origin',
    };
  }
  const hasCredentials = includesCredentials(location);
  // Step 7: userinfo towards another origin than the request's.
  if (request.mode === 'cors' && hasCredentials && !isSameOrigin(request.origin, locationOrigin)) {
    return {
      ok: false,
      kind: 'cors',
      error: { code: 'RedirectContainsCredentials', location: location.href },
    };
  }
  // Step 8: userinfo once the response is CORS-tainted.
  if (request.responseTainting === 'cors' && hasCredentials) {
    return {
      ok: false,
      kind: 'cors',
      error: { code: 'RedirectContainsCredentials', location: location.href },
    };
  }
  let method = request.method;
  let hasBody = request.hasBody;
  const removed: string[] = [];
  let headers = [...request.headers];
  const rewrittenToGet = redirectRewritesToGet(status, method);
  if (rewrittenToGet) {
    method = 'GET';
    hasBody = false;
    headers = headers.filter(([n]) => {
      const drop = isRequestBodyHeaderName(n);
      if (drop) removed.push(n);
      return !drop;
    });
  }
  const crossOriginHop = !isSameOrigin(currentOrigin, locationOrigin);
  // Step 13: Authorization (the CORS non-wildcard request-header names) is dropped across origins.
  if (crossOriginHop) {
    headers = headers.filter(([n]) => {
      const drop = isCorsNonWildcardRequestHeaderName(n);
      if (drop) removed.push(n);
      return !drop;
    });
  }
  // Step 15: a cross-origin hop from a URL that is already cross-origin to the request taints the origin.
  const taints = crossOriginHop && !isSameOrigin(request.origin, currentOrigin);
  return {
    ok: true,
    removedHeaders: removed,
    rewrittenToGet,
    request: {
      ...request,
      currentUrl: location.href,
      method,
      headers,
      hasBody,
      taintedOrigin: request.taintedOrigin || taints,
      redirectCount: request.redirectCount + 1,
    },
  };
}
