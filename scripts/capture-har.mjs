// Captures the HAR fixtures of `corskit explain` from a real headless Chromium (developer tool).
//
//   node scripts/capture-har.mjs [--out test/fixtures/har]
//
// Playwright's recordHar drops preflights and the headers of failed requests, so this script builds the
// HAR the way Chrome DevTools' "Export HAR" does: from the CDP Network events of the page, with the
// headers actually sent (requestWillBeSentExtraInfo), the raw response headers and status
// (responseReceivedExtraInfo), preflights as entries of their own (`_resourceType: "preflight"`),
// redirect hops as separate entries, and `response._error` on failures. One extension: a failed entry
// carries Chromium's CDP `corsErrorStatus` as `_corsError`, so tests can compare corskit with Chromium.
//
// It serves a page on one loopback origin and an API with good and broken CORS routes on another (plus a
// third origin for redirects), runs one fetch per route from the page, and writes:
//   chromium-cors.har           every route, default cache settings
//   chromium-disable-cache.har  a few routes with DevTools' "Disable cache" on (Cache-Control/Pragma added)
// Ports are fixed so the fixtures are stable; set CORSKIT_HAR_PORT to move them (base, base+1, ...).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CORSKIT_CHROMIUM ?? '/usr/bin/chromium';
const BASE = Number(process.env.CORSKIT_HAR_PORT ?? 47801);
const PAGE = `http://127.0.0.1:${BASE}`;
const API = `http://127.0.0.1:${BASE + 1}`;
const OTHER = `http://localhost:${BASE + 2}`;
/** Nothing listens here: a request to it fails below HTTP. */
const CLOSED = `http://127.0.0.1:${BASE + 8}`;
const outArg = process.argv.indexOf('--out');
const OUT = resolve(outArg !== -1 ? process.argv[outArg + 1] : 'test/fixtures/har');

const json = { 'Content-Type': 'application/json' };

/**
 * The API's routes. `fetch` is what the page passes to fetch(); `preflight` answers OPTIONS (null: no
 * OPTIONS route, a plain 404); `actual` answers the request. `o` is the request's Origin header.
 */
const ROUTES = [
  {
    id: 'allowed-get',
    fetch: {},
    preflight: null,
    actual: () => ({ status: 200, headers: { 'Access-Control-Allow-Origin': PAGE, Vary: 'Origin' } }),
  },
  {
    id: 'allowed-put',
    fetch: {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'X-Trace': 'abc' },
      body: '{"name":"a"}',
      credentials: 'include',
    },
    preflight: () => ({
      status: 204,
      headers: {
        'Access-Control-Allow-Origin': PAGE,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'PUT',
        'Access-Control-Allow-Headers': 'Content-Type, X-Trace',
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      },
    }),
    actual: () => ({
      status: 200,
      headers: {
        'Access-Control-Allow-Origin': PAGE,
        'Access-Control-Allow-Credentials': 'true',
        Vary: 'Origin',
      },
    }),
    // Fetched twice: the second time Chromium's preflight cache answers (Max-Age 600), so no preflight.
    times: 2,
  },
  { id: 'no-acao', fetch: {}, preflight: null, actual: () => ({ status: 200, headers: {} }) },
  {
    id: 'wrong-origin',
    fetch: {},
    preflight: null,
    actual: () => ({ status: 200, headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' } }),
  },
  {
    id: 'wildcard-credentials',
    fetch: { credentials: 'include' },
    preflight: null,
    actual: () => ({
      status: 200,
      headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Credentials': 'true' },
    }),
  },
  {
    id: 'header-not-allowed',
    fetch: {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Api-Key': 'k-123' },
      body: '{}',
    },
    preflight: () => ({
      status: 204,
      headers: {
        'Access-Control-Allow-Origin': PAGE,
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': 'Content-Type',
      },
    }),
    actual: () => ({ status: 200, headers: { 'Access-Control-Allow-Origin': PAGE } }),
  },
  {
    // A global middleware adds Allow-Origin, but the router has no OPTIONS route.
    id: 'preflight-404',
    fetch: { method: 'DELETE' },
    preflight: () => ({ status: 404, headers: { 'Access-Control-Allow-Origin': PAGE } }),
    actual: () => ({ status: 204, headers: { 'Access-Control-Allow-Origin': PAGE } }),
  },
  {
    id: 'method-not-allowed',
    fetch: { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: '{}' },
    preflight: () => ({
      status: 204,
      headers: {
        'Access-Control-Allow-Origin': PAGE,
        'Access-Control-Allow-Methods': 'GET, POST, PUT',
        'Access-Control-Allow-Headers': 'Content-Type',
      },
    }),
    actual: () => ({ status: 200, headers: { 'Access-Control-Allow-Origin': PAGE } }),
  },
  {
    id: 'reflect-no-vary',
    fetch: { credentials: 'include' },
    preflight: null,
    actual: (o) => ({
      status: 200,
      headers: { 'Access-Control-Allow-Origin': o ?? '', 'Access-Control-Allow-Credentials': 'true' },
    }),
  },
  {
    id: 'redirect-other-origin',
    fetch: {},
    preflight: null,
    actual: () => ({
      status: 302,
      headers: {
        Location: `${OTHER}/api/redirect-target`,
        'Access-Control-Allow-Origin': PAGE,
        Vary: 'Origin',
      },
    }),
  },
  {
    id: 'redirect-tainted',
    fetch: {},
    preflight: null,
    actual: () => ({
      status: 302,
      headers: { Location: `${OTHER}/api/redirect-target-named`, 'Access-Control-Allow-Origin': PAGE },
    }),
  },
];

/** The third origin: one target that allows any origin, one that names the page (the taint makes it `null`). */
const OTHER_ROUTES = {
  '/api/redirect-target': { status: 200, headers: { 'Access-Control-Allow-Origin': '*' } },
  '/api/redirect-target-named': { status: 200, headers: { 'Access-Control-Allow-Origin': PAGE } },
};

/** The fetches of each capture, in order. */
function fetchList(routeIds, extra) {
  const list = [];
  for (const id of routeIds) {
    const r = ROUTES.find((x) => x.id === id);
    for (let i = 0; i < (r.times ?? 1); i++) list.push({ url: `${API}/api/${r.id}`, init: r.fetch });
  }
  return [...list, ...extra];
}

const CAPTURES = [
  {
    file: 'chromium-cors.har',
    cacheDisabled: false,
    fetches: fetchList(
      ROUTES.map((r) => r.id),
      [
        // Not cross-origin: explain must skip it.
        { url: `${PAGE}/api/same-origin`, init: {} },
        // Fails below HTTP: the HAR holds no response at all.
        { url: `${CLOSED}/api/down`, init: {} },
      ],
    ),
  },
  {
    file: 'chromium-disable-cache.har',
    cacheDisabled: true,
    fetches: fetchList(['allowed-put', 'no-acao', 'header-not-allowed'], []),
  },
];

function answer(res, a, body = '{"ok":true}') {
  res.writeHead(a.status, { ...(a.status === 204 || a.status === 302 ? {} : json), ...a.headers });
  res.end(a.status === 204 || a.status === 302 ? undefined : body);
}

function apiHandler(req, res) {
  const path = new URL(req.url, API).pathname;
  const route = ROUTES.find((r) => path === `/api/${r.id}`);
  if (route === undefined) return answer(res, { status: 404, headers: {} }, '{"error":"not found"}');
  if (req.method === 'OPTIONS') {
    return route.preflight === null
      ? answer(res, { status: 404, headers: {} })
      : answer(res, route.preflight());
  }
  return answer(res, route.actual(req.headers.origin));
}

function otherHandler(req, res) {
  const a = OTHER_ROUTES[new URL(req.url, OTHER).pathname] ?? { status: 404, headers: {} };
  answer(res, a);
}

function pageHandler(fetches) {
  const script = `
const FETCHES = ${JSON.stringify(fetches)};
window.results = [];
(async () => {
  for (const f of FETCHES) {
    try {
      const r = await fetch(f.url, f.init);
      await r.text();
      window.results.push({ url: f.url, status: r.status });
    } catch (e) {
      window.results.push({ url: f.url, error: String(e) });
    }
  }
  window.done = true;
})();`;
  return (req, res) => {
    const path = new URL(req.url, PAGE).pathname;
    if (path === '/favicon.ico') return answer(res, { status: 204, headers: {} });
    if (path === '/api/same-origin') return answer(res, { status: 200, headers: {} });
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>corskit HAR capture</title><script>${script}</script>`);
  };
}

function listen(handler, port, host) {
  return new Promise((ok, fail) => {
    const server = createServer(handler);
    server.once('error', fail);
    server.listen(port, host, () => ok(server));
  });
}

function assertClosed(url) {
  const { hostname, port } = new URL(url);
  return new Promise((ok, fail) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      fail(new Error(`${url} should have nothing listening: pick other ports with CORSKIT_HAR_PORT`));
    });
    socket.once('error', () => ok());
  });
}

async function launch(userDataDir) {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Playwright's defaults disable AvoidCorsURLLoaderRestartOnRedirect: list every switch ourselves.
    ignoreDefaultArgs: true,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${userDataDir}`,
      '--remote-debugging-pipe',
      '--no-startup-window',
    ],
    timeout: 60_000,
  });
}

const EVENTS = [
  'requestWillBeSent',
  'requestWillBeSentExtraInfo',
  'responseReceived',
  'responseReceivedExtraInfo',
  'loadingFinished',
  'loadingFailed',
];

/** Runs one capture: a fresh context, the page, its fetches; returns the CDP events and what script saw. */
async function capture(browser, c) {
  const context = await browser.newContext();
  // A session cookie for the API's site, so credentialed requests carry Cookie (same site, other port).
  await context.addCookies([{ name: 'session', value: 'abc123', domain: '127.0.0.1', path: '/' }]);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const events = [];
  for (const name of EVENTS) cdp.on(`Network.${name}`, (params) => events.push({ name, params }));
  await cdp.send('Network.enable');
  if (c.cacheDisabled) await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  pageFetches.current = c.fetches;
  await page.goto(`${PAGE}/`);
  await page.waitForFunction(() => window.done === true, undefined, { timeout: 30_000 });
  const results = await page.evaluate(() => window.results);
  // Failure events can arrive after fetch() has rejected.
  await new Promise((r) => setTimeout(r, 300));
  await context.close();
  return { events, results };
}

const pageFetches = { current: [] };

// ---- DevTools-style HAR from CDP events ----

/** CDP joins repeated headers with "\n"; DevTools splits them into one HAR header each. */
function headerArray(map) {
  const out = [];
  for (const [name, value] of Object.entries(map ?? {}))
    for (const v of String(value).split('\n')) out.push({ name, value: v });
  return out;
}

function headerValue(map, name) {
  for (const [n, v] of Object.entries(map ?? {})) if (n.toLowerCase() === name) return String(v);
  return undefined;
}

function statusTextOf(headersText) {
  if (typeof headersText !== 'string') return '';
  return headersText.split('\r')[0].split(' ').slice(2).join(' ');
}

/** Groups events by request id into hops (one per requestWillBeSent: redirects reuse the id). */
function collectHops(events) {
  const byId = new Map();
  const get = (id) => {
    let r = byId.get(id);
    if (r === undefined) {
      r = { hops: [], reqExtra: [], respExtra: [], response: null, end: null };
      byId.set(id, r);
    }
    return r;
  };
  for (const { name, params } of events) {
    const r = get(params.requestId);
    if (name === 'requestWillBeSent') {
      const prev = r.hops.at(-1);
      if (params.redirectResponse !== undefined && prev !== undefined) {
        prev.redirectResponse = params.redirectResponse;
        prev.endTime = params.timestamp;
      }
      r.hops.push({ sent: params });
    } else if (name === 'requestWillBeSentExtraInfo') r.reqExtra.push(params);
    else if (name === 'responseReceivedExtraInfo') r.respExtra.push(params);
    else if (name === 'responseReceived') r.response = params;
    else r.end = { name, params };
  }
  const hops = [];
  for (const r of byId.values()) {
    r.hops.forEach((hop, i) => {
      const last = i === r.hops.length - 1;
      hops.push({
        ...hop,
        reqExtra: r.reqExtra[i],
        respExtra: r.respExtra[i],
        response: last ? r.response?.response : hop.redirectResponse,
        resourceType: last ? r.response?.type : undefined,
        end: last ? r.end : null,
        endTime: last ? r.end?.params.timestamp : hop.endTime,
      });
    });
  }
  return hops.sort((a, b) => a.sent.timestamp - b.sent.timestamp);
}

function cookieList(extra) {
  return (extra?.associatedCookies ?? [])
    .filter((c) => c.blockedReasons.length === 0)
    .map(({ cookie: c }) => ({
      name: c.name,
      value: c.value,
      path: c.path,
      domain: c.domain,
      expires: c.session ? null : new Date(c.expires * 1000).toISOString(),
      httpOnly: c.httpOnly,
      secure: c.secure,
      ...(c.sameSite ? { sameSite: c.sameSite } : {}),
    }));
}

function resourceType(hop) {
  if (hop.sent.initiator?.type === 'preflight') return 'preflight';
  return (hop.resourceType ?? hop.sent.type ?? 'other').toLowerCase();
}

function initiatorOf(sent) {
  const i = sent.initiator ?? { type: 'other' };
  return {
    type: i.type,
    ...(i.url !== undefined ? { url: i.url } : {}),
    ...(i.lineNumber !== undefined ? { lineNumber: i.lineNumber } : {}),
    ...(i.stack !== undefined ? { stack: i.stack } : {}),
  };
}

function harRequest(hop) {
  const r = hop.sent.request;
  const url = r.url.split('#')[0];
  const body =
    typeof r.postData === 'string'
      ? r.postData
      : (r.postDataEntries ?? []).map((e) => atob(e.bytes ?? '')).join('');
  return {
    method: r.method,
    url,
    httpVersion: hop.response?.protocol === 'h2' ? 'http/2.0' : 'HTTP/1.1',
    // The headers actually sent when the request reached the network; the page-level ones otherwise.
    headers: headerArray(hop.reqExtra?.headers ?? r.headers),
    queryString: [...new URL(url).searchParams].map(([name, value]) => ({ name, value })),
    cookies: cookieList(hop.reqExtra),
    headersSize: -1,
    bodySize: body.length,
    ...(body.length > 0
      ? { postData: { mimeType: headerValue(r.headers, 'content-type') ?? '', text: body } }
      : {}),
  };
}

function harResponse(hop) {
  const extra = hop.respExtra;
  const res = hop.response;
  const status = extra?.statusCode ?? res?.status ?? 0;
  const headers = extra?.headers ?? res?.headers ?? {};
  const failure = hop.end?.name === 'loadingFailed' ? hop.end.params : null;
  return {
    status,
    statusText: res?.statusText ?? statusTextOf(extra?.headersText),
    httpVersion: status === 0 ? '' : 'HTTP/1.1',
    headers: headerArray(status === 0 ? {} : headers),
    cookies: [],
    content: { size: 0, mimeType: res?.mimeType ?? 'x-unknown' },
    redirectURL: headerValue(headers, 'location') ?? '',
    headersSize: -1,
    bodySize: -1,
    _transferSize: hop.end?.name === 'loadingFinished' ? hop.end.params.encodedDataLength : 0,
    _error: failure?.errorText ?? null,
  };
}

function harEntry(hop, pageref) {
  const ms = (t) =>
    t === undefined ? 0 : Math.max(0, Math.round((t - hop.sent.timestamp) * 1000 * 1000) / 1000);
  const time = ms(hop.endTime);
  const failure = hop.end?.name === 'loadingFailed' ? hop.end.params : null;
  return {
    _initiator: initiatorOf(hop.sent),
    _priority: hop.sent.request.initialPriority ?? null,
    _resourceType: resourceType(hop),
    ...(failure?.corsErrorStatus ? { _corsError: failure.corsErrorStatus } : {}),
    cache: {},
    ...(hop.response?.connectionId !== undefined ? { connection: String(hop.response.connectionId) } : {}),
    pageref,
    request: harRequest(hop),
    response: harResponse(hop),
    serverIPAddress: (hop.response?.remoteIPAddress ?? '').replace(/^\[|\]$/g, ''),
    startedDateTime: new Date(hop.sent.wallTime * 1000).toISOString(),
    time,
    timings: {
      blocked: -1,
      dns: -1,
      ssl: -1,
      connect: -1,
      send: 0,
      wait: time,
      receive: 0,
      _blocked_queueing: -1,
    },
  };
}

function buildHar(events, version) {
  const hops = collectHops(events);
  const doc = hops.find((h) => h.sent.type === 'Document');
  const pageref = 'page_1';
  return {
    log: {
      version: '1.2',
      creator: {
        name: 'corskit scripts/capture-har.mjs',
        version: '1',
        comment:
          'DevTools-style HAR built from the CDP Network events of headless Chromium; _corsError is CDP corsErrorStatus',
      },
      browser: { name: 'Chromium', version },
      pages: [
        {
          startedDateTime: new Date((doc?.sent.wallTime ?? Date.now() / 1000) * 1000).toISOString(),
          id: pageref,
          title: `${PAGE}/`,
          pageTimings: { onContentLoad: -1, onLoad: -1 },
        },
      ],
      entries: hops.map((h) => harEntry(h, pageref)),
    },
  };
}

/** Refuses to write a fixture that names this machine's directories. */
function assertNoMachinePaths(text, file) {
  const suspects = [process.cwd(), tmpdir(), process.env.HOME, '/home/', '/root/', '/tmp/', 'file://'].filter(
    (s) => typeof s === 'string' && s.length > 1,
  );
  for (const s of suspects)
    if (text.includes(s)) throw new Error(`${file} would contain the machine path "${s}"`);
}

async function main() {
  await assertClosed(CLOSED);
  const servers = [
    await listen((req, res) => pageHandler(pageFetches.current)(req, res), BASE, '127.0.0.1'),
    await listen(apiHandler, BASE + 1, '127.0.0.1'),
    await listen(otherHandler, BASE + 2, '127.0.0.1'),
  ];
  // Chromium may try ::1 first for localhost.
  await listen(otherHandler, BASE + 2, '::1')
    .then((s) => servers.push(s))
    .catch(() => undefined);
  const userDataDir = mkdtempSync(join(tmpdir(), 'corskit-har-'));
  const browser = await launch(userDataDir);
  try {
    mkdirSync(OUT, { recursive: true });
    for (const c of CAPTURES) {
      const { events, results } = await capture(browser, c);
      const har = buildHar(events, browser.version());
      const text = `${JSON.stringify(har, null, 2)}\n`;
      assertNoMachinePaths(text, c.file);
      writeFileSync(join(OUT, c.file), text);
      console.log(`${c.file}: ${har.log.entries.length} entries`);
      for (const r of results) console.log(`  ${r.url} -> ${r.error ?? r.status}`);
    }
  } finally {
    await browser.close();
    for (const s of servers) s.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

await main();
