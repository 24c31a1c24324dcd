// `corskit explain` on HAR files captured from headless Chromium 156 by scripts/capture-har.mjs: every
// route's exchange is found, judged like Chromium judged it (its CDP corsErrorStatus is in `_corsError`),
// and what a HAR lacks is said, not invented.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { simulate } from '../../src/browser/index.js';
import { addExplainCommand, runExplainCommand } from '../../src/cli/explain-command.js';
import { type ExplainItem, explainHar, explainJson, renderExplain } from '../../src/doctor/explain.js';
import { harExchanges, parseHar, readHar } from '../../src/doctor/har.js';
import { UsageError } from '../../src/doctor/scenarios.js';
import { makeStyle } from '../../src/doctor/style.js';
import { expectProven } from './proven.js';

const FIXTURES = new URL('../fixtures/har/', import.meta.url);
const CORS_HAR = new URL('chromium-cors.har', FIXTURES).pathname;
const NO_CACHE_HAR = new URL('chromium-disable-cache.har', FIXTURES).pathname;
const PAGE = 'http://127.0.0.1:47801';
const API = 'http://127.0.0.1:47802/api';

interface HeaderJson {
  name: string;
  value: string;
}
/** A HAR entry as the tests read and alter it. */
interface EntryJson {
  request: { url: string; headers: HeaderJson[]; cookies: unknown[]; [k: string]: unknown };
  response: { status: unknown; headers: HeaderJson[]; _error?: string | null; [k: string]: unknown };
  _resourceType?: string;
  _corsError?: unknown;
  pageref?: string;
  [k: string]: unknown;
}
interface HarJson {
  log: { entries: EntryJson[]; pages?: unknown[] };
}
const load = (file: string): HarJson => JSON.parse(readFileSync(file, 'utf8'));
const plain = makeStyle({ isTTY: false }, {});
const ESC = String.fromCharCode(27);
const stripAnsi = (s: string): string =>
  s
    .split(ESC)
    .map((part, i) => (i === 0 ? part : part.replace(/^\[[0-9;]*m/, '')))
    .join('');

/** The items for one route of the API, in order. */
const itemsFor = (items: ExplainItem[], route: string): ExplainItem[] =>
  items.filter((i) => i.url === `${API}/${route}`);
const itemFor = (items: ExplainItem[], route: string): ExplainItem => {
  const found = itemsFor(items, route);
  expect(found, route).toHaveLength(1);
  return found[0]!;
};

/** Entries of a HAR whose URL ends with the path, optionally only preflights or only requests. */
const entriesFor = (har: HarJson, path: string, kind?: 'preflight' | 'request') =>
  har.log.entries.filter(
    (e) =>
      (e.request.url as string).endsWith(path) &&
      (kind === undefined || (e._resourceType === 'preflight') === (kind === 'preflight')),
  );
const without = (har: HarJson, drop: (e: EntryJson) => boolean): HarJson => ({
  log: { ...har.log, entries: har.log.entries.filter((e) => !drop(e)) },
});

describe('the captured fixtures', () => {
  it.each([CORS_HAR, NO_CACHE_HAR])(
    '%s holds preflights, failures with _corsError, and no machine paths',
    (file) => {
      const text = readFileSync(file, 'utf8');
      for (const path of ['/tmp/', '/home/', '/root/', '/work/', 'file://', '/usr/'])
        expect(text).not.toContain(path);
      const har = load(file);
      expect(har.log.entries.some((e) => e._resourceType === 'preflight')).toBe(true);
      expect(
        har.log.entries.some((e) => e._corsError !== undefined && e.response._error === 'net::ERR_FAILED'),
      ).toBe(true);
    },
  );
});

describe('explain on chromium-cors.har', () => {
  const report = explainHar(load(CORS_HAR), { file: CORS_HAR });

  it.each([
    ['allowed-get', 'GET', 'allowed', null],
    ['no-acao', 'GET', 'blocked', 'MissingAllowOriginHeader'],
    ['wrong-origin', 'GET', 'blocked', 'AllowOriginMismatch'],
    ['wildcard-credentials', 'GET', 'blocked', 'WildcardOriginNotAllowed'],
    ['header-not-allowed', 'POST', 'blocked', 'HeaderDisallowedByPreflightResponse'],
    ['preflight-404', 'DELETE', 'blocked', 'PreflightInvalidStatus'],
    ['method-not-allowed', 'PATCH', 'blocked', 'MethodDisallowedByPreflightResponse'],
    ['reflect-no-vary', 'GET', 'allowed', null],
    ['redirect-other-origin', 'GET', 'allowed', null],
    ['redirect-tainted', 'GET', 'blocked', 'AllowOriginMismatch'],
  ])('%s: %s is %s (%s)', (route, method, verdict, code) => {
    const item = itemFor(report.items, route);
    expect(item.method).toBe(method);
    expect(item.origin).toBe(PAGE);
    expect(item.verdict).toBe(verdict);
    expect(item.error?.code ?? null).toBe(code);
    expect(item.missing).toBeNull();
    if (verdict === 'blocked') expect(item.error?.message).toContain(`from origin '${PAGE}'`);
  });

  it('agrees with the CORS error Chromium recorded, wherever it recorded one', () => {
    const withRecord = report.items.filter((i) => i.recorded.corsError !== null);
    expect(withRecord).toHaveLength(7);
    for (const i of withRecord) {
      expect(i.error?.code, i.url).toBe(i.recorded.corsError);
      expect(i.agrees, i.url).toBe(true);
    }
    for (const i of report.items) expect(i.agrees, i.url).not.toBe(false);
  });

  it('finds every cross-origin request and skips the rest', () => {
    expect(report.items).toHaveLength(13);
    // The document and the favicon are not CORS requests; /api/same-origin is on the page's origin.
    expect(report.skipped).toEqual({ sameOrigin: 1, notCors: 2, unknownOrigin: 0 });
    expect(report.entries).toBe(22);
  });

  it('pairs preflights with their requests, even when Chromium logs the request first', () => {
    const item = itemFor(report.items, 'header-not-allowed');
    expect(item.entries).toHaveLength(2);
    expect(item.events.map((e) => e.step)).toContain('preflight-request');
    expect(item.result.actualSent).toBe(false);
  });

  it("keeps the page's own headers and drops the browser's", () => {
    const headers = itemFor(report.items, 'header-not-allowed').scenario.request.headers as [
      string,
      string,
    ][];
    expect(headers).toEqual([
      ['Content-Type', 'application/json'],
      ['X-Api-Key', 'k-123'],
    ]);
    const put = itemsFor(report.items, 'allowed-put')[0]!.scenario.request.headers as [string, string][];
    expect(put.map(([n]) => n)).toEqual(['Content-Type', 'X-Trace']);
  });

  it('reads credentials from the cookies sent cross-origin', () => {
    expect(itemFor(report.items, 'wildcard-credentials').scenario.request.credentials).toBe('include');
    expect(itemFor(report.items, 'reflect-no-vary').scenario.request.credentials).toBe('include');
    expect(itemFor(report.items, 'no-acao').scenario.request.credentials).toBe('same-origin');
  });

  it('gives the fix for each blocked request', () => {
    const header = itemFor(report.items, 'header-not-allowed').fixes!;
    expect(header.preflight).toContainEqual(['Access-Control-Allow-Headers', 'Content-Type, X-Api-Key']);
    // The server allowed GET, POST, PUT and Content-Type: the fix keeps them and adds PATCH.
    const method = itemFor(report.items, 'method-not-allowed').fixes!;
    expect(method.preflight).toContainEqual(['Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH']);
    expect(method.preflight).toContainEqual(['Access-Control-Allow-Headers', 'Content-Type']);
    for (const i of report.items.filter((x) => x.fixes !== null))
      expectProven(i.fixes, { origin: i.origin, request: i.scenario.request as never, result: i.result });
    const wildcard = itemFor(report.items, 'wildcard-credentials').fixes!;
    expect(wildcard.actual).toContainEqual(['Access-Control-Allow-Origin', PAGE]);
    expect(wildcard.actual).toContainEqual(['Access-Control-Allow-Credentials', 'true']);
    for (const i of report.items.filter((x) => x.verdict === 'allowed')) expect(i.fixes).toBeNull();
  });

  it('warns about risks, in allowed and blocked exchanges alike', () => {
    const ids = (route: string) => itemFor(report.items, route).warnings.map((w) => w.id);
    // One origin cannot show that the answer depends on Origin: like audit, explain needs two.
    expect(ids('reflect-no-vary')).toEqual([]);
    expect(ids('wildcard-credentials')).toContain('wildcard-with-credentials');
    expect(ids('no-acao')).toContain('simple-request-ran');
    expect(ids('allowed-get')).toEqual([]);
  });

  it('follows redirect chains across origins, with the tainted origin', () => {
    const ok = itemFor(report.items, 'redirect-other-origin');
    expect(ok.entries).toHaveLength(2);
    expect(ok.events.find((e) => e.step === 'redirect')).toMatchObject({ tainted: true });
    const tainted = itemFor(report.items, 'redirect-tainted');
    expect(tainted.error?.message).toContain(
      "(redirected from 'http://127.0.0.1:47802/api/redirect-tainted')",
    );
    expect(tainted.fixes).toBeNull();
    expect(tainted.pageAdvice.join(' ')).toContain('"Origin: null"');
  });

  it("uses one preflight cache for the whole HAR, like Chromium's tab", () => {
    const [first, second] = itemsFor(report.items, 'allowed-put');
    const steps = (i: ExplainItem) => i.events.map((e) => e.step);
    expect(steps(first!)).toContain('preflight-request');
    expect(steps(second!)).not.toContain('preflight-request');
    expect(second!.events).toContainEqual(expect.objectContaining({ step: 'cache', hit: true }));
    expect(second!.verdict).toBe('allowed');
  });

  it('says what the HAR lacks for a request that got no response', () => {
    const down = report.items.find((i) => i.url.endsWith('/api/down'))!;
    expect(down.verdict).toBe('network-error');
    expect(down.recorded).toMatchObject({ status: 0, error: 'net::ERR_CONNECTION_REFUSED', corsError: null });
    expect(down.missing).toContain('no response');
    expect(down.agrees).toBeNull();
  });

  it('reconstructs scenarios that `corskit simulate` replays to the same verdict', () => {
    const replayable = report.items.filter(
      (i) => i.missing === null && !i.events.some((e) => e.step === 'cache'),
    );
    expect(replayable.length).toBeGreaterThanOrEqual(11);
    for (const i of replayable) {
      const r = simulate(i.scenario, { browser: 'chrome' });
      expect(r.outcome, i.url).toBe(i.verdict);
      expect(r.error?.code ?? null, i.url).toBe(i.error?.code ?? null);
    }
  });

  it('renders only failed or risky exchanges unless asked for all', () => {
    const text = stripAnsi(renderExplain(report, { style: plain }));
    expect(text).toContain('BLOCKED (MissingAllowOriginHeader)');
    expect(text).toContain('Chromium recorded: CORS error MissingAllowOriginHeader; corskit agrees');
    expect(text).toContain('origins: page http://127.0.0.1:47801, target http://127.0.0.1:47802');
    expect(text).not.toContain(`GET ${API}/allowed-get`);
    expect(text).toContain(
      '13 cross-origin requests in 22 HAR entries: 5 allowed, 7 blocked, 1 network error.',
    );
    const all = stripAnsi(renderExplain(report, { style: plain, all: true }));
    expect(all).toContain(`GET ${API}/allowed-get`);
  });

  it('follows the chosen browser for console messages', () => {
    const firefox = explainHar(load(CORS_HAR), { browser: 'firefox' });
    const item = itemFor(firefox.items, 'no-acao');
    expect(item.error?.code).toBe('MissingAllowOriginHeader');
    expect(item.error?.message).toContain('Cross-Origin Request Blocked');
    expect(item.agrees).toBeNull();
  });
});

describe('explain on chromium-disable-cache.har', () => {
  const report = explainHar(load(NO_CACHE_HAR));

  it("leaves out the headers DevTools' Disable cache adds, and says so", () => {
    const item = itemFor(report.items, 'no-acao');
    expect((item.scenario.request.headers as [string, string][]).map(([n]) => n)).toEqual([]);
    expect(item.notes.join(' ')).toMatch(/Left out Cache-Control, Pragma/);
    expect(item.verdict).toBe('blocked');
  });

  it('sends a preflight each time Chromium did', () => {
    const puts = itemsFor(report.items, 'allowed-put');
    expect(puts).toHaveLength(2);
    for (const p of puts) {
      expect(p.events.map((e) => e.step)).toContain('preflight-request');
      expect(p.verdict).toBe('allowed');
      expect(p.scenario.request.headers).toEqual([
        ['Content-Type', 'application/json'],
        ['X-Trace', 'abc'],
      ]);
    }
    for (const i of report.items) expect(i.agrees, i.url).toBe(true);
  });
});

describe('HARs that lack something', () => {
  const base = load(CORS_HAR);

  it('a blocked request without its response: the verdict is Chromium record, and the gap is named', () => {
    const har = structuredClone(base);
    const entry = entriesFor(har, '/api/no-acao')[0]!;
    entry.response.status = 0;
    entry.response.headers = [];
    const item = itemFor(explainHar(har).items, 'no-acao');
    expect(item.verdict).toBe('blocked');
    expect(item.error?.code).toBe('MissingAllowOriginHeader');
    expect(item.error?.message).toContain("No 'Access-Control-Allow-Origin' header");
    expect(item.missing).toMatch(/no response to GET .*no-acao \(status 0, net::ERR_FAILED\)/);
    expect(item.agrees).toBeNull();
  });

  it('no response and no recorded error: incomplete, never a guess', () => {
    const har = structuredClone(base);
    const entry = entriesFor(har, '/api/no-acao')[0]!;
    entry.response = { ...entry.response, status: -1, headers: [], _error: null };
    delete entry._corsError;
    const item = itemFor(explainHar(har).items, 'no-acao');
    expect(item.verdict).toBe('incomplete');
    expect(item.error).toBeNull();
    expect(item.missing).toContain('no response');
    expect(stripAnsi(renderExplain(explainHar(har), { style: plain }))).toContain('INCOMPLETE');
  });

  it('a preflight whose request was filtered out is still explained from the preflight', () => {
    const har = without(
      base,
      (e) => e._resourceType !== 'preflight' && e.request.url.endsWith('/header-not-allowed'),
    );
    const item = itemFor(explainHar(har).items, 'header-not-allowed');
    expect(item.verdict).toBe('blocked');
    expect(item.error?.code).toBe('HeaderDisallowedByPreflightResponse');
    expect(item.scenario.request.headers).toEqual([
      ['content-type', '(not recorded)'],
      ['x-api-key', '(not recorded)'],
    ]);
    expect(item.notes.join(' ')).toMatch(/not the POST request/);
  });

  it('a request whose preflight is missing', () => {
    const har = without(
      base,
      (e) => e._resourceType === 'preflight' && e.request.url.endsWith('/header-not-allowed'),
    );
    const item = itemFor(explainHar(har).items, 'header-not-allowed');
    expect(item.verdict).toBe('blocked');
    expect(item.error?.code).toBe('HeaderDisallowedByPreflightResponse');
    expect(item.missing).toContain('no preflight');
  });

  it('a recording that began after the preflight was cached', () => {
    const firstPut = entriesFor(base, '/api/allowed-put').slice(0, 2);
    const har = without(base, (e) => firstPut.includes(e));
    const [put] = itemsFor(explainHar(har).items, 'allowed-put');
    expect(put!.verdict).toBe('allowed');
    expect(put!.missing).toBeNull();
    expect(put!.notes.join(' ')).toMatch(/preflight cache/);
  });

  it('a sanitized HAR without cookies: credentials inferred from the error Chromium recorded', () => {
    const har = structuredClone(base);
    const entry = entriesFor(har, '/api/wildcard-credentials')[0]!;
    entry.request.headers = entry.request.headers.filter((h: { name: string }) => h.name !== 'Cookie');
    entry.request.cookies = [];
    const item = itemFor(explainHar(har).items, 'wildcard-credentials');
    expect(item.scenario.request.credentials).toBe('include');
    expect(item.error?.code).toBe('WildcardOriginNotAllowed');
    expect(item.notes.join(' ')).toMatch(/only happens to credentialed requests/);
  });

  it('the page origin from the Referer or the page, or skipped when nothing tells it', () => {
    const strip = (names: string[]) => {
      const har = structuredClone(base);
      const entry = entriesFor(har, '/api/allowed-get')[0]!;
      entry.request.headers = entry.request.headers.filter((h: { name: string }) => !names.includes(h.name));
      return { har, entry };
    };
    expect(itemFor(explainHar(strip(['Origin']).har).items, 'allowed-get').origin).toBe(PAGE);
    expect(itemFor(explainHar(strip(['Origin', 'Referer']).har).items, 'allowed-get').origin).toBe(PAGE);
    const { har, entry } = strip(['Origin', 'Referer']);
    delete entry.pageref;
    const report = explainHar(har);
    expect(itemsFor(report.items, 'allowed-get')).toHaveLength(0);
    expect(report.skipped.unknownOrigin).toBe(1);
  });
});

describe('large HAR files', () => {
  it('groups 40,000 requests to one URL, each with its own preflight', () => {
    const base = load(CORS_HAR);
    const [put, preflight] = entriesFor(base, '/api/allowed-put').slice(0, 2);
    const n = 40_000;
    const entries: EntryJson[] = [];
    for (let i = 0; i < n; i++) entries.push(put!, preflight!);
    const log = readHar({ log: { entries } });
    const { exchanges } = harExchanges(log);
    expect(exchanges).toHaveLength(n);
    expect(exchanges.every((x) => x.hops[0]!.preflight !== null)).toBe(true);
  });
});

describe('malformed HAR files', () => {
  const entry = () => structuredClone(load(CORS_HAR).log.entries[1]!);
  const har = (e: unknown) => JSON.stringify({ log: { version: '1.2', entries: [e] } });

  it.each([
    ['not JSON', 'not json', 'x.har is not valid JSON'],
    ['no log', '[]', 'x.har is not a HAR: it has no "log" object'],
    ['no entries', '{"log":{}}', 'x.har: log.entries: must be an array'],
    ['an entry that is not an object', har(42), 'x.har: log.entries[0]: must be an object'],
    [
      'no request',
      har({ ...entry(), request: undefined }),
      'x.har: log.entries[0].request: must be an object',
    ],
    [
      'a relative URL',
      har({ ...entry(), request: { ...entry().request, url: 'api/x' } }),
      'log.entries[0].request.url: "api/x" is not an absolute URL',
    ],
    [
      'a method that is not a string',
      har({ ...entry(), request: { ...entry().request, method: 3 } }),
      'log.entries[0].request.method: must be a method',
    ],
    [
      'headers that are not an array',
      har({ ...entry(), request: { ...entry().request, headers: {} } }),
      'log.entries[0].request.headers: must be an array',
    ],
    [
      'a header without a value',
      har({ ...entry(), request: { ...entry().request, headers: [{ name: 'A' }] } }),
      'log.entries[0].request.headers[0]: must be { "name": string, "value": string }',
    ],
    [
      'a status that is a string',
      har({ ...entry(), response: { ...entry().response, status: '200' } }),
      'log.entries[0].response.status: must be a whole number',
    ],
    [
      'a bad startedDateTime',
      har({ ...entry(), startedDateTime: 'yesterday' }),
      'log.entries[0].startedDateTime: must be a date',
    ],
  ])('%s', (_label, text, message) => {
    expect(() => parseHar(text, 'x.har')).toThrow(UsageError);
    expect(() => parseHar(text, 'x.har')).toThrow(message);
  });

  it('an empty HAR has nothing to explain', () => {
    const log = readHar({ log: { entries: [] } });
    expect(harExchanges(log).exchanges).toEqual([]);
    expect(renderExplain(explainHar({ log: { entries: [] } }), { style: plain })).toContain(
      '0 cross-origin requests in 0 HAR entries',
    );
  });
});

describe('the explain command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'corskit-explain-'));
  afterEach(() => {
    process.exitCode = undefined;
    vi.restoreAllMocks();
  });

  async function run(args: string[]): Promise<{ out: string; code: number | string | undefined }> {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    const program = addExplainCommand(new Command('corskit').exitOverride());
    await program.parseAsync(['explain', ...args], { from: 'user' });
    return { out, code: process.exitCode };
  }

  it('--json lists every cross-origin request; exit 1 when one failed', async () => {
    const { out, code } = await run([CORS_HAR, '--json']);
    const json = JSON.parse(out);
    expect(code).toBe(1);
    expect(json.items).toHaveLength(13);
    expect(json.failed).toBe(8);
    expect(json.items[0]).toMatchObject({ method: 'GET', verdict: 'allowed', recorded: { status: 200 } });
    expect(json).toEqual(JSON.parse(JSON.stringify(explainJson(explainHar(load(CORS_HAR))))));
  });

  it('text by default, --all for everything, exit 0 when nothing failed', async () => {
    const ok = join(dir, 'ok.har');
    writeFileSync(
      ok,
      JSON.stringify(without(load(CORS_HAR), (e) => !e.request.url.endsWith('/allowed-get'))),
    );
    const quiet = await run([ok]);
    expect(quiet.code).toBe(0);
    expect(stripAnsi(quiet.out)).toContain('No failed or risky cross-origin requests.');
    const all = await run([ok, '--all', '--browser', 'safari']);
    expect(stripAnsi(all.out)).toContain(`GET ${API}/allowed-get`);
    expect(all.code).toBe(0);
  });

  it('a missing or malformed file is a UsageError (exit 2 in main)', async () => {
    await expect(run([join(dir, 'nope.har')])).rejects.toThrow(/nope\.har: no such file/);
    const bad = join(dir, 'bad.har');
    writeFileSync(bad, '{"log":{"entries":[{}]}}');
    await expect(run([bad])).rejects.toThrow(UsageError);
  });

  it('runExplainCommand writes through the given writer', () => {
    let out = '';
    const code = runExplainCommand(NO_CACHE_HAR, { browser: 'chrome' }, (t) => (out += t), plain);
    expect(code).toBe(1);
    expect(out).toContain('4 cross-origin requests in 9 HAR entries: 2 allowed, 2 blocked.');
  });

  it('cleans up', () => {
    rmSync(dir, { recursive: true, force: true });
  });
});
