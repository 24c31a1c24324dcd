// `corskit check` against real loopback servers: every error code that HTTP can produce, the JSON
// shape, exit codes through the built CLI, and snapshots of the text output.
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/doctor/check.js';
import { renderCheck } from '../../src/doctor/report.js';
import { makeStyle } from '../../src/doctor/style.js';
import { exchangeOf, expectProven } from './proven.js';

const PAGE = 'http://localhost:5173';
const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../dist/cli/main.js');

type Answer = { status: number; headers: Record<string, string | string[]> };
/** Each route: how it answers the preflight (OPTIONS) and the request. */
const ROUTES: Record<string, { preflight?: Answer; actual?: Answer }> = {};
const allow = (extra: Record<string, string | string[]> = {}) => ({
  'Access-Control-Allow-Origin': PAGE,
  ...extra,
});
const route = (path: string, r: { preflight?: Answer; actual?: Answer }) => {
  ROUTES[path] = r;
};

// Actual-response codes.
route('/missing', { actual: { status: 200, headers: {} } });
route('/wildcard-credentials', { actual: { status: 200, headers: { 'Access-Control-Allow-Origin': '*' } } });
route('/multiple', { actual: { status: 200, headers: { 'Access-Control-Allow-Origin': [PAGE, PAGE] } } });
route('/invalid', { actual: { status: 200, headers: { 'Access-Control-Allow-Origin': '*.example.com' } } });
route('/mismatch', {
  actual: { status: 200, headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' } },
});
route('/credentials', {
  actual: { status: 200, headers: allow({ 'Access-Control-Allow-Credentials': 'True' }) },
});
route('/ok', { actual: { status: 200, headers: allow({ Vary: 'Origin' }) } });
route('/redirect-ftp', { actual: { status: 302, headers: allow({ Location: 'ftp://files.example/x' }) } });
// Preflight codes.
const pf = (preflight: Answer) => ({ preflight, actual: { status: 200, headers: allow() } });
route('/pf-status', pf({ status: 404, headers: allow() }));
route('/pf-redirect', pf({ status: 301, headers: { Location: '/elsewhere' } }));
route(
  '/pf-wildcard',
  pf({ status: 204, headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'PUT' } }),
);
route('/pf-missing', pf({ status: 204, headers: { 'Access-Control-Allow-Methods': 'PUT' } }));
route('/pf-multiple', pf({ status: 204, headers: { 'Access-Control-Allow-Origin': `${PAGE}, ${PAGE}` } }));
route('/pf-invalid', pf({ status: 204, headers: { 'Access-Control-Allow-Origin': 'foo' } }));
route(
  '/pf-mismatch',
  pf({ status: 204, headers: { 'Access-Control-Allow-Origin': 'http://localhost:5174' } }),
);
route('/pf-credentials', pf({ status: 204, headers: allow({ 'Access-Control-Allow-Methods': 'PUT' }) }));
route(
  '/pf-bad-methods',
  pf({ status: 204, headers: allow({ 'Access-Control-Allow-Methods': 'PUT DELETE' }) }),
);
route(
  '/pf-bad-headers',
  pf({
    status: 204,
    headers: allow({ 'Access-Control-Allow-Methods': 'PUT', 'Access-Control-Allow-Headers': 'x-a;x-b' }),
  }),
);
route('/pf-method', pf({ status: 204, headers: allow({ 'Access-Control-Allow-Methods': 'GET, POST' }) }));
route(
  '/pf-header',
  pf({
    status: 204,
    headers: allow({ 'Access-Control-Allow-Methods': 'PUT', 'Access-Control-Allow-Headers': 'content-type' }),
  }),
);
route(
  '/pf-ok',
  pf({
    status: 204,
    headers: allow({
      'Access-Control-Allow-Methods': 'PUT',
      'Access-Control-Allow-Headers': 'x-trace',
      Vary: 'Origin',
    }),
  }),
);
// Redirect with userinfo (the spec profile names it; Chromium fails such URLs without a CORS code).
route('/redirect-userinfo', {
  actual: { status: 302, headers: allow({ Location: 'http://user:pw@127.0.0.2:1/x' }) },
});
route('/reflect', { actual: { status: 200, headers: {} } });
route('/static-page', { actual: { status: 200, headers: allow() } });
route('/allowlist-no-vary', { actual: { status: 200, headers: {} } });
route(
  '/pf-star-auth',
  pf({
    status: 204,
    headers: allow({
      'Access-Control-Allow-Methods': 'PUT',
      'Access-Control-Allow-Headers': '*',
      Vary: 'Origin',
    }),
  }),
);

let server: Server;
let base = '';

function handler(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0] as string;
  if (path === '/reflect') {
    // Echoes any origin, with credentials: the reflect warning must notice.
    res
      .writeHead(200, {
        'Access-Control-Allow-Origin': req.headers.origin ?? '',
        'Access-Control-Allow-Credentials': 'true',
        Vary: 'Origin',
      })
      .end();
    return;
  }
  if (path === '/allowlist-no-vary') {
    res.writeHead(200, req.headers.origin === PAGE ? { 'Access-Control-Allow-Origin': PAGE } : {}).end();
    return;
  }
  const r = ROUTES[path];
  const isPreflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  const answer =
    r === undefined
      ? { status: 404, headers: {} }
      : isPreflight
        ? (r.preflight ?? { status: 404, headers: {} })
        : (r.actual ?? { status: 200, headers: {} });
  res.writeHead(answer.status, answer.headers).end();
}

beforeAll(async () => {
  server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const PUT = { method: 'PUT', headers: [['X-Trace', '1']] as [string, string][] };

describe('every error code HTTP can produce', () => {
  const cases: [
    string,
    string,
    {
      method?: string;
      headers?: [string, string][];
      credentials?: boolean;
      browser?: 'chrome' | 'firefox' | 'safari';
    },
  ][] = [
    ['MissingAllowOriginHeader', '/missing', {}],
    ['WildcardOriginNotAllowed', '/wildcard-credentials', { credentials: true }],
    ['MultipleAllowOriginValues', '/multiple', {}],
    ['InvalidAllowOriginValue', '/invalid', {}],
    ['AllowOriginMismatch', '/mismatch', {}],
    ['InvalidAllowCredentials', '/credentials', { credentials: true }],
    ['CorsDisabledScheme', '/redirect-ftp', {}],
    ['PreflightInvalidStatus', '/pf-status', PUT],
    ['PreflightDisallowedRedirect', '/pf-redirect', PUT],
    ['PreflightWildcardOriginNotAllowed', '/pf-wildcard', { ...PUT, credentials: true }],
    ['PreflightMissingAllowOriginHeader', '/pf-missing', PUT],
    ['PreflightMultipleAllowOriginValues', '/pf-multiple', PUT],
    ['PreflightInvalidAllowOriginValue', '/pf-invalid', PUT],
    ['PreflightAllowOriginMismatch', '/pf-mismatch', PUT],
    ['PreflightInvalidAllowCredentials', '/pf-credentials', { ...PUT, credentials: true }],
    ['InvalidAllowMethodsPreflightResponse', '/pf-bad-methods', PUT],
    ['InvalidAllowHeadersPreflightResponse', '/pf-bad-headers', PUT],
    ['MethodDisallowedByPreflightResponse', '/pf-method', { method: 'DELETE' }],
    ['HeaderDisallowedByPreflightResponse', '/pf-header', PUT],
  ];

  it.each(cases)('%s', async (code, path, opts) => {
    const report = await runCheck({ url: `${base}${path}`, origin: PAGE, ...opts });
    expect(report.verdict).toBe('blocked');
    expect(report.error?.code).toBe(code);
    if (code === 'CorsDisabledScheme') {
      // No header makes a browser follow a redirect to ftp: the advice is about the redirect.
      expect(report.fixes).toBeNull();
      expect(report.pageAdvice.join(' ')).toMatch(/not http\(s\)/);
    } else {
      expectProven(report.fixes, exchangeOf(report));
      expect(report.pageAdvice).toEqual([]);
    }
    // What the user reads: the proven fix, or the page's advice.
    const printed = renderCheck(report, { style: makeStyle({ isTTY: false }, {}) });
    expect(printed).toContain(report.fixes !== null ? 'Fix (proven:' : 'Fix it in the page, not the server:');
  });

  it('RedirectContainsCredentials under the spec rules (Chromium fails such URLs without a CORS code)', async () => {
    const report = await runCheck({ url: `${base}/redirect-userinfo`, origin: PAGE, browser: 'spec' });
    expect(report.error?.code).toBe('RedirectContainsCredentials');
    expect(report.fixes).toBeNull();
    expect(report.pageAdvice.join(' ')).toMatch(/user name or password/);
  });

  it('allowed requests, simple and preflighted, carry no error and no fix', async () => {
    for (const [path, opts] of [
      ['/ok', {}],
      ['/pf-ok', PUT],
    ] as const) {
      const report = await runCheck({ url: `${base}${path}`, origin: PAGE, ...opts });
      expect(report.verdict).toBe('allowed');
      expect(report.error).toBeNull();
      expect(report.fixes).toBeNull();
    }
  });

  it('the same origin is not CORS', async () => {
    const report = await runCheck({ url: `${base}/missing`, origin: base });
    expect(report.verdict).toBe('same-origin');
  });

  it('warns about an origin reflected whatever it is', async () => {
    const report = await runCheck({ url: `${base}/reflect`, origin: PAGE, credentials: true });
    expect(report.verdict).toBe('allowed');
    expect(report.warnings.map((w) => w.id)).toContain('reflect-any-origin');
    // The probe is shown: it is a request corskit sent.
    expect(report.probes).toHaveLength(1);
    expect(renderCheck(report, { style: makeStyle({ isTTY: false }, {}) })).toMatch(
      /corskit's own probe[\s\S]*Origin: https:\/\/corskit-/,
    );
  });

  it('warns when Authorization gets through only by "*", and not when it is listed', async () => {
    const auth = { method: 'PUT', headers: [['Authorization', 'Bearer x']] as [string, string][] };
    const star = await runCheck({ url: `${base}/pf-star-auth`, origin: PAGE, ...auth });
    expect(star.verdict).toBe('allowed');
    expect(star.warnings.map((w) => w.id)).toContain('authorization-via-wildcard');
    const listed = await runCheck({
      url: `${base}/pf-star-auth`,
      origin: PAGE,
      method: 'PUT',
      headers: [['X-Trace', '1']],
    });
    expect(listed.warnings.map((w) => w.id)).not.toContain('authorization-via-wildcard');
  });

  it('warns about a missing Vary: Origin only when the answer depends on Origin (as audit does)', async () => {
    const ids = async (path: string) =>
      (await runCheck({ url: `${base}${path}`, origin: PAGE })).warnings.map((w) => w.id);
    expect(await ids('/ok')).not.toContain('missing-vary-origin');
    // A fixed Access-Control-Allow-Origin needs no Vary, whoever asks.
    expect(await ids('/mismatch')).not.toContain('missing-vary-origin');
    expect(await ids('/static-page')).not.toContain('missing-vary-origin');
    // An allowlist without Vary: the probe's origin gets another answer.
    expect(await ids('/allowlist-no-vary')).toContain('missing-vary-origin');
  });

  it('a refused connection is a network error, not a crash', async () => {
    const report = await runCheck({ url: 'http://127.0.0.1:1/x', origin: PAGE });
    expect(report.verdict).toBe('network-error');
    expect(report.error?.message).toMatch(/refused/);
  });
});

describe('the built CLI', () => {
  const cli = async (args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
        env: { ...process.env, NO_COLOR: '1' },
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('--json gives { verdict, error, events, fixes, warnings } and exit 1 when blocked', async () => {
    const r = await cli(['check', `${base}/pf-method`, '--origin', PAGE, '--method', 'DELETE', '--json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.verdict).toBe('blocked');
    expect(json.error.code).toBe('MethodDisallowedByPreflightResponse');
    expect(json.error.message).toContain(
      'Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response.',
    );
    // The fix keeps GET and POST, which the server allowed, and adds DELETE.
    expect(json.fixes.preflight).toContainEqual(['Access-Control-Allow-Methods', 'GET, POST, DELETE']);
    expect(json.fixes.proven).toBe(true);
    expect(Object.keys(json.origins)).toEqual([
      'page',
      'target',
      'scheme',
      'host',
      'port',
      'sameOrigin',
      'sameSite',
      'schemelesslySameSite',
      'notes',
    ]);
    expect(json.origins.port).toEqual({ page: '5173', target: base.split(':')[2], equal: false });
    expect(json.pageAdvice).toEqual([]);
    // Before sending, check says it sends the real request.
    expect(r.stderr).toMatch(/sends the real request.*DELETE.*deletes/);
    expect(Array.isArray(json.events)).toBe(true);
    expect(Array.isArray(json.warnings)).toBe(true);
  });

  it('exit 0 when allowed, 2 with one line for a bad origin or a refused connection', async () => {
    expect((await cli(['check', `${base}/ok`, '--origin', PAGE])).code).toBe(0);
    const bad = await cli(['check', `${base}/ok`, '--origin', 'localhost:5173']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const refused = await cli(['check', 'http://127.0.0.1:1/x', '--origin', PAGE]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/refused/);
    expect(refused.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('a forbidden method is a TypeError with nothing sent: exit 1, no notice, the advice in the page', async () => {
    const r = await cli(['check', `${base}/ok`, '--origin', PAGE, '--method', 'CONNECT', '--json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.verdict).toBe('type-error');
    expect(json.fixes).toBeNull();
    expect(json.pageAdvice[0]).toMatch(/forbidden method/);
    expect(r.stderr).toBe('');
  });

  it.each([
    ['X-Trace: a…b', 'String contains non ISO-8859-1 code point.'],
    ['X Trace: 1', 'Invalid name'],
  ])('--header %j: the TypeError fetch() throws, exit 1, nothing sent', async (header, words) => {
    const r = await cli(['check', 'http://127.0.0.1:9/', '--origin', PAGE, '--header', header]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('TYPE ERROR: fetch() throws before sending anything; nothing was sent');
    expect(r.stdout).toContain(`TypeError: Failed to execute 'fetch' on 'Window': `);
    expect(r.stdout).toContain(words);
    expect(r.stderr).toBe('');
  });

  it('--preflight-only sends the preflight only, and says so first', async () => {
    const r = await cli([
      'check',
      `${base}/pf-ok`,
      '--origin',
      PAGE,
      '--method',
      'PUT',
      '--header',
      'X-Trace: 1',
      '--preflight-only',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/sends only the preflight \(OPTIONS\)/);
    expect(r.stdout).toContain('PREFLIGHT PASSED');
    expect(r.stdout).not.toMatch(/── PUT /);
  });

  it('--help says CORS is not access control', async () => {
    const r = await cli(['check', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/not access control/);
  });
});

describe('text output (snapshots, no colour)', () => {
  const style = makeStyle({ isTTY: false }, {});
  // The port varies from run to run, and arrows stretch with the URL: both are normalized.
  const normalize = (text: string) =>
    text
      .replaceAll(base, 'http://API')
      .replaceAll(base.slice(7), 'API')
      .replaceAll(` ${base.split(':')[2]} `, ' PORT ')
      .replace(/corskit-[a-z0-9]+\.example/g, 'corskit-RANDOM.example')
      .replace(/─{3,}/g, '───');

  it.each([
    ['a blocked preflight', '/pf-header', PUT],
    ['a simple request without Access-Control-Allow-Origin', '/missing', {}],
    ['an allowed preflighted request', '/pf-ok', PUT],
  ] as const)('%s', async (_name, path, opts) => {
    const report = await runCheck({ url: `${base}${path}`, origin: PAGE, ...opts });
    if (report.fixes !== null) expectProven(report.fixes, exchangeOf(report));
    expect(normalize(renderCheck(report, { style }))).toMatchSnapshot();
  });

  it('uses colour only when asked', () => {
    expect(makeStyle({ isTTY: true }, {}).red('x')).toBe('\x1b[31mx\x1b[39m');
    expect(makeStyle({ isTTY: true }, { NO_COLOR: '1' }).red('x')).toBe('x');
    expect(makeStyle({ isTTY: false }, {}).red('x')).toBe('x');
    expect(makeStyle({ isTTY: false }, { FORCE_COLOR: '1' }).red('x')).toBe('\x1b[31mx\x1b[39m');
  });
});
