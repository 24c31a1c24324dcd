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
  fetchTypeError,
  getHeader,
  type HeaderList,
  httpRedirectFetch,
  includesCredentials,
  isCorsPreflightNeeded,
  isCorsSafelistedMethod,
  isForbiddenResponseHeaderName,
  isRequestBodyHeaderName,
  isSameOrigin,
  locationUrl,
  type NetworkFailureReason,
  networkFailureMessage,
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
  /** Set once a cross-origin redirect taints the request's origin (Fetch §4.4 step 15). */
  let taintedOrigin = false;
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
  /** The origin the console names: the page's, or (profile data) the request's once tainted. */
  const messageOrigin = (): string =>
    profile.messageOrigin === 'request' ? serializeRequestOrigin(origin, taintedOrigin) : pageSerialized;
  const blockedBy = (
    error: CorsError,
    url: string,
    status?: number,
    redirectTo?: string,
    redirectFollowed = true,
  ): SimResult => {
    const message = consoleMessage(profile.name, error, {
      url,
      origin: messageOrigin(),
      api: options.api ?? 'fetch',
      ...(url !== firstUrl ? { redirectedFrom: firstUrl } : {}),
      ...(status !== undefined ? { status } : {}),
      ...(redirectTo !== undefined ? { redirectTo, redirectFollowed } : {}),
    });
    return finish('blocked', null, [], { code: error.code, message }, message);
  };
  const failWith = (
    code: 'TypeError' | 'NetworkError',
    detail: string,
    reason: NetworkFailureReason = 'connection',
    url: string = firstUrl,
    redirectTo?: string,
  ): SimResult => {
    // The browser's console lines when it prints any, else what script sees.
    const printed = networkFailureMessage(profile.name, reason, {
      url,
      origin: messageOrigin(),
      ...(redirectTo !== undefined ? { redirectTo } : {}),
    });
    const fallback =
      profile.name === 'firefox' || profile.name === 'safari'
        ? fetchTypeError(profile.name)
        : `${fetchTypeError(profile.name)} (${detail})`;
    return finish('blocked', null, [], { code, message: printed ?? fallback }, detail);
  };
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
    return failWith('NetworkError', failure.detail ?? failure.networkError, 'connection', url);
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
  let redirectCount = 0;
  /** Whether an earlier hop of this fetch was preflighted (or covered by the cache). */
  let preflightedBefore = false;
  /** The header list before any redirect removed headers from it. */
  const originalHeaders = headers;

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
      return failWith(
        'NetworkError',
        `mode "same-origin" forbids following a redirect to ${url}`,
        'same-origin-mode-redirect',
        url,
      );
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
      // After a redirect, a browser may preflight again whatever the request now needs, and list the
      // headers the redirect removed (profile data).
      const repeat = redirectCount > 0 && preflightedBefore && profile.redirectPreflight.repeat === 'sticky';
      const listedHeaders =
        repeat && profile.redirectPreflight.headers === 'original' ? originalHeaders : headers;
      const unsafe = corsUnsafeRequestHeaderNames(listedHeaders, profile);
      // The origin the preflight carries: the request's, or the page's whatever the taint (profile data).
      const requestOrigin = serializeRequestOrigin(
        origin,
        taintedOrigin && profile.redirectPreflight.origin === 'tainted',
      );
      const key = { origin: requestOrigin, url, credentials: credentialsMode };
      const useFlag = (input.useCorsPreflight ?? false) || repeat;
      const needs = isCorsPreflightNeeded(method, unsafe, useFlag);
      const cached = needs && !isCorsPreflightNeeded(method, unsafe, useFlag, cache.lookup(key, now));
      events.push({
        step: 'plan',
        path: 'cors',
        detail: needs
          ? `cross-origin request that is not simple (${repeat ? 'it was preflighted before the redirect' : describeWhy(method, unsafe, input.useCorsPreflight ?? false)}): a preflight is needed${cached ? ', but the preflight cache covers it' : ''}`
          : 'cross-origin simple request: sent without a preflight; the response is checked',
      });
      if (needs && cached)
        events.push({
          step: 'cache',
          hit: true,
          detail: `preflight cache entry for ${requestOrigin} ${url}`,
        });
      if (needs) preflightedBefore = true;
      if (needs && !cached) {
        const listed = profile.requestHeadersListDuplicates ? withRepeats(unsafe, listedHeaders) : unsafe;
        const preflight = corsPreflightRequest(url, method, listed, requestOrigin);
        preflightSent = true;
        preflightHeaders = { 'access-control-request-method': method };
        if (listed.length > 0) preflightHeaders['access-control-request-headers'] = listed.join(',');
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
        // Statuses the network stack fails before CORS sees them (profile data).
        if (profile.preflightNetworkErrorStatuses.includes(answer.status))
          return failWith('NetworkError', `the preflight was answered ${answer.status}`, 'connection', url);
        const verdict = validatePreflightResponse(
          {
            serializedOrigin: requestOrigin,
            credentials: credentialsMode,
            method,
            headers: listedHeaders,
            useCorsPreflightFlag: useFlag,
            unsafeHeaderNames: unsafe,
          },
          answer,
          profile,
        );
        if (!verdict.ok) {
          if (profile.preflightCache.failureClears) cache.clear(key);
          events.push({ step: 'check', check: 'preflight', ok: false, detail: verdict.error.code });
          const error = verdict.error;
          const spelled =
            error.header === undefined
              ? undefined
              : listedHeaders.find(([n]) => n.toLowerCase() === error.header)?.[0];
          const redirectTo = locationUrl(answer.status, answer.headers, url, profile.redirectStatuses);
          return blockedBy(
            spelled === undefined ? error : { ...error, headerAsSent: spelled },
            url,
            answer.status,
            redirectTo instanceof URL ? redirectTo.href : undefined,
          );
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
        const redirectTo = locationUrl(response.status, response.headers, url, profile.redirectStatuses);
        return blockedBy(
          check.error,
          url,
          response.status,
          redirectTo instanceof URL ? redirectTo.href : undefined,
          redirectMode === 'follow',
        );
      }
      events.push({
        step: 'check',
        check: 'cors',
        ok: true,
        detail: `Access-Control-Allow-Origin admits ${serializeRequestOrigin(origin, taintedOrigin)}`,
      });
    }

    const location = locationUrl(response.status, response.headers, url, profile.redirectStatuses);
    if (location !== null && redirectMode !== 'follow') {
      if (redirectMode === 'error')
        return failWith(
          'NetworkError',
          `redirect to ${getHeader(response.headers, 'Location')} with redirect mode "error"`,
          'redirect-mode-error',
          url,
        );
      events.push({
        step: 'plan',
        path: 'opaque-redirect',
        detail: 'redirect mode "manual": the page gets an opaque-redirect response',
      });
      return finish('opaque', 0, [], null, 'opaque redirect');
    }
    if (location === 'failure')
      return failWith('NetworkError', 'the Location header does not parse as a URL', 'invalid-location', url);
    if (location !== null) {
      const httpScheme = location.protocol === 'http:' || location.protocol === 'https:';
      // Schemes the browser never redirects to fail as plain network errors (profile data).
      if (
        profile.unsafeRedirectSchemes.includes(location.protocol) ||
        (!httpScheme && profile.nonHttpRedirectIsNetworkError)
      )
        return failWith(
          'NetworkError',
          `redirect to a ${location.protocol} URL`,
          'redirect-scheme',
          url,
          location.href,
        );
      if (!httpScheme && mode === 'cors' && profile.corsDisabledSchemeReportedAt === 'redirect')
        return blockedBy({ code: 'CorsDisabledScheme', location: location.href }, url, response.status);
      if (
        profile.credentialsRedirectFailsFirst &&
        mode === 'cors' &&
        includesCredentials(location) &&
        (tainting === 'cors' || !isSameOrigin(origin, originOfUrl(location) as Origin))
      )
        return failWith(
          'NetworkError',
          `redirect to ${location.href}, a URL with credentials`,
          'redirect-credentials',
          url,
          location.href,
        );
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
        return failWith(
          'NetworkError',
          next.detail,
          next.reason === 'too-many-redirects'
            ? 'too-many-redirects'
            : next.reason === 'invalid-location'
              ? 'invalid-location'
              : next.reason === 'credentials-in-location'
                ? 'redirect-credentials'
                : 'redirect-scheme',
          url,
          location.href,
        );
      }
      if (profile.blocksRedirectToUrlWithCredentials && includesCredentials(location))
        return failWith(
          'NetworkError',
          `redirect to ${location.href}, a URL with credentials`,
          'redirect-credentials',
          url,
          location.href,
        );
      const from = url;
      url = next.request.currentUrl;
      method = next.request.method;
      headers = headerPairs(next.request.headers);
      hasBody = next.request.hasBody;
      const removedHeaders = [...next.removedHeaders];
      // Methods the browser turns into GET at a redirect to another origin (profile data).
      if (
        profile.crossOriginRedirectRewritesToGet.includes(method) &&
        !isSameOrigin(current, originOfUrl(url) as Origin)
      ) {
        method = 'GET';
        hasBody = false;
        headers = headers.filter(([n]) => {
          const drop = isRequestBodyHeaderName(n);
          if (drop) removedHeaders.push(n);
          return !drop;
        });
      }
      events.push({
        step: 'redirect',
        from,
        to: url,
        status: response.status,
        method,
        tainted: next.request.taintedOrigin,
        removedHeaders,
      });
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

/** Each unsafe name as many times as the page set it (Firefox lists a repeated header twice). */
function withRepeats(unsafe: readonly string[], headers: readonly (readonly [string, string])[]): string[] {
  const out: string[] = [];
  for (const name of unsafe) {
    const times = headers.filter(([n]) => n.toLowerCase() === name).length;
    for (let i = 0; i < Math.max(times, 1); i++) out.push(name);
  }
  return out;
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
