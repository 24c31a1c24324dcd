// The cases of "Advice a user can paste": each prints its fix (or the page's advice) and proves it.
// check runs against loopback servers that count what reaches them, so "nothing sent" is observed.
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckReport, runCheck } from '../../src/doctor/check.js';
import { checkJson, renderCheck } from '../../src/doctor/report.js';
import { makeStyle } from '../../src/doctor/style.js';
import { exchangeOf, expectProven } from './proven.js';
import { type Served, serve } from './servers.js';

const PAGE = 'http://localhost:5173';
const plain = makeStyle({ isTTY: false }, {});
const text = (r: CheckReport) => renderCheck(r, { style: plain });

let api: Served;
let other: Served;
/** Every request that reached the API: method, path, Origin, Cookie. */
const seen: { method: string; path: string; origin?: string; cookie?: string }[] = [];
const record = (req: IncomingMessage) =>
  seen.push({
    method: req.method ?? '',
    path: (req.url ?? '').split('?')[0] as string,
    ...(req.headers.origin !== undefined ? { origin: req.headers.origin } : {}),
    ...(req.headers.cookie !== undefined ? { cookie: req.headers.cookie } : {}),
  });

beforeAll(async () => {
  // The redirect target: another origin that names the page, as the first server does.
  other = await serve({
    '/target': (req, res) => {
      record(req);
      res.writeHead(200, { 'Access-Control-Allow-Origin': PAGE, Vary: 'Origin' }).end();
    },
  });
  api = await serve({
    '/redirect': (req, res) => {
      record(req);
      res.writeHead(302, { Location: `${other.base}/target`, 'Access-Control-Allow-Origin': PAGE }).end();
    },
    '/items': (req, res) => {
      record(req);
      const preflight = req.method === 'OPTIONS';
      // Allows GET and PUT with Content-Type, for the page, with credentials.
      res
        .writeHead(preflight ? 204 : 200, {
          'Access-Control-Allow-Origin': PAGE,
          'Access-Control-Allow-Credentials': 'true',
          Vary: 'Origin',
          ...(preflight
            ? { 'Access-Control-Allow-Methods': 'GET, PUT', 'Access-Control-Allow-Headers': 'Content-Type' }
            : {}),
        })
        .end();
    },
    '/none': (req, res) => {
      record(req);
      res.writeHead(req.method === 'OPTIONS' ? 404 : 200).end();
    },
    '/null-ok': (req, res) => {
      record(req);
      res
        .writeHead(
          200,
          req.headers.origin === 'null'
            ? { 'Access-Control-Allow-Origin': 'null', 'Access-Control-Allow-Credentials': 'true' }
            : {},
        )
        .end();
    },
  });
});
afterAll(async () => {
  await api.close();
  await other.close();
});

const sentTo = async (path: string, run: () => Promise<CheckReport>) => {
  seen.length = 0;
  const report = await run();
  return { report, seen: seen.filter((s) => s.path === path) };
};

describe('no safe server change: the page is told what to change', () => {
  it('a cross-origin redirect that makes the origin "null"', async () => {
    const report = await runCheck({ url: `${api.base}/redirect`, origin: PAGE });
    expect(report.verdict).toBe('blocked');
    expect(report.error?.code).toBe('AllowOriginMismatch');
    expect(report.fixes).toBeNull();
    expect(report.pageAdvice.join(' ')).toMatch(/"Origin: null".*call .*\/target directly/);
    expect(report.origins.notes.join(' ')).toMatch(/tainted origin/);
    expect(text(report)).toContain('Fix it in the page, not the server:');
    expect(text(report)).not.toContain('Access-Control-Allow-Origin: http://localhost:5173\n');
  });

  it('CONNECT: a TypeError, nothing sent', async () => {
    const { report, seen } = await sentTo('/none', () =>
      runCheck({ url: `${api.base}/none`, origin: PAGE, method: 'CONNECT' }),
    );
    expect(seen).toEqual([]);
    expect(report.verdict).toBe('type-error');
    expect(report.error?.message).toBe("TypeError: 'CONNECT' HTTP method is unsupported.");
    expect(report.fixes).toBeNull();
    expect(report.pageAdvice.join(' ')).toMatch(/CONNECT is a forbidden method/);
    expect(report.result.events.some((e) => e.step === 'request' || e.step === 'preflight-request')).toBe(
      false,
    );
  });

  it('a header value outside Latin-1: the TypeError fetch() throws, nothing sent', async () => {
    const { report, seen } = await sentTo('/none', () =>
      runCheck({ url: `${api.base}/none`, origin: PAGE, headers: [['X-Name', 'Zoë €']] }),
    );
    expect(seen).toEqual([]);
    expect(report.verdict).toBe('type-error');
    expect(report.error?.message).toContain('String contains non ISO-8859-1 code point.');
    expect(report.pageAdvice.join(' ')).toMatch(/outside Latin-1.*Encode the value/);
  });

  it('credentials in the URL: a TypeError, nothing sent', async () => {
    const url = `${api.base.replace('http://', 'http://user:pw@')}/none`;
    const { report, seen } = await sentTo('/none', () => runCheck({ url, origin: PAGE }));
    expect(seen).toEqual([]);
    expect(report.verdict).toBe('type-error');
    expect(report.error?.message).toContain('includes credentials');
  });

  it('a Cookie header: dropped with a note, as fetch() drops it; the fix never lists it', async () => {
    const { report, seen } = await sentTo('/none', () =>
      runCheck({
        url: `${api.base}/none`,
        origin: PAGE,
        method: 'PUT',
        headers: [
          ['Cookie', 'a=b'],
          ['X-Trace', '1'],
        ],
      }),
    );
    expect(seen.map((s) => s.cookie)).toEqual([undefined]);
    expect(report.notes.join(' ')).toMatch(/Cookie is a forbidden request-header/);
    expect(report.pageAdvice.join(' ')).toMatch(/credentials: 'include'/);
    expectProven(report.fixes, exchangeOf(report));
    expect(JSON.stringify(report.fixes)).not.toMatch(/Cookie/i);
    expect(text(report)).toContain('note: Cookie is a forbidden request-header');
  });

  it('a page with an opaque origin is told to get a real one, never to allow "null"', async () => {
    const report = await runCheck({ url: `${api.base}/none`, origin: 'null' });
    expect(report.verdict).toBe('blocked');
    expect(report.fixes).toBeNull();
    expect(report.pageAdvice.join(' ')).toMatch(/opaque origin/);
  });

  it('an http page with credentials: corskit refuses that origin, so no header fix is offered', async () => {
    const report = await runCheck({
      url: `${api.base}/none`,
      origin: 'http://app.example.com',
      credentials: true,
    });
    expect(report.verdict).toBe('blocked');
    expect(report.fixes).toBeNull();
    expect(report.pageAdvice.join(' ')).toMatch(/plain http with credentials/);
  });
});

describe('the fix widens what the server sends', () => {
  it('asked for Authorization too, it keeps GET, PUT, Content-Type and credentials', async () => {
    const report = await runCheck({
      url: `${api.base}/items`,
      origin: PAGE,
      method: 'PUT',
      headers: [
        ['Content-Type', 'application/json'],
        ['Authorization', 'Bearer t'],
      ],
      credentials: true,
    });
    expect(report.error?.code).toBe('HeaderDisallowedByPreflightResponse');
    expectProven(report.fixes, exchangeOf(report));
    expect(report.fixes.preflight).toEqual([
      ['Access-Control-Allow-Origin', PAGE],
      ['Access-Control-Allow-Credentials', 'true'],
      ['Access-Control-Allow-Methods', 'GET, PUT'],
      ['Access-Control-Allow-Headers', 'Content-Type, Authorization'],
      ['Vary', 'Origin'],
    ]);
    // The JSON PUT that works today still works with the fix.
    const today = await runCheck({
      url: `${api.base}/items`,
      origin: PAGE,
      method: 'PUT',
      headers: [['Content-Type', 'application/json']],
      credentials: true,
    });
    expect(today.verdict).toBe('allowed');
    expectProven(report.fixes, exchangeOf(today));
    const json = checkJson(report) as { fixes: { proven: boolean; koaCors: string } };
    expect(json.fixes.proven).toBe(true);
    expect(json.fixes.koaCors).toContain("allowHeaders: ['Content-Type', 'Authorization']");
  });
});

describe('check as the browser, before and while sending', () => {
  it('says before sending that it sends the real request', async () => {
    const order: string[] = [];
    seen.length = 0;
    await runCheck({
      url: `${api.base}/none`,
      origin: PAGE,
      method: 'DELETE',
      onBeforeSend: (notice) => order.push(`notice (${seen.length} requests so far): ${notice}`),
    });
    expect(order).toEqual([
      `notice (0 requests so far): corskit check sends the real request, as the page would: DELETE ${api.base}/none reaches the server (a DELETE really deletes). Use --preflight-only to send only the preflight.`,
    ]);
  });

  it('--preflight-only sends the preflight and nothing else', async () => {
    const { report, seen } = await sentTo('/items', () =>
      runCheck({ url: `${api.base}/items`, origin: PAGE, method: 'PUT', preflightOnly: true }),
    );
    // The page's preflight, then check's probe (a preflight too, from a made-up origin).
    expect(seen.map((s) => s.method)).toEqual(['OPTIONS', 'OPTIONS']);
    expect(report.verdict).toBe('preflight-only');
    expect(report.result.events.some((e) => e.step === 'request')).toBe(false);
    expect(text(report)).toContain('PREFLIGHT PASSED: the request itself was not sent');
    const simple = await sentTo('/none', () =>
      runCheck({ url: `${api.base}/none`, origin: PAGE, preflightOnly: true }),
    );
    expect(simple.seen).toEqual([]);
    expect(simple.report.verdict).toBe('preflight-only');
    expect(text(simple.report)).toContain('NO PREFLIGHT NEEDED');
  });

  it('--origin null on a server that allows "null" with credentials: allowed, and warned as audit rates it', async () => {
    const report = await runCheck({ url: `${api.base}/null-ok`, origin: 'null', credentials: true });
    expect(report.verdict).toBe('allowed');
    expect(report.warnings.map((w) => w.id)).toContain('null-origin');
    expect(report.origins).toMatchObject({ page: 'null', sameOrigin: false, scheme: { page: null } });
  });
});
