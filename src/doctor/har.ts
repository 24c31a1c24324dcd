// The HAR reader of `corskit explain`: validates a HAR 1.2 file (as Chrome DevTools' "Export HAR" writes
// it), groups its entries into exchanges (a request, its redirect hops, the preflight of each hop), and
// reconstructs what the page asked for: its origin, its own headers, its credentials mode, and what the
// server answered. What the HAR does not hold stays unknown (an answer of `null`), never invented.
import type { Scenario } from '../browser/index.js';
import {
  type CredentialsMode,
  extractHeaderListValues,
  getHeader,
  isCorsSafelistedRequestHeader,
  isForbiddenRequestHeaderName,
  originOfUrl,
  serializeOrigin,
} from '../spec/index.js';
import { UsageError } from './usage.js';

/** One HAR entry, reduced to what CORS needs. */
export interface HarEntry {
  /** Position in `log.entries`. */
  readonly index: number;
  readonly url: string;
  readonly method: string;
  readonly requestHeaders: [string, string][];
  /** Number of cookies DevTools listed as sent (`request.cookies`). */
  readonly cookies: number;
  readonly hasBody: boolean;
  /** 0 (DevTools) or -1 (Playwright, HAR "unknown"): no response recorded. */
  readonly status: number;
  readonly responseHeaders: [string, string][];
  /** `response.redirectURL`, or the Location header. */
  readonly redirectURL: string;
  /** DevTools' `_resourceType` (`fetch`, `xhr`, `preflight`, `document`...), lowercased. */
  readonly resourceType: string | null;
  /** Milliseconds since the epoch. */
  readonly started: number;
  /** `response._error` (DevTools) or `_failureText` (other tools). */
  readonly error: string | null;
  /** Chromium's CORS error (CDP corsErrorStatus), from the `_corsError` extension. */
  readonly corsError: { readonly code: string; readonly failedParameter: string } | null;
  readonly pageref: string | null;
  readonly isPreflight: boolean;
}

export interface HarLog {
  readonly entries: HarEntry[];
  /** Page id to the page's title (DevTools writes the page URL there). */
  readonly pages: ReadonlyMap<string, string>;
}

/** A response as recorded: status and header list. */
export interface RecordedAnswer {
  readonly status: number;
  readonly headers: [string, string][];
}

/** One hop of an exchange: the request to one URL, and the preflight sent before it. */
export interface HarHop {
  readonly url: string;
  readonly method: string;
  /** The request's entry; null when the HAR holds only its preflight. */
  readonly entry: HarEntry | null;
  /** The server's answer; null when the HAR recorded none (status 0 or -1). */
  readonly answer: RecordedAnswer | null;
  readonly preflight: {
    readonly entry: HarEntry;
    readonly answer: RecordedAnswer | null;
    /** The Origin header the preflight carried (`null` after a cross-origin redirect). */
    readonly origin: string | null;
  } | null;
}

/** A cross-origin request as the HAR recorded it, and the scenario that replays it. */
export interface HarExchange {
  readonly url: string;
  readonly method: string;
  readonly origin: string;
  readonly credentials: CredentialsMode;
  /** The headers the page's script set (browser-managed ones removed). */
  readonly headers: [string, string][];
  readonly hasBody: boolean;
  readonly hops: HarHop[];
  readonly started: number;
  /** What Chromium recorded for the last hop. */
  readonly recorded: {
    readonly status: number;
    readonly error: string | null;
    readonly corsError: { readonly code: string; readonly failedParameter: string } | null;
  };
  /** How the request was reconstructed: assumptions and removed headers, in words. */
  readonly notes: string[];
  /** For `corskit simulate`: the request and every recorded answer (answers the HAR lacks are left out). */
  readonly scenario: Scenario;
}

export interface HarExchanges {
  readonly exchanges: HarExchange[];
  /** Entries that are not part of a cross-origin CORS exchange, by reason. */
  readonly skipped: { readonly sameOrigin: number; readonly notCors: number; readonly unknownOrigin: number };
}

/** Bounds on what we read: a HAR is user input. */
const MAX_ENTRIES = 100_000;
const MAX_HEADERS = 1_000;

const PLACEHOLDER = '(not recorded)';

// ---- validation ----

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function fail(file: string, path: string, message: string): never {
  throw new UsageError(`${file}: ${path}: ${message}`);
}

function readHeaders(file: string, path: string, v: unknown): [string, string][] {
  if (!Array.isArray(v)) fail(file, path, 'must be an array of { name, value }');
  if (v.length > MAX_HEADERS)
    fail(file, path, `has ${v.length} headers; corskit reads at most ${MAX_HEADERS}`);
  const out: [string, string][] = [];
  v.forEach((h, i) => {
    if (!isObject(h) || typeof h.name !== 'string' || typeof h.value !== 'string')
      fail(file, `${path}[${i}]`, 'must be { "name": string, "value": string }');
    // CDP joins repeated headers with a newline; one header per line, as DevTools shows them.
    for (const value of h.value.split('\n')) out.push([h.name, value]);
  });
  return out;
}

function readUrl(file: string, path: string, v: unknown): string {
  if (typeof v !== 'string') fail(file, path, 'must be a URL string');
  try {
    const u = new URL(v);
    u.hash = '';
    return u.href;
  } catch {
    return fail(file, path, `"${v}" is not an absolute URL`);
  }
}

function readCorsError(v: unknown): HarEntry['corsError'] {
  if (!isObject(v) || typeof v.corsError !== 'string') return null;
  return {
    code: v.corsError,
    failedParameter: typeof v.failedParameter === 'string' ? v.failedParameter : '',
  };
}

function readEntry(file: string, e: unknown, index: number): HarEntry {
  const path = `log.entries[${index}]`;
  if (!isObject(e)) fail(file, path, 'must be an object');
  const req = e.request;
  const res = e.response;
  if (!isObject(req)) fail(file, `${path}.request`, 'must be an object');
  if (!isObject(res)) fail(file, `${path}.response`, 'must be an object');
  if (typeof req.method !== 'string' || req.method === '')
    fail(file, `${path}.request.method`, 'must be a method such as "GET"');
  const url = readUrl(file, `${path}.request.url`, req.url);
  const requestHeaders = readHeaders(file, `${path}.request.headers`, req.headers);
  if (typeof res.status !== 'number' || !Number.isInteger(res.status))
    fail(file, `${path}.response.status`, 'must be a whole number (0 when there was no response)');
  const responseHeaders = readHeaders(file, `${path}.response.headers`, res.headers);
  const started = typeof e.startedDateTime === 'string' ? Date.parse(e.startedDateTime) : Number.NaN;
  if (Number.isNaN(started))
    fail(file, `${path}.startedDateTime`, 'must be a date such as "2024-05-01T10:00:00.000Z"');
  const redirect =
    typeof res.redirectURL === 'string' && res.redirectURL !== ''
      ? res.redirectURL
      : (getHeader(responseHeaders, 'Location') ?? '');
  const errorText = res._error ?? e._failureText ?? res._failureText;
  const resourceType = typeof e._resourceType === 'string' ? e._resourceType.toLowerCase() : null;
  const method = req.method;
  return {
    index,
    url,
    method,
    requestHeaders,
    cookies: Array.isArray(req.cookies) ? req.cookies.length : 0,
    hasBody: isObject(req.postData) || (typeof req.bodySize === 'number' && req.bodySize > 0),
    status: res.status,
    responseHeaders,
    redirectURL: redirect,
    resourceType,
    started,
    error: typeof errorText === 'string' && errorText !== '' ? errorText : null,
    corsError: readCorsError(e._corsError),
    pageref: typeof e.pageref === 'string' ? e.pageref : null,
    isPreflight:
      resourceType === 'preflight' ||
      (method === 'OPTIONS' && getHeader(requestHeaders, 'Access-Control-Request-Method') !== null),
  };
}

/** Validates a parsed HAR; a malformed one is a UsageError naming the field. */
export function readHar(value: unknown, file = 'HAR'): HarLog {
  if (!isObject(value) || !isObject(value.log))
    throw new UsageError(
      `${file} is not a HAR: it has no "log" object (in DevTools' Network panel, use "Export HAR...")`,
    );
  const log = value.log;
  if (!Array.isArray(log.entries)) fail(file, 'log.entries', 'must be an array');
  if (log.entries.length > MAX_ENTRIES)
    fail(file, 'log.entries', `has ${log.entries.length} entries; corskit reads at most ${MAX_ENTRIES}`);
  const pages = new Map<string, string>();
  if (Array.isArray(log.pages))
    for (const p of log.pages)
      if (isObject(p) && typeof p.id === 'string' && typeof p.title === 'string') pages.set(p.id, p.title);
  return { entries: log.entries.map((e, i) => readEntry(file, e, i)), pages };
}

/** Parses the text of a HAR file. */
export function parseHar(text: string, file = 'HAR'): HarLog {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  return readHar(json, file);
}

// ---- grouping ----

const answerOf = (e: HarEntry): RecordedAnswer | null =>
  e.status >= 100 && e.status <= 599 ? { status: e.status, headers: e.responseHeaders } : null;

const byStart = (a: HarEntry, b: HarEntry): number => a.started - b.started || a.index - b.index;

function resolveUrl(base: string, ref: string): string | null {
  try {
    const u = new URL(ref, base);
    u.hash = '';
    return u.href;
  } catch {
    return null;
  }
}

/** Groups entries (already in time order) by a key, keeping the order. */
function groupBy(entries: readonly HarEntry[], key: (e: HarEntry) => string): Map<string, HarEntry[]> {
  const groups = new Map<string, HarEntry[]>();
  for (const e of entries) {
    const k = key(e);
    const list = groups.get(k);
    if (list === undefined) groups.set(k, [e]);
    else list.push(e);
  }
  return groups;
}

/**
 * Links each redirect to the entry that followed it: the first later request for its Location. Requests
 * are in time order, so one cursor per URL moves only forward (linear in the number of entries).
 */
function linkRedirects(requests: readonly HarEntry[]): Map<HarEntry, HarEntry> {
  const byUrl = groupBy(requests, (e) => e.url);
  const cursor = new Map<string, number>();
  const next = new Map<HarEntry, HarEntry>();
  for (const e of requests) {
    if (e.status < 300 || e.status > 399 || e.redirectURL === '') continue;
    const target = resolveUrl(e.url, e.redirectURL);
    const list = target === null ? undefined : byUrl.get(target);
    if (target === null || list === undefined) continue;
    let i = cursor.get(target) ?? 0;
    while (i < list.length && byStart(e, list[i] as HarEntry) >= 0) i++;
    if (i < list.length) next.set(e, list[i] as HarEntry);
    cursor.set(target, i + 1);
  }
  return next;
}

/** Chromium logs a request and its preflight within milliseconds of each other, in either order. */
const PREFLIGHT_WINDOW_MS = 10_000;
/** How many same-URL requests a preflight is compared with: keeps the pairing linear. */
const MAX_CANDIDATES = 64;

/**
 * Pairs each preflight with the request it was for: same URL, method = Access-Control-Request-Method,
 * the closest in time within the window. A cursor per key skips what is too old or taken, for good.
 */
function pairPreflights(
  preflights: readonly HarEntry[],
  requests: readonly HarEntry[],
): { byRequest: Map<HarEntry, HarEntry>; orphans: HarEntry[] } {
  const byKey = groupBy(requests, (r) => `${r.method} ${r.url}`);
  const cursor = new Map<string, number>();
  const byRequest = new Map<HarEntry, HarEntry>();
  const orphans: HarEntry[] = [];
  for (const p of preflights) {
    const key = `${getHeader(p.requestHeaders, 'Access-Control-Request-Method') ?? ''} ${p.url}`;
    const list = byKey.get(key) ?? [];
    let i = cursor.get(key) ?? 0;
    const stale = (r: HarEntry): boolean => r.started < p.started - PREFLIGHT_WINDOW_MS || byRequest.has(r);
    while (i < list.length && stale(list[i] as HarEntry)) i++;
    cursor.set(key, i);
    let best: HarEntry | undefined;
    for (const end = Math.min(list.length, i + MAX_CANDIDATES); i < end; i++) {
      const r = list[i] as HarEntry;
      if (r.started > p.started + PREFLIGHT_WINDOW_MS) break;
      if (byRequest.has(r)) continue;
      if (best === undefined || Math.abs(r.started - p.started) < Math.abs(best.started - p.started))
        best = r;
      if (r.started >= p.started) break; // later ones are farther
    }
    if (best === undefined) orphans.push(p);
    else byRequest.set(best, p);
  }
  return { byRequest, orphans };
}

/** The serialized origin of a URL (`null` for one with no tuple origin). */
function serializedOriginOf(url: string): string {
  const origin = originOfUrl(url);
  return origin === null ? 'null' : serializeOrigin(origin);
}

/** The page's origin: the Origin header, the preflight's, the Referer, then the page the entry belongs to. */
function pageOriginOf(first: HarHop, log: HarLog): string | null {
  const fromHeader = first.entry && getHeader(first.entry.requestHeaders, 'Origin');
  if (fromHeader) return fromHeader;
  if (first.preflight?.origin) return first.preflight.origin;
  const referer = first.entry && getHeader(first.entry.requestHeaders, 'Referer');
  if (referer) return serializedOriginOf(referer);
  const pageUrl = first.entry?.pageref ? log.pages.get(first.entry.pageref) : undefined;
  if (pageUrl !== undefined && serializedOriginOf(pageUrl) !== 'null') return serializedOriginOf(pageUrl);
  return null;
}

/** Whether the request ran in CORS mode: Sec-Fetch-Mode says so; else a fetch or XHR; else an Origin header. */
function isCorsMode(first: HarHop): boolean {
  if (first.entry === null) return true;
  const mode = getHeader(first.entry.requestHeaders, 'Sec-Fetch-Mode');
  if (mode !== null) return mode === 'cors';
  const type = first.entry.resourceType;
  if (type !== null) return type === 'fetch' || type === 'xhr';
  return getHeader(first.entry.requestHeaders, 'Origin') !== null;
}

function makeHop(entry: HarEntry, preflight: HarEntry | undefined): HarHop {
  return {
    url: entry.url,
    method: entry.method,
    entry,
    answer: answerOf(entry),
    preflight:
      preflight === undefined
        ? null
        : {
            entry: preflight,
            answer: answerOf(preflight),
            origin: getHeader(preflight.requestHeaders, 'Origin'),
          },
  };
}

/** A preflight whose request is not in the HAR (a filtered export): a hop with no request entry. */
function orphanHop(p: HarEntry): HarHop {
  return {
    url: p.url,
    method: getHeader(p.requestHeaders, 'Access-Control-Request-Method') ?? 'GET',
    entry: null,
    answer: null,
    preflight: { entry: p, answer: answerOf(p), origin: getHeader(p.requestHeaders, 'Origin') },
  };
}

function chains(log: HarLog): HarHop[][] {
  const sorted = [...log.entries].sort(byStart);
  const requests = sorted.filter((e) => !e.isPreflight);
  const { byRequest, orphans } = pairPreflights(
    sorted.filter((e) => e.isPreflight),
    requests,
  );
  const next = linkRedirects(requests);
  const followers = new Set(next.values());
  const out: HarHop[][] = [];
  for (const head of requests) {
    if (followers.has(head)) continue;
    const chain: HarHop[] = [];
    for (let e: HarEntry | undefined = head; e !== undefined; e = next.get(e))
      chain.push(makeHop(e, byRequest.get(e)));
    out.push(chain);
  }
  for (const p of orphans) out.push([orphanHop(p)]);
  return out.sort((a, b) => startOf(a) - startOf(b));
}

function startOf(chain: readonly HarHop[]): number {
  const first = chain[0] as HarHop;
  return Math.min(
    first.entry?.started ?? Number.POSITIVE_INFINITY,
    first.preflight?.entry.started ?? Number.POSITIVE_INFINITY,
  );
}

// ---- reconstruction ----

/** Headers the browser sets or manages itself, never the page's script. */
function browserManaged(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    lower.startsWith(':') ||
    isForbiddenRequestHeaderName(lower) ||
    lower === 'user-agent' ||
    lower === 'priority' ||
    lower === 'upgrade-insecure-requests'
  );
}

/**
 * The headers the page's script set. Browser-managed headers go. With a preflight, its
 * Access-Control-Request-Headers names the page's unsafe headers exactly: other unsafe ones were added
 * by the browser (DevTools' "Disable cache" adds Cache-Control and Pragma), and names it lists that the
 * HAR has no value for get a placeholder that stays unsafe. Safelisted browser defaults (Accept: * /*,
 * Accept-Language) are dropped unless listed.
 */
function pageHeaders(first: HarHop, notes: string[]): [string, string][] {
  const recorded = (first.entry?.requestHeaders ?? []).filter(([n]) => !browserManaged(n));
  const acrh = first.preflight
    ? getHeader(first.preflight.entry.requestHeaders, 'Access-Control-Request-Headers')
    : null;
  // Read as a server reads it (extract header list values); an unparsable list names nothing.
  const parsed =
    acrh === null ? null : extractHeaderListValues(acrh, { maxElements: 1024, maxBytes: 65_536 });
  const listed = new Set(parsed?.ok === true ? parsed.values.map((n) => n.toLowerCase()) : []);
  const kept: [string, string][] = [];
  const dropped: string[] = [];
  for (const [name, value] of recorded) {
    const lower = name.toLowerCase();
    const browserDefault =
      (lower === 'accept' && value === '*/*') ||
      lower === 'accept-language' ||
      ((lower === 'cache-control' || lower === 'pragma') && value === 'no-cache');
    const keep =
      listed.has(lower) ||
      (!browserDefault && (first.preflight === null || isCorsSafelistedRequestHeader(name, value)));
    if (keep) kept.push([name, value]);
    else if (!browserDefault || lower === 'cache-control' || lower === 'pragma') dropped.push(name);
  }
  if (dropped.length > 0)
    notes.push(
      `Left out ${dropped.join(', ')}: the browser added ${dropped.length > 1 ? 'them' : 'it'}, not the page (DevTools' "Disable cache" adds Cache-Control and Pragma)${first.preflight ? `; the preflight did not list ${dropped.length > 1 ? 'them' : 'it'}` : ''}.`,
    );
  const missing = [...listed].filter((n) => !kept.some(([k]) => k.toLowerCase() === n));
  for (const name of missing) kept.push([name, PLACEHOLDER]);
  if (missing.length > 0)
    notes.push(
      `The HAR has no value for ${missing.join(', ')} (only the preflight's Access-Control-Request-Headers names ${missing.length > 1 ? 'them' : 'it'}).`,
    );
  return kept;
}

/** Chromium's codes that only a credentialed request can get. */
const CREDENTIALED_CODES = new Set([
  'WildcardOriginNotAllowed',
  'PreflightWildcardOriginNotAllowed',
  'InvalidAllowCredentials',
  'PreflightInvalidAllowCredentials',
]);

/** `include` when a cross-origin hop carried cookies, or Chromium's error proves credentials were included. */
function credentialsOf(hops: readonly HarHop[], origin: string, notes: string[]): CredentialsMode {
  const cookieSent = hops.some(
    (h) =>
      h.entry !== null &&
      serializedOriginOf(h.url) !== origin &&
      (h.entry.cookies > 0 || getHeader(h.entry.requestHeaders, 'Cookie') !== null),
  );
  if (cookieSent) return 'include';
  const code = hops.at(-1)?.entry?.corsError?.code;
  if (code !== undefined && CREDENTIALED_CODES.has(code)) {
    notes.push(`Credentials "include": Chromium's error ${code} only happens to credentialed requests.`);
    return 'include';
  }
  const wildcard = hops.some(
    (h) => h.answer !== null && getHeader(h.answer.headers, 'Access-Control-Allow-Origin') === '*',
  );
  if (wildcard)
    notes.push(
      'No cookie went cross-origin, so corskit assumes credentials were not included (a sanitized HAR removes cookies: if the page used credentials: "include", "*" would be refused).',
    );
  return 'same-origin';
}

function scenarioOf(x: Omit<HarExchange, 'scenario' | 'notes' | 'recorded' | 'started'>): Scenario {
  const answers = x.hops.map((h) => h.answer);
  const preflights = x.hops.flatMap((h) => (h.preflight?.answer ? [h.preflight.answer] : []));
  const redirects = answers.slice(0, -1).filter((a): a is RecordedAnswer => a !== null);
  const actual = answers.at(-1);
  return {
    name: `${x.method} ${x.url}`,
    origin: x.origin,
    request: {
      url: x.url,
      method: x.method,
      headers: x.headers,
      mode: 'cors',
      credentials: x.credentials,
      redirect: 'follow',
      ...(x.hasBody ? { body: true } : {}),
    },
    server: {
      ...(preflights.length > 0 ? { preflights } : {}),
      ...(redirects.length > 0 ? { redirects } : {}),
      ...(actual ? { actual } : {}),
    },
  };
}

function exchangeOf(hops: HarHop[], origin: string): HarExchange {
  const first = hops[0] as HarHop;
  const last = hops.at(-1) as HarHop;
  const notes: string[] = [];
  if (first.entry === null)
    notes.push(
      `The HAR has this preflight but not the ${first.method} request it was for (was the export filtered?).`,
    );
  const headers = pageHeaders(first, notes);
  const credentials = credentialsOf(hops, origin, notes);
  const base = {
    url: first.url,
    method: first.method,
    origin,
    credentials,
    headers,
    hasBody: first.entry?.hasBody ?? false,
    hops,
  };
  const recordedEntry = last.entry ?? last.preflight?.entry;
  return {
    ...base,
    started: startOf(hops),
    recorded: {
      status: recordedEntry?.status ?? 0,
      error: recordedEntry?.error ?? null,
      corsError: recordedEntry?.corsError ?? null,
    },
    notes,
    scenario: scenarioOf(base),
  };
}

/** The HAR's cross-origin CORS exchanges, in the order they started. */
export function harExchanges(log: HarLog): HarExchanges {
  const skipped = { sameOrigin: 0, notCors: 0, unknownOrigin: 0 };
  const exchanges: HarExchange[] = [];
  for (const hops of chains(log)) {
    const first = hops[0] as HarHop;
    if (!isCorsMode(first)) {
      skipped.notCors++;
      continue;
    }
    const origin = pageOriginOf(first, log);
    if (origin === null) {
      skipped.unknownOrigin++;
      continue;
    }
    if (origin !== 'null' && hops.every((h) => serializedOriginOf(h.url) === origin)) {
      skipped.sameOrigin++;
      continue;
    }
    exchanges.push(exchangeOf(hops, origin));
  }
  return { exchanges, skipped };
}
