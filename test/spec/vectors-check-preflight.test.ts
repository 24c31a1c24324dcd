// Table-driven vectors for the CORS check, the preflight, the preflight cache, redirects and console
// messages. The expected values come from the Fetch Standard and from what browsers do, never from this
// implementation's output: see each case's `note`. Vector files: test/vectors/*.json, one case per line.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  authorRequestHeaders,
  type BrowserName,
  browserProfile,
  type CorsError,
  type CorsMessageContext,
  CorsPreflightCache,
  type CredentialsMode,
  consoleMessage,
  corsCheck,
  corsPreflightRequest,
  corsUnsafeRequestHeaderNames,
  createOpaqueOrigin,
  httpRedirectFetch,
  isSameOrigin,
  locationUrl,
  type Origin,
  originOfUrl,
  type PreflightCacheKey,
  parseDeltaSeconds,
  planFetch,
  preflightMaxAge,
  type RedirectingRequest,
  type RedirectOutcome,
  type RequestMode,
  type ResponseTainting,
  redirectRewritesToGet,
  serializeOrigin,
  validatePreflightResponse,
  visibleResponseHeaderNames,
} from '../../src/spec/index.js';

type Pair = [string, string];
type Expected = Record<string, unknown>;

interface BaseCase {
  fn: string;
  note: string;
  profile?: BrowserName;
}

interface CorsCheckCase extends BaseCase {
  origin: string;
  credentials: CredentialsMode;
  headers: Pair[];
  expect: string;
  value?: string;
}

interface VisibleCase extends BaseCase {
  credentials: CredentialsMode;
  headers: Pair[];
  expect: string[];
}

interface PlanFetchCase extends BaseCase {
  page: string;
  url: string;
  method: string;
  headers: Pair[];
  mode: RequestMode;
  credentials: CredentialsMode;
  useCorsPreflightFlag?: boolean;
  /** A successful preflight stored before the request: for the request's origin and URL. */
  cache?: { credentials?: CredentialsMode; methods: string[]; headerNames: string[]; maxAge?: number };
  expect: Expected;
}

interface PreflightRequestCase extends BaseCase {
  url: string;
  method: string;
  /** The request's headers as the page set them; the runner derives the CORS-unsafe names. */
  headers: Pair[];
  origin: string;
  expect: { method: string; url: string; headers: Pair[] };
}

interface ValidateCase extends BaseCase {
  ctx: {
    origin: string;
    credentials: CredentialsMode;
    method: string;
    headers: Pair[];
    useCorsPreflightFlag?: boolean;
  };
  response: { status: number; headers: Pair[] };
  expect: Expected;
}

interface MaxAgeCase extends BaseCase {
  headers: Pair[];
  expect: number;
}

interface DeltaSecondsCase extends BaseCase {
  value: string;
  expect: number | null;
}

type KeyPatch = Partial<PreflightCacheKey>;
type CacheOp =
  | {
      store: {
        key?: KeyPatch;
        maxAge: number;
        methods: string[];
        headerNames: string[];
        now: number;
      };
    }
  | { methodMatch: { key?: KeyPatch; method: string; now: number }; expect: boolean }
  | { headerNameMatch: { key?: KeyPatch; name: string; now: number }; expect: boolean }
  | { clear: { key?: KeyPatch } }
  | { size: { now: number }; expect: number }
  | {
      fill: {
        count: number;
        urlPrefix: string;
        key?: KeyPatch;
        maxAge?: number;
        methods?: string[];
        headerNames?: string[];
        now?: number;
      };
    };

interface CacheCase extends BaseCase {
  key: PreflightCacheKey;
  ops: CacheOp[];
}

interface RedirectCase extends BaseCase {
  request: {
    origin: string;
    currentUrl: string;
    mode?: RequestMode;
    method?: string;
    headers?: Pair[];
    hasBody?: boolean;
    responseTainting?: ResponseTainting;
    taintedOrigin?: boolean;
    redirectCount?: number;
  };
  status?: number;
  location?: string;
  hops?: { status: number; location: string }[];
  expect: Expected;
}

interface LocationCase extends BaseCase {
  status: number;
  headers: Pair[];
  url: string;
  expect: string | null;
}

interface RewriteCase extends BaseCase {
  status: number;
  method: string;
  expect: boolean;
}

interface MessageCase extends BaseCase {
  browser: BrowserName;
  error: CorsError;
  ctx: CorsMessageContext;
  expect: string;
}

const FILES = ['check', 'preflight', 'cache', 'redirect', 'errors'] as const;

function readVectorFile(name: string): string {
  return readFileSync(new URL(`../vectors/${name}.json`, import.meta.url), 'utf8');
}

function loadCases(name: string): BaseCase[] {
  return JSON.parse(readVectorFile(name)) as BaseCase[];
}

/** `null` is a fresh opaque origin; anything else is a URL whose origin is taken. */
function originFrom(serialized: string): Origin {
  if (serialized === 'null') return createOpaqueOrigin();
  const origin = originOfUrl(serialized);
  if (origin === null) throw new Error(`vector origin is not a URL: ${serialized}`);
  return origin;
}

/** The fields of `actual` that `expected` names, so a case states only what it checks. */
function pick(actual: object, expected: Expected): Expected {
  const out: Expected = {};
  for (const k of Object.keys(expected)) out[k] = (actual as Record<string, unknown>)[k];
  return out;
}

function runCorsCheck(c: CorsCheckCase): void {
  const r = corsCheck(c.origin, c.credentials, c.headers);
  const actual = r.ok ? { result: 'pass' } : { result: r.error.code, value: r.error.value };
  const expected: Expected = { result: c.expect };
  if (c.value !== undefined) expected.value = c.value;
  expect(pick(actual, expected)).toEqual(expected);
}

function runVisible(c: VisibleCase): void {
  expect(visibleResponseHeaderNames(c.headers, c.credentials)).toEqual(c.expect);
}

function runPlanFetch(c: PlanFetchCase): void {
  const profile = browserProfile(c.profile ?? 'spec');
  const origin = originFrom(c.page);
  let lookup: ReturnType<CorsPreflightCache['lookup']> | undefined;
  if (c.cache !== undefined) {
    const cache = new CorsPreflightCache(profile);
    const key = { origin: serializeOrigin(origin), url: c.url };
    cache.store(
      { ...key, credentials: c.cache.credentials ?? c.credentials },
      c.cache.maxAge ?? 60,
      c.cache.methods,
      c.cache.headerNames,
      0,
    );
    lookup = cache.lookup({ ...key, credentials: c.credentials }, 1000);
  }
  const plan = planFetch(
    {
      origin,
      url: c.url,
      method: c.method,
      headers: c.headers,
      mode: c.mode,
      credentials: c.credentials,
      useCorsPreflightFlag: c.useCorsPreflightFlag ?? false,
    },
    profile,
    lookup,
  );
  expect(pick(plan, c.expect)).toEqual(c.expect);
}

function runPreflightRequest(c: PreflightRequestCase): void {
  const profile = browserProfile(c.profile ?? 'spec');
  const names = corsUnsafeRequestHeaderNames(authorRequestHeaders(c.headers, 'cors'), profile);
  expect(corsPreflightRequest(c.url, c.method, names, c.origin)).toEqual(c.expect);
}

function runValidate(c: ValidateCase): void {
  const r = validatePreflightResponse(
    {
      serializedOrigin: c.ctx.origin,
      credentials: c.ctx.credentials,
      method: c.ctx.method,
      headers: c.ctx.headers,
      useCorsPreflightFlag: c.ctx.useCorsPreflightFlag ?? false,
    },
    c.response,
    browserProfile(c.profile ?? 'spec'),
  );
  const actual = r.ok
    ? r
    : {
        ok: false,
        error: r.error.code,
        method: r.error.method,
        header: r.error.header,
        value: r.error.value,
      };
  expect(pick(actual, c.expect)).toEqual(c.expect);
}

function runCache(c: CacheCase): void {
  const cache = new CorsPreflightCache(browserProfile(c.profile ?? 'spec'));
  const key = (patch?: KeyPatch): PreflightCacheKey => ({ ...c.key, ...patch });
  c.ops.forEach((op, i) => {
    const where = `op ${i}: ${JSON.stringify(op)}`;
    if ('store' in op) {
      const s = op.store;
      cache.store(key(s.key), s.maxAge, s.methods, s.headerNames, s.now);
    } else if ('methodMatch' in op) {
      const m = op.methodMatch;
      expect(cache.methodMatch(key(m.key), m.method, m.now), where).toBe(op.expect);
    } else if ('headerNameMatch' in op) {
      const h = op.headerNameMatch;
      expect(cache.headerNameMatch(key(h.key), h.name, h.now), where).toBe(op.expect);
    } else if ('clear' in op) {
      cache.clear(key(op.clear.key));
    } else if ('size' in op) {
      expect(cache.size(op.size.now), where).toBe(op.expect);
    } else {
      const f = op.fill;
      for (let n = 0; n < f.count; n++) {
        cache.store(
          key({ ...f.key, url: `${f.urlPrefix}${n}` }),
          f.maxAge ?? 60,
          f.methods ?? [],
          f.headerNames ?? [],
          f.now ?? 0,
        );
      }
    }
  });
}

/**
 * Main fetch, between hops: a request that was same-origin keeps "basic" tainting only while its
 * current URL stays same origin with its origin; otherwise `cors` mode gives "cors" and `no-cors`
 * gives "opaque" (Fetch §4.1 main fetch, step 12).
 */
function afterHop(request: RedirectingRequest): RedirectingRequest {
  const current = originOfUrl(request.currentUrl);
  const stillBasic =
    request.responseTainting === 'basic' && current !== null && isSameOrigin(request.origin, current);
  if (stillBasic) return request;
  const responseTainting: ResponseTainting = request.mode === 'no-cors' ? 'opaque' : 'cors';
  return { ...request, responseTainting };
}

function summarizeRedirect(outcome: RedirectOutcome): Expected {
  if (outcome.ok) {
    const r = outcome.request;
    return {
      ok: true,
      currentUrl: r.currentUrl,
      method: r.method,
      headers: r.headers,
      hasBody: r.hasBody,
      taintedOrigin: r.taintedOrigin,
      redirectCount: r.redirectCount,
      responseTainting: r.responseTainting,
      removedHeaders: outcome.removedHeaders,
      rewrittenToGet: outcome.rewrittenToGet,
    };
  }
  if (outcome.kind === 'cors') {
    return { ok: false, kind: 'cors', error: outcome.error.code, location: outcome.error.location };
  }
  return { ok: false, kind: 'network', reason: outcome.reason };
}

function runRedirect(c: RedirectCase): void {
  const q = c.request;
  let request: RedirectingRequest = {
    origin: originFrom(q.origin),
    currentUrl: q.currentUrl,
    mode: q.mode ?? 'cors',
    method: q.method ?? 'GET',
    headers: q.headers ?? [],
    hasBody: q.hasBody ?? false,
    responseTainting: q.responseTainting ?? 'cors',
    taintedOrigin: q.taintedOrigin ?? false,
    redirectCount: q.redirectCount ?? 0,
  };
  const hops = c.hops ?? [{ status: c.status ?? 0, location: c.location ?? '' }];
  let outcome: RedirectOutcome | undefined;
  for (const hop of hops) {
    const location = locationUrl(hop.status, [['Location', hop.location]], request.currentUrl);
    if (!(location instanceof URL)) throw new Error(`hop Location did not give a URL: ${String(location)}`);
    outcome = httpRedirectFetch(request, hop.status, location);
    if (!outcome.ok) break;
    request = afterHop(outcome.request);
  }
  if (outcome === undefined) throw new Error('no hop');
  expect(pick(summarizeRedirect(outcome), c.expect)).toEqual(c.expect);
}

function runLocation(c: LocationCase): void {
  const r = locationUrl(c.status, c.headers, c.url);
  expect(r instanceof URL ? r.href : r).toBe(c.expect);
}

/** One runner per `fn`; each calls the real function and compares with the case's `expect`. */
const RUNNERS: Readonly<Record<string, (c: BaseCase) => void>> = {
  corsCheck: (c) => runCorsCheck(c as CorsCheckCase),
  visibleResponseHeaderNames: (c) => runVisible(c as VisibleCase),
  planFetch: (c) => runPlanFetch(c as PlanFetchCase),
  corsPreflightRequest: (c) => runPreflightRequest(c as PreflightRequestCase),
  validatePreflightResponse: (c) => runValidate(c as ValidateCase),
  preflightMaxAge: (c) => {
    const m = c as MaxAgeCase;
    expect(preflightMaxAge(m.headers, browserProfile(m.profile ?? 'spec'))).toBe(m.expect);
  },
  parseDeltaSeconds: (c) => {
    const d = c as DeltaSecondsCase;
    expect(parseDeltaSeconds(d.value)).toBe(d.expect);
  },
  cache: (c) => runCache(c as CacheCase),
  httpRedirectFetch: (c) => runRedirect(c as RedirectCase),
  locationUrl: (c) => runLocation(c as LocationCase),
  redirectRewritesToGet: (c) => {
    const w = c as RewriteCase;
    expect(redirectRewritesToGet(w.status, w.method)).toBe(w.expect);
  },
  consoleMessage: (c) => {
    const m = c as MessageCase;
    expect(consoleMessage(m.browser, m.error, m.ctx)).toBe(m.expect);
  },
};

function runCase(c: BaseCase): void {
  const run = Object.hasOwn(RUNNERS, c.fn) ? RUNNERS[c.fn] : undefined;
  if (run === undefined) throw new Error(`unknown vector fn: ${c.fn}`);
  run(c);
}

describe.each(FILES)('vectors/%s.json', (name) => {
  test('is a JSON array with one case per line, each with fn and note', () => {
    const lines = readVectorFile(name).trimEnd().split('\n');
    expect(lines[0]).toBe('[');
    expect(lines.at(-1)).toBe(']');
    const body = lines.slice(1, -1);
    expect(body.length).toBeGreaterThan(0);
    body.forEach((line, i) => {
      const last = i === body.length - 1;
      expect(line.endsWith(','), `line ${i + 2}`).toBe(!last);
      const c = JSON.parse(last ? line : line.slice(0, -1)) as Partial<BaseCase>;
      expect(typeof c.fn, `line ${i + 2}`).toBe('string');
      expect(typeof c.note === 'string' && c.note.length > 0, `line ${i + 2}`).toBe(true);
    });
  });

  const named = loadCases(name).map(
    (c, i) => [`#${i + 1} ${c.fn}${c.profile ? ` [${c.profile}]` : ''}: ${c.note}`, c] as const,
  );
  test.each(named)('%s', (_title, c) => {
    runCase(c);
  });
});
