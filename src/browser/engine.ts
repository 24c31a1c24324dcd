// The simulator's engine: the Fetch Standard's main fetch, HTTP fetch, CORS-preflight fetch and
// HTTP-redirect fetch, run step by step through src/spec. It is a generator: it yields each request
// the browser would send and receives the server's answer, so one engine drives data scenarios
// synchronously and real servers asynchronously. Every step leaves an event.
import {
  appendsRequestOriginHeader,
  BROWSER_PROFILES,
  type BrowserProfile,
  type CorsError,
  type CorsErrorCode,
  CorsPreflightCache,
  type CredentialsMode,
  consoleMessage,
  corsCheck,
  corsPreflightRequest,
  corsUnsafeRequestHeaderNames,
  createOpaqueOrigin,
  getHeader,
  type HeaderList,
  httpRedirectFetch,
  includesCredentials,
  isCorsPreflightNeeded,
  isCorsSafelistedMethod,
  isForbiddenResponseHeaderName,
  isSameOrigin,
  locationUrl,
  normalizeHeaderValue,
  type Origin,
  originOfUrl,
  planFetch,
  type RequestMode,
  type ResponseTainting,
  serializeOrigin,
  serializeRequestOrigin,
  validatePreflightResponse,
  visibleResponseHeaderNames,
} from '../spec/index.js';

/** A request the browser sends. */
export interface OutgoingRequest {
  readonly kind: 'preflight' | 'request';
  readonly method: string;
  readonly url: string;
  readonly headers: [string, string][];
  /** Whether cookies and HTTP auth go with it (never on a preflight). */
  readonly credentials: boolean;
}

/** The server's answer, or a failure below HTTP (refused, reset, timeout, TLS). */
export type IncomingResponse =
  | { readonly status: number; readonly headers: HeaderList }
  | { readonly networkError: string; readonly detail?: string };

/** One step of a simulated fetch, in order: a plan, a request, a response, a check, a redirect, the result. */
export type SimEvent =
  | { readonly step: 'plan'; readonly path: string; readonly detail: string }
  | {
      readonly step: 'preflight-request' | 'request';
      readonly method: string;
      readonly url: string;
      readonly headers: [string, string][];
      readonly credentials: boolean;
    }
  | {
      readonly step: 'preflight-response' | 'response';
      readonly url: string;
      readonly status: number;
      readonly headers: [string, string][];
    }
  | { readonly step: 'network-error'; readonly url: string; readonly error: string; readonly detail?: string }
  | {
      readonly step: 'check';
      readonly check: string;
      readonly ok: boolean;
      readonly detail: string;
      /** On a passed preflight check: Authorization got through only by `*` (browsers allow it, the standard does not). */
      readonly authorizationCoveredByWildcard?: boolean;
    }
  | { readonly step: 'cache'; readonly hit: boolean; readonly detail: string }
  | {
      readonly step: 'redirect';
      readonly from: string;
      readonly to: string;
      readonly status: number;
      readonly method: string;
      readonly tainted: boolean;
      readonly removedHeaders: string[];
    }
  | { readonly step: 'result'; readonly outcome: Outcome; readonly detail: string };

/** What the page gets: the response (`allowed`), a network error (`blocked`), or an opaque response (`opaque`). */
export type Outcome = 'allowed' | 'blocked' | 'opaque';

/** Error codes: Chromium's CORS codes, plus `TypeError` (rejected before sending) and `NetworkError`. */
export type SimErrorCode = CorsErrorCode | 'TypeError' | 'NetworkError';

/** The result of a simulated fetch (the format is specified in docs/scenarios.md). */
export interface SimResult {
  readonly name?: string;
  readonly outcome: Outcome;
  readonly preflight: { readonly sent: boolean; readonly requestHeaders?: Readonly<Record<string, string>> };
  readonly actualSent: boolean;
  readonly status: number | null;
  readonly visibleHeaders: string[];
  readonly error: { readonly code: SimErrorCode; readonly message: string } | null;
  readonly events: SimEvent[];
}

/** What a page passes to fetch(). */
export interface SimRequest {
  readonly url: string;
  readonly method?: string;
  readonly headers?: HeaderList;
  readonly mode?: RequestMode;
  readonly credentials?: CredentialsMode;
  readonly redirect?: 'follow' | 'error' | 'manual';
  readonly useCorsPreflight?: boolean;
  readonly body?: boolean;
}

/** Options of the fetch engine: the browser profile, the preflight cache and the clock. */
export interface EngineOptions {
  readonly profile?: BrowserProfile;
  readonly cache?: CorsPreflightCache;
  /** Milliseconds, for the preflight cache. */
  readonly now?: number;
  readonly api?: 'fetch' | 'XMLHttpRequest';
}

/** The page's origin from its serialization; `null` gives a fresh opaque origin. */
export function pageOrigin(serialized: string): Origin {
  if (serialized === 'null') return createOpaqueOrigin();
  return originOfUrl(serialized) ?? createOpaqueOrigin();
}

const headerPairs = (list: HeaderList): [string, string][] => list.map(([n, v]) => [n, v]);

/** A response as an HTTP parser hands it over: field values without leading or trailing whitespace
 *  (RFC 9110 §5.5), so a scenario's `" https://a.example "` reads like the wire's. */
function parsedByHttp(response: IncomingResponse): IncomingResponse {
  if ('networkError' in response) return response;
  return { status: response.status, headers: response.headers.map(([n, v]) => [n, normalizeHeaderValue(v)]) };
}

/**
 * Runs one fetch from a page. Yields each request the browser sends; expects the answer back.
 * Returns the result with its events.
 */
export function* runFetch(
  origin: Origin,
  input: SimRequest,
  options: EngineOptions = {},
): Generator<OutgoingRequest, SimResult, IncomingResponse> {
  const profile = options.profile ?? BROWSER_PROFILES.spec;
  const cache = options.cache ?? new CorsPreflightCache(profile);
  const now = options.now ?? Date.now();
  const mode = input.mode ?? 'cors';
  const credentialsMode = input.credentials ?? 'same-origin';
  const redirectMode = input.redirect ?? 'follow';
  const pageSerialized = serializeOrigin(origin);
  const events: SimEvent[] = [];
  const firstUrl = input.url;
  let preflightSent = false;
  let preflightHeaders: Record<string, string> | undefined;
  let actualSent = false;

  const finish = (
    outcome: Outcome,
    status: number | null,
    visible: string[],
    error: SimResult['error'],
    detail: string,
  ): SimResult => {
    events.push({ step: 'result', outcome, detail });
    return {
      outcome,
      preflight:
        preflightHeaders === undefined
          ? { sent: preflightSent }
          : { sent: preflightSent, requestHeaders: preflightHeaders },
      actualSent,
      status,
      visibleHeaders: visible,
      error,
      events,
    };
  };
  const blockedBy = (error: CorsError, url: string, status?: number): SimResult => {
    const message = consoleMessage(profile.name, error, {
      url,
      origin: pageSerialized,
      api: options.api ?? 'fetch',
      ...(url !== firstUrl ? { redirectedFrom: firstUrl } : {}),
      ...(status !== undefined ? { status } : {}),
    });
    return finish('blocked', null, [], { code: error.code, message }, message);
  };
  const failWith = (code: 'TypeError' | 'NetworkError', detail: string): SimResult =>
    finish('blocked', null, [], { code, message: `TypeError: Failed to fetch (${detail})` }, detail);
  /** A failure below HTTP (refused, reset, timeout, TLS): recorded, then fetch() rejects. */
  const networkFailure = (
    url: string,
    failure: { readonly networkError: string; readonly detail?: string },
  ): SimResult => {
    events.push({
      step: 'network-error',
      url,
      error: failure.networkError,
      ...(failure.detail ? { detail: failure.detail } : {}),
    });
    return failWith('NetworkError', failure.detail ?? failure.networkError);
  };

  const plan = planFetch(
    {
      origin,
      url: input.url,
      method: input.method ?? 'GET',
      // fetch() normalizes header values (Fetch §5.1 Headers "append": strip HTTP whitespace).
      headers: (input.headers ?? []).map(([n, v]): [string, string] => [n, normalizeHeaderValue(v)]),
      mode,
      credentials: credentialsMode,
      useCorsPreflightFlag: input.useCorsPreflight ?? false,
    },
    profile,
  );
  if (plan.kind === 'type-error') {
    events.push({ step: 'plan', path: 'type-error', detail: plan.reason });
    return finish(
      'blocked',
      null,
      [],
      { code: 'TypeError', message: `TypeError: ${plan.reason}` },
      plan.reason,
    );
  }

  if (plan.kind === 'disallowed-by-mode') {
    events.push({
      step: 'plan',
      path: 'disallowed-by-mode',
      detail: `mode "same-origin" forbids fetching ${input.url} from ${pageSerialized}`,
    });
    return blockedBy({ code: 'DisallowedByMode', beforeNetwork: true }, input.url);
  }
  let url = input.url;
  let method = plan.method;
  let headers: [string, string][] = headerPairs(plan.headers);
  let hasBody = input.body ?? false;
  let tainting: ResponseTainting = 'basic';
  let taintedOrigin = false;
  let redirectCount = 0;

  for (;;) {
    const current = originOfUrl(url) as Origin;
    const sameOrigin = isSameOrigin(origin, current);
    // Main fetch step 12: pick basic, opaque or CORS handling for this hop.
    if (sameOrigin && tainting === 'basic') {
      events.push({
        step: 'plan',
        path: 'same-origin',
        detail: `${url} is same origin with the page: the same-origin policy allows it and CORS does not apply`,
      });
    } else if (mode === 'same-origin') {
      events.push({
        step: 'plan',
        path: 'disallowed-by-mode',
        detail: `mode "same-origin" forbids fetching ${url} from ${pageSerialized}`,
      });
      // Only a redirect leads here (the first URL was judged by planFetch): the standard's plain network
      // error, which Chromium reports without a CORS error code.
      return failWith('NetworkError', `mode "same-origin" forbids following a redirect to ${url}`);
    } else if (mode === 'no-cors') {
      if (redirectMode !== 'follow') {
        events.push({
          step: 'plan',
          path: 'disallowed-by-mode',
          detail: 'mode "no-cors" requires redirect "follow"',
        });
        return blockedBy({ code: 'NoCorsRedirectModeNotFollow', beforeNetwork: true }, url);
      }
      tainting = 'opaque';
      events.push({
        step: 'plan',
        path: 'no-cors',
        detail: 'mode "no-cors": sent without a preflight; the page gets an opaque response it cannot read',
      });
    } else {
      tainting = 'cors';
      const unsafe = corsUnsafeRequestHeaderNames(headers, profile);
      const requestOrigin = serializeRequestOrigin(origin, taintedOrigin);
      const key = { origin: requestOrigin, url, credentials: credentialsMode };
      const useFlag = input.useCorsPreflight ?? false;
      const needs = isCorsPreflightNeeded(method, unsafe, useFlag);
      const cached = needs && !isCorsPreflightNeeded(method, unsafe, useFlag, cache.lookup(key, now));
      events.push({
        step: 'plan',
        path: 'cors',
        detail: needs
          ? `cross-origin request that is not simple (${describeWhy(method, unsafe, input.useCorsPreflight ?? false)}): a preflight is needed${cached ? ', but the preflight cache covers it' : ''}`
          : 'cross-origin simple request: sent without a preflight; the response is checked',
      });
      if (needs && cached)
        events.push({
          step: 'cache',
          hit: true,
          detail: `preflight cache entry for ${requestOrigin} ${url}`,
        });
      if (needs && !cached) {
        const preflight = corsPreflightRequest(url, method, unsafe, requestOrigin);
        preflightSent = true;
        preflightHeaders = { 'access-control-request-method': method };
        if (unsafe.length > 0) preflightHeaders['access-control-request-headers'] = unsafe.join(',');
        events.push({
          step: 'preflight-request',
          method: 'OPTIONS',
          url,
          headers: preflight.headers,
          credentials: false,
        });
        const answer = parsedByHttp(
          yield {
            kind: 'preflight',
            method: 'OPTIONS',
            url,
            headers: preflight.headers,
            credentials: false,
          },
        );
        if ('networkError' in answer) return networkFailure(url, answer);
        events.push({
          step: 'preflight-response',
          url,
          status: answer.status,
          headers: headerPairs(answer.headers),
        });
        const verdict = validatePreflightResponse(
          {
            serializedOrigin: requestOrigin,
            credentials: credentialsMode,
            method,
            headers,
            useCorsPreflightFlag: input.useCorsPreflight ?? false,
            unsafeHeaderNames: unsafe,
          },
          answer,
          profile,
        );
        if (!verdict.ok) {
          cache.clear(key);
          events.push({ step: 'check', check: 'preflight', ok: false, detail: verdict.error.code });
          return blockedBy(verdict.error, url, answer.status);
        }
        events.push({
          step: 'check',
          check: 'preflight',
          ok: true,
          authorizationCoveredByWildcard: verdict.authorizationCoveredByWildcard,
          detail: `preflight allows ${method}${unsafe.length > 0 ? ` with ${unsafe.join(', ')}` : ''}; cached for ${verdict.maxAge} s${verdict.authorizationCoveredByWildcard ? '; Authorization passed only through "*" (the standard says it must be listed)' : ''}`,
        });
        cache.store(
          key,
          verdict.maxAge,
          verdict.methods.length > 0 ? verdict.methods : [],
          verdict.headerNames,
          now,
        );
      }
    }

    // The request itself, with the Origin header Fetch appends (§3.1 "append a request Origin header").
    const sendCredentials =
      credentialsMode === 'include' || (credentialsMode === 'same-origin' && tainting === 'basic');
    const outgoing = [...headers];
    const serializedForHeader = serializeRequestOrigin(origin, taintedOrigin);
    if (appendsRequestOriginHeader(tainting, method)) outgoing.push(['Origin', serializedForHeader]);
    actualSent = true;
    events.push({ step: 'request', method, url, headers: outgoing, credentials: sendCredentials });
    const response = parsedByHttp(
      yield { kind: 'request', method, url, headers: outgoing, credentials: sendCredentials },
    );
    if ('networkError' in response) return networkFailure(url, response);
    events.push({ step: 'response', url, status: response.status, headers: headerPairs(response.headers) });

    if (tainting === 'cors') {
      const check = corsCheck(
        serializeRequestOrigin(origin, taintedOrigin),
        credentialsMode,
        response.headers,
      );
      if (!check.ok) {
        events.push({ step: 'check', check: 'cors', ok: false, detail: check.error.code });
        return blockedBy(check.error, url, response.status);
      }
      events.push({
        step: 'check',
        check: 'cors',
        ok: true,
        detail: `Access-Control-Allow-Origin admits ${serializeRequestOrigin(origin, taintedOrigin)}`,
      });
    }

    const location = locationUrl(response.status, response.headers, url);
    if (location !== null && redirectMode !== 'follow') {
      if (redirectMode === 'error')
        return failWith(
          'NetworkError',
          `redirect to ${getHeader(response.headers, 'Location')} with redirect mode "error"`,
        );
      events.push({
        step: 'plan',
        path: 'opaque-redirect',
        detail: 'redirect mode "manual": the page gets an opaque-redirect response',
      });
      return finish('opaque', 0, [], null, 'opaque redirect');
    }
    if (location === 'failure')
      return failWith('NetworkError', 'the Location header does not parse as a URL');
    if (location !== null) {
      // Schemes the browser never redirects to fail as plain network errors (profile data).
      if (profile.unsafeRedirectSchemes.includes(location.protocol))
        return failWith('NetworkError', `redirect to a ${location.protocol} URL`);
      const next = httpRedirectFetch(
        {
          origin,
          mode,
          currentUrl: url,
          method,
          headers,
          hasBody,
          responseTainting: tainting,
          taintedOrigin,
          redirectCount,
        },
        response.status,
        location,
      );
      if (!next.ok) {
        // A scheme CORS cannot fetch is reported at the new URL, the others at the redirect's.
        if (next.kind === 'cors')
          return blockedBy(
            next.error,
            next.error.code === 'CorsDisabledScheme' ? location.href : url,
            response.status,
          );
        return failWith('NetworkError', next.detail);
      }
      if (profile.blocksRedirectToUrlWithCredentials && includesCredentials(location))
        return failWith('NetworkError', `redirect to ${location.href}, a URL with credentials`);
      events.push({
        step: 'redirect',
        from: url,
        to: next.request.currentUrl,
        status: response.status,
        method: next.request.method,
        tainted: next.request.taintedOrigin,
        removedHeaders: next.removedHeaders,
      });
      url = next.request.currentUrl;
      method = next.request.method;
      headers = headerPairs(next.request.headers);
      hasBody = next.request.hasBody;
      taintedOrigin = next.request.taintedOrigin;
      redirectCount = next.request.redirectCount;
      continue;
    }

    if (tainting === 'opaque')
      return finish('opaque', 0, [], null, 'opaque response: status 0, no headers, no body for the page');
    const visible =
      tainting === 'cors'
        ? visibleResponseHeaderNames(response.headers, credentialsMode)
        : [
            ...new Set(
              response.headers.map(([n]) => n.toLowerCase()).filter((n) => !isForbiddenResponseHeaderName(n)),
            ),
          ].sort();
    return finish(
      'allowed',
      response.status,
      visible,
      null,
      tainting === 'cors' ? 'the page can read the response' : 'same-origin response',
    );
  }
}

function describeWhy(method: string, unsafe: readonly string[], useFlag: boolean): string {
  const reasons: string[] = [];
  if (!isCorsSafelistedMethod(method)) reasons.push(`method ${method} is not GET, HEAD or POST`);
  if (unsafe.length > 0) {
    reasons.push(
      `header${unsafe.length > 1 ? 's' : ''} ${unsafe.join(', ')} ${unsafe.length > 1 ? 'are' : 'is'} not safelisted`,
    );
  }
  if (useFlag) reasons.push('the request streams its body or has upload listeners');
  return reasons.join('; ');
}
