// `corskit check`: probe a live endpoint exactly as a browser would (through the simulator's engine over
// real HTTP), then explain the verdict, the console message, the proven fix and the risks. Before sending
// anything it does what the page's fetch() does: drops forbidden headers, throws on what fetch() refuses.
import {
  BrowserSim,
  httpTransport,
  type IncomingResponse,
  type OutgoingRequest,
  pageOrigin,
  type SimEvent,
  type SimRequest,
  type SimResult,
  type Transport,
} from '../browser/index.js';
import {
  BROWSER_PROFILES,
  type BrowserName,
  type BrowserProfile,
  compareOrigins,
  getHeader,
  type HeaderList,
  isCorsSafelistedMethod,
  isForbiddenRequestHeader,
  isHeaderName,
  normalizeHeaderValue,
  normalizeMethod,
  type OriginComparison,
  parseOriginHeader,
  planFetch,
  preflightMaxAge,
} from '../spec/index.js';
import { buildFix, type Fix } from './fixes.js';
import { type ObservedExchange, observedExchanges, observedRisks, type Risk } from './risks.js';
import { parseTargetUrl, UsageError } from './usage.js';

/** What `runCheck` probes: the URL, the page origin and the request, as `corskit check` takes them. */
export interface CheckOptions {
  readonly url: string;
  readonly origin: string;
  readonly method?: string;
  readonly headers?: HeaderList;
  readonly credentials?: boolean;
  readonly browser?: BrowserName;
  readonly timeoutMs?: number;
  /** Send only the preflight, never the request itself. */
  readonly preflightOnly?: boolean;
  /** Told, before anything is sent, what will be sent. */
  readonly onBeforeSend?: (notice: string) => void;
  /** For tests and the demo: send requests somewhere else than real HTTP. */
  readonly transport?: Transport;
}

/**
 * `type-error`: fetch() throws before sending anything; `preflight-only`: the preflight passed (or none
 * was needed) and, as asked, the request itself was not sent.
 */
export type Verdict =
  | 'allowed'
  | 'blocked'
  | 'same-origin'
  | 'network-error'
  | 'type-error'
  | 'preflight-only';

/** Something that works today but is risky, reported even when the request is allowed. */
export interface Warning {
  readonly id: Risk['id'] | 'authorization-via-wildcard' | 'max-age-over-cap' | 'simple-request-ran';
  readonly message: string;
}

/** A request check sent besides the page's own: the probe with a made-up origin. */
export interface ProbeExchange {
  readonly purpose: string;
  readonly request: OutgoingRequest;
  readonly response: IncomingResponse;
}

/** What `runCheck` found: the verdict, the error, the events, the fix and the warnings. */
export interface CheckReport {
  readonly url: string;
  readonly origin: string;
  /** What the page passed to fetch(), forbidden headers already dropped. */
  readonly request: SimRequest;
  readonly browser: BrowserName;
  readonly verdict: Verdict;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly result: SimResult;
  readonly events: SimResult['events'];
  /** The page's origin and the target's, part by part. */
  readonly origins: OriginComparison;
  /** The proven server fix, or null (nothing to fix, or no safe server change: see pageAdvice). */
  readonly fixes: Fix | null;
  /** What to change in the page or the request, where the server cannot fix it. */
  readonly pageAdvice: string[];
  readonly warnings: Warning[];
  /** Requests check sent besides the page's (shown in the timeline). */
  readonly probes: ProbeExchange[];
  /** What the browser did to the request before sending it (headers dropped), in its words. */
  readonly notes: string[];
}

/** Validates the user's URL and origin; a mistake is a one-line UsageError. */
export function validateCheckInput(url: string, origin: string): void {
  parseTargetUrl(url);
  if (origin !== 'null') {
    const parsed = parseOriginHeader(origin);
    if (!parsed.ok) {
      let hint = '';
      try {
        hint = `: write "${new URL(origin).origin}"`;
      } catch {
        hint = ': write it like https://app.example.com';
      }
      throw new UsageError(`--origin "${origin}" is not an origin (${parsed.reason})${hint}`);
    }
  }
}

function randomLabel(): string {
  return `corskit-${Math.random().toString(36).slice(2, 10)}`;
}

/** Why fetch() throws before sending anything (Fetch §5.1 Headers "append", §5.3 Request constructor). */
type FetchRefusal =
  | { readonly kind: 'latin1'; readonly index: number; readonly code: number }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'value'; readonly value: string }
  | { readonly kind: 'method'; readonly method: string }
  | { readonly kind: 'credentials'; readonly url: string };

/**
 * The TypeError each browser throws, in its own words (captured from Chromium and Firefox ESR; Safari's
 * were not captured, so it gets the words without Chrome's frame).
 */
export function fetchTypeError(browser: BrowserName, r: FetchRefusal): string {
  if (browser === 'firefox') {
    const firefox = {
      latin1: () =>
        `Cannot convert value in record<ByteString, ByteString> branch of (sequence<sequence<ByteString>> or record<ByteString, ByteString>) to ByteString because the character at index ${(r as { index: number }).index} has value ${(r as { code: number }).code} which is greater than 255.`,
      name: () => `${(r as { name: string }).name.toLowerCase()} is an invalid header name.`,
      value: () => `${(r as { value: string }).value} is an invalid header value.`,
      method: () => `Invalid request method ${(r as { method: string }).method}.`,
      credentials: () => `${(r as { url: string }).url} is an url with embedded credentials.`,
    };
    return `TypeError: Window.fetch: ${firefox[r.kind]()}`;
  }
  const chrome = {
    latin1: () =>
      "Failed to read the 'headers' property from 'RequestInit': String contains non ISO-8859-1 code point.",
    name: () => 'Invalid name',
    value: () => 'Invalid value',
    method: () => `'${(r as { method: string }).method}' HTTP method is unsupported.`,
    credentials: () =>
      `Request cannot be constructed from a URL that includes credentials: ${(r as { url: string }).url}`,
  };
  return `TypeError: ${browser === 'safari' ? '' : "Failed to execute 'fetch' on 'Window': "}${chrome[r.kind]()}`;
}

interface PreparedHeaders {
  readonly headers: [string, string][];
  readonly typeError: { readonly refusal: FetchRefusal; readonly advice: string } | null;
  readonly dropped: string[];
}

/** What fetch() does with the page's headers before sending: throws on invalid ones, drops forbidden ones. */
export function prepareRequestHeaders(headers: HeaderList): PreparedHeaders {
  const kept: [string, string][] = [];
  const dropped: string[] = [];
  for (const [name, raw] of headers) {
    // ByteString conversion of RequestInit comes first: a code point above U+00FF throws.
    for (const s of [name, raw]) {
      for (let i = 0; i < s.length; i++)
        if (s.charCodeAt(i) > 0xff)
          return {
            headers: [],
            dropped,
            typeError: {
              refusal: { kind: 'latin1', index: i, code: s.charCodeAt(i) },
              advice: `The header ${name} holds "${s[i]}", outside Latin-1: fetch() throws before sending anything. Encode the value first (encodeURIComponent, or base64 of its UTF-8 bytes) and decode it on the server.`,
            },
          };
    }
    const value = normalizeHeaderValue(raw);
    if (!isHeaderName(name))
      return {
        headers: [],
        dropped,
        typeError: {
          refusal: { kind: 'name', name },
          advice: `"${name}" is not a header name (an HTTP token): fetch() throws before sending anything. Use letters, digits and - only.`,
        },
      };
    if (/[\0\r\n]/.test(value))
      return {
        headers: [],
        dropped,
        typeError: {
          refusal: { kind: 'value', value },
          advice: `The value of ${name} holds a NUL, CR or LF: fetch() throws before sending anything. Remove them.`,
        },
      };
    if (isForbiddenRequestHeader(name, value)) {
      dropped.push(name);
      continue;
    }
    kept.push([name, value]);
  }
  return { headers: kept, dropped, typeError: null };
}

/** What a dropped forbidden header means for the page. */
function droppedAdvice(name: string): string {
  const lower = name.toLowerCase();
  if (lower === 'cookie')
    return "To send cookies, let the browser do it: fetch(url, { credentials: 'include' }) (corskit check --credentials), and have the server allow credentials.";
  if (lower === 'origin') return 'The browser sets Origin itself; the page cannot choose it.';
  return `Remove ${name} from the page's code: the browser sets it, or never lets a page send it.`;
}

/** The sentence check says before sending anything: it sends the real request. */
export function sendingNotice(opts: CheckOptions): string {
  const method = normalizeMethod(opts.method ?? 'GET');
  if (opts.preflightOnly === true)
    return `corskit check sends only the preflight (OPTIONS) to ${opts.url}, never the ${method} itself (--preflight-only).`;
  const effect =
    isCorsSafelistedMethod(method) && method !== 'POST'
      ? ''
      : ` (a ${method} really ${method === 'DELETE' ? 'deletes' : 'runs'})`;
  return `corskit check sends the real request, as the page would: ${method} ${opts.url} reaches the server${effect}. Use --preflight-only to send only the preflight.`;
}

const NOT_SENT = 'not-sent';

/** Runs the check. Network failures become verdict `network-error`, never exceptions. */
export async function runCheck(opts: CheckOptions): Promise<CheckReport> {
  validateCheckInput(opts.url, opts.origin);
  const browser = opts.browser ?? 'chrome';
  const profile = BROWSER_PROFILES[browser];
  const base = opts.transport ?? httpTransport({ timeoutMs: opts.timeoutMs ?? 10_000 });
  const preflightOnly = opts.preflightOnly === true;
  let withheld = false;
  const transport: Transport = (req) => {
    if (preflightOnly && req.kind === 'request') {
      withheld = true;
      return { networkError: NOT_SENT, detail: '--preflight-only: the request itself was not sent' };
    }
    return base(req);
  };
  const credentials = opts.credentials === true ? 'include' : 'same-origin';
  const method = opts.method ?? 'GET';
  const origins = compareOrigins(opts.origin, opts.url);
  const prepared = prepareRequestHeaders(opts.headers ?? []);
  const notes = prepared.dropped.map(
    (n) =>
      `${n} is a forbidden request-header: fetch() drops it without a word (Fetch §2.2.2 "forbidden request-header"), so corskit does not send it either.`,
  );
  const request = {
    url: opts.url,
    method,
    headers: prepared.headers,
    credentials,
    mode: 'cors',
  } as const;
  const common = { url: opts.url, origin: opts.origin, request, browser, origins, notes, probes: [] };
  if (prepared.typeError !== null) {
    const { advice } = prepared.typeError;
    const message = fetchTypeError(browser, prepared.typeError.refusal);
    const result: SimResult = {
      outcome: 'blocked',
      preflight: { sent: false },
      actualSent: false,
      status: null,
      visibleHeaders: [],
      error: { code: 'TypeError', message },
      events: [
        { step: 'plan', path: 'type-error', detail: `fetch() throws before sending anything: ${message}` },
        { step: 'result', outcome: 'blocked', detail: message },
      ],
    };
    return {
      ...common,
      verdict: 'type-error',
      error: result.error,
      result,
      events: result.events,
      fixes: null,
      pageAdvice: [advice],
      warnings: [],
    };
  }
  // fetch() refuses some requests before sending anything (a forbidden method, credentials in the URL):
  // then there is nothing to announce.
  const plan = planFetch(
    {
      origin: pageOrigin(opts.origin),
      url: opts.url,
      method,
      headers: prepared.headers,
      mode: 'cors',
      credentials,
    },
    profile,
  );
  if (plan.kind !== 'type-error') opts.onBeforeSend?.(sendingNotice(opts));
  const sim = new BrowserSim({ transport, browser, origin: opts.origin });
  const raw = await sim.fetch(opts.url, request);
  const refusal: FetchRefusal | null =
    plan.kind !== 'type-error'
      ? null
      : plan.reason.includes('HTTP method is unsupported')
        ? { kind: 'method', method }
        : plan.reason.includes('includes credentials')
          ? { kind: 'credentials', url: opts.url }
          : null;
  const result = withheld
    ? withoutWithheld(raw)
    : refusal !== null
      ? { ...raw, error: { code: 'TypeError' as const, message: fetchTypeError(browser, refusal) } }
      : raw;
  const verdict = verdictOf(result, origins.sameOrigin, withheld);
  const tainted = result.events.find((e) => e.step === 'redirect' && e.tainted);
  if (tainted?.step === 'redirect')
    origins.notes.push(...compareOrigins(opts.origin, tainted.to, { taintedBy: tainted.to }).notes.slice(-1));
  const warnings: Warning[] = [];
  const probes: ProbeExchange[] = [];
  if (verdict !== 'same-origin' && verdict !== 'network-error' && verdict !== 'type-error') {
    const echoed = lastAllowOrigin(result);
    // An origin that no one would list: if it is echoed too, the server reflects whatever it gets.
    if (echoed === opts.origin) {
      const probeOrigin = `https://${randomLabel()}.example`;
      const probeRequest: OutgoingRequest = preflightOnly
        ? {
            kind: 'preflight',
            method: 'OPTIONS',
            url: opts.url,
            headers: [
              ['Access-Control-Request-Method', normalizeMethod(method)],
              ['Origin', probeOrigin],
            ],
            credentials: false,
          }
        : {
            kind: 'request',
            method: 'GET',
            url: opts.url,
            headers: [['Origin', probeOrigin]],
            credentials: false,
          };
      const response = await base(probeRequest);
      probes.push({
        purpose: 'an origin nobody configured, to see whether the server reflects any Origin',
        request: probeRequest,
        response,
      });
    }
    collectWarnings(result, profile, warnings);
    for (const r of observedRisks(withProbes(result, probes), opts.url))
      warnings.push({ id: r.id, message: r.message });
  }
  const { fix, pageAdvice } =
    verdict === 'blocked'
      ? buildFix({ origin: opts.origin, request, result, browser })
      : verdict === 'type-error'
        ? { fix: null, pageAdvice: [typeErrorAdvice(result, method)] }
        : { fix: null, pageAdvice: [] };
  return {
    ...common,
    verdict,
    error: result.error,
    result,
    events: result.events,
    fixes: fix,
    pageAdvice: [...pageAdvice, ...prepared.dropped.map(droppedAdvice)],
    warnings,
    probes,
  };
}

function verdictOf(result: SimResult, sameOrigin: boolean, withheld: boolean): Verdict {
  if (result.error?.code === 'TypeError') return 'type-error';
  if (sameOrigin) return 'same-origin';
  if (withheld) return 'preflight-only';
  if (result.error?.code === 'NetworkError') return 'network-error';
  return result.outcome === 'blocked' ? 'blocked' : 'allowed';
}

/** The run as it stands when --preflight-only stopped it: the withheld request is not in the timeline. */
function withoutWithheld(result: SimResult): SimResult {
  const events: SimEvent[] = [];
  for (const e of result.events) {
    if (e.step === 'network-error' && e.error === NOT_SENT) {
      if (events.at(-1)?.step === 'request') events.pop();
      events.push({
        step: 'plan',
        path: 'preflight-only',
        detail: '--preflight-only: the request itself was not sent, so its response is not checked',
      });
      break;
    }
    events.push(e);
  }
  return { ...result, outcome: 'allowed', actualSent: false, error: null, status: null, events };
}

function typeErrorAdvice(result: SimResult, method: string): string {
  const message = result.error?.message ?? '';
  if (message.includes('includes credentials') || message.includes('embedded credentials'))
    return 'Remove the user name and password from the URL: fetch() refuses such URLs. Send credentials in an Authorization header instead (the server must then allow it in the preflight).';
  if (message.includes('HTTP method is unsupported') || message.includes('Invalid request method'))
    return `${normalizeMethod(method)} is a forbidden method: no browser lets a page send it, whatever the server says. Use another method (a server-side tunnel for CONNECT, GET or POST for the rest).`;
  return `fetch() refuses this request before sending it (${message}): change the request in the page's code.`;
}

/** The page's exchanges and check's probes, as the shared risk rules read them. */
function withProbes(result: SimResult, probes: readonly ProbeExchange[]): ObservedExchange[] {
  return [
    ...observedExchanges(result),
    ...probes.map(
      (p): ObservedExchange => ({
        kind: p.request.kind === 'request' ? 'actual' : 'preflight',
        origin: getHeader(p.request.headers, 'Origin') ?? '',
        probe: p.purpose,
        response: p.response,
      }),
    ),
  ];
}

function lastAllowOrigin(result: SimResult): string | null {
  for (const e of [...result.events].reverse()) {
    if (e.step === 'response' || e.step === 'preflight-response')
      return getHeader(e.headers, 'Access-Control-Allow-Origin');
  }
  return null;
}

/** The risks of the page's own request that no server rule covers (the shared rules are in risks.ts). */
export function collectWarnings(result: SimResult, profile: BrowserProfile, out: Warning[]): void {
  for (const e of result.events) {
    if (e.step !== 'preflight-response') continue;
    const maxAge = getHeader(e.headers, 'Access-Control-Max-Age');
    if (maxAge !== null && profile.maxAgeCap !== null) {
      const seconds = preflightMaxAge([['Access-Control-Max-Age', maxAge]], BROWSER_PROFILES.spec);
      if (seconds > profile.maxAgeCap) {
        out.push({
          id: 'max-age-over-cap',
          message: `Access-Control-Max-Age is ${seconds} s, but ${profile.displayName} caches preflights for at most ${profile.maxAgeCap} s (Chrome 7200, Firefox 86400, Safari 600).`,
        });
      }
    }
  }
  // The preflight check itself reports when `*` let Authorization through.
  if (result.events.some((e) => e.step === 'check' && e.authorizationCoveredByWildcard === true)) {
    out.push({
      id: 'authorization-via-wildcard',
      message:
        'Authorization is allowed only through "Access-Control-Allow-Headers: *". Browsers accept that today with a deprecation warning, but the Fetch Standard says "*" never covers Authorization: list "Authorization" explicitly.',
    });
  }
  if (result.outcome === 'blocked' && result.actualSent) {
    out.push({
      id: 'simple-request-ran',
      message:
        'The request was blocked, but it reached the server and ran: CORS only hid the response from the page. A state-changing endpoint needs CSRF defences (SameSite cookies, tokens, checking Origin), not CORS.',
    });
  }
}
