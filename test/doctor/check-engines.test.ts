// `corskit check --browser firefox|safari`, checked live against the real engine: corpus exchanges that
// check can make (one GET or preflighted request from a page, with or without credentials) run first in
// Firefox and WebKitGTK, then runCheck replays each against the same loopback server, the same URL and the
// same page origin. Its verdict, outcome, preflight, status and console message must be the engine's.
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { browserOption } from '../../src/cli/options.js';
import { type CheckReport, runCheck } from '../../src/doctor/check.js';
import { BROWSER_ALIASES, browserProfile } from '../../src/spec/index.js';
import { type CorpusCase, type Family, generateCorpus } from '../browser/corpus.js';
import { FirefoxHarness } from '../browser/firefox.js';
import type { CaseServer, EngineCaseResult, EngineStep } from '../browser/loopback.js';
import { WebKitHarness } from '../browser/webkit.js';

const FAMILIES: readonly Family[] = [
  'allow-origin',
  'credentials',
  'allow-methods',
  'allow-headers',
  'preflight-status',
  'redirected-preflight',
  'redirects',
  'multiple-allow-origin',
  'status-codes',
];
const PER_FAMILY = 4;

/** Corpus cases `corskit check` can make: one cors fetch from the page, no body, no redirect option. */
function checkable(): CorpusCase[] {
  const picked: CorpusCase[] = [];
  for (const family of FAMILIES) {
    const fits = generateCorpus().filter((c) => {
      const r = c.steps[0]?.request;
      return (
        c.family === family &&
        c.steps.length === 1 &&
        c.frame === 'page' &&
        r !== undefined &&
        r.mode === undefined &&
        r.redirect === undefined &&
        r.body === undefined &&
        r.useCorsPreflight === undefined &&
        (r.credentials === undefined || r.credentials === 'include') &&
        !Array.isArray(r.headers) &&
        // check takes the page origin and the URL; its target must be another origin.
        !r.url.startsWith('http://page.test')
      );
    });
    picked.push(...fits.slice(0, PER_FAMILY));
  }
  return picked;
}

/** What the engine printed, as one message; null when it printed nothing. */
function printed(step: EngineStep): string | null {
  return step.console.length === 0 ? null : step.console.join('\n');
}

async function replay(
  server: CaseServer,
  cases: readonly CorpusCase[],
  results: EngineCaseResult[],
  browser: 'firefox' | 'safari',
) {
  server.register(cases, true);
  const out: { id: string; report: CheckReport; step: EngineStep }[] = [];
  for (const [i, result] of results.entries()) {
    const scenario = result.wire[0];
    const step = result.steps[0];
    if (scenario === undefined || step === undefined) continue;
    server.begin(result.id, 0, Date.now());
    const r = scenario.request;
    const headers = Object.entries(r.headers ?? {}).map(([n, v]): [string, string] => [n, String(v)]);
    const report = await runCheck({
      url: r.url,
      origin: scenario.origin,
      browser,
      ...(r.method !== undefined ? { method: r.method } : {}),
      headers,
      credentials: r.credentials === 'include',
      timeoutMs: 5000,
    });
    out.push({ id: cases[i]?.id ?? result.id, report, step });
  }
  return out;
}

function disagreements(rows: Awaited<ReturnType<typeof replay>>): string[] {
  const out: string[] = [];
  for (const { id, report, step } of rows) {
    const page = step.page;
    const outcome =
      page.kind === 'response'
        ? page.type === 'opaque'
          ? 'opaque'
          : 'allowed'
        : page.kind === 'rejected'
          ? 'blocked'
          : 'missing';
    const verdict =
      outcome === 'allowed' ? 'allowed' : report.verdict === 'network-error' ? 'network-error' : 'blocked';
    const message =
      report.error === null || report.error.message.startsWith('TypeError') ? null : report.error.message;
    const problems: string[] = [];
    if (report.result.outcome !== outcome)
      problems.push(`outcome: engine ${outcome}, check ${report.result.outcome}`);
    if (report.verdict !== verdict) problems.push(`verdict: engine ${verdict}, check ${report.verdict}`);
    const preflights = step.received.filter((q) => q.kind === 'preflight').length;
    if (report.result.preflight.sent !== preflights > 0)
      problems.push(`preflight: engine ${preflights > 0}, check ${report.result.preflight.sent}`);
    const status = page.kind === 'response' ? page.status : null;
    if (report.result.status !== status)
      problems.push(`status: engine ${status}, check ${report.result.status}`);
    if (printed(step) !== message)
      problems.push(`message:\n  engine: ${printed(step)}\n  check:  ${message}`);
    if (problems.length > 0) out.push(`${id} (${report.error?.code ?? 'no error'}): ${problems.join('; ')}`);
  }
  return out;
}

describe('corskit check against the real engines', () => {
  const cases = checkable();
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  it('webkit is another name for the safari profile, in spec/ and on the command line', () => {
    expect(BROWSER_ALIASES).toEqual({ webkit: 'safari' });
    expect(browserProfile('webkit')).toBe(browserProfile('safari'));
    const parse = (args: string[]): unknown => {
      const cmd = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
      cmd.addOption(browserOption(['chrome', 'firefox', 'safari']));
      return cmd.parse(args, { from: 'user' }).opts().browser;
    };
    expect(parse(['--browser', 'webkit'])).toBe('safari');
    expect(parse(['--browser', 'firefox'])).toBe('firefox');
    expect(parse([])).toBe('chrome');
    expect(() => parse(['--browser', 'edge'])).toThrow(/Allowed choices are chrome, firefox, safari, webkit/);
  });

  it(`--browser firefox says what Firefox does (${cases.length} exchanges)`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    const harness = await FirefoxHarness.start();
    closers.push(() => harness.close());
    const results = await harness.run(cases);
    const rows = await replay(harness.server, cases, results, 'firefox');
    expect(rows.filter((r) => r.report.error !== null).length).toBeGreaterThan(10);
    expect(disagreements(rows)).toEqual([]);
  }, 120_000);

  it(`--browser safari says what WebKit does (${cases.length} exchanges)`, async () => {
    const harness = await WebKitHarness.start();
    closers.push(() => harness.close());
    const results = await harness.run(cases);
    const rows = await replay(harness.server, cases, results, 'safari');
    expect(rows.filter((r) => r.report.error !== null).length).toBeGreaterThan(10);
    expect(disagreements(rows)).toEqual([]);
  }, 120_000);
});
