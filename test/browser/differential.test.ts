// Differential test: every corpus scenario runs in real headless Chromium (test/browser/chromium.ts) and in
// simulate(scenario, { browser: 'chrome' }); outcome, preflight, preflight request headers, what reached
// the server, status, readable headers, error code and console message must all agree. Never skipped:
// without /usr/bin/chromium the suite fails with instructions.
import { afterAll, describe, expect, it } from 'vitest';
import {
  BrowserSim,
  type Scenario,
  type SimResult,
  scenarioResponder,
  simulate,
  toHeaderList,
} from '../../src/browser/index.js';
import { type BrowserName, CORS_ERROR_CODES } from '../../src/spec/index.js';
import { ChromiumHarness, type ChromiumStep, type Received } from './chromium.js';
import { type CorpusCase, generateCorpus } from './corpus.js';

const MIN_SCENARIOS = 300;
/** Codes the corpus cannot provoke in Chromium 156: it sends no Private Network Access preflights, and
 *  InvalidResponse needs a response the network layer itself rejects. */
const UNREACHABLE_CODES = new Set([
  'InvalidResponse',
  'PreflightMissingAllowPrivateNetwork',
  'PreflightInvalidAllowPrivateNetwork',
]);
/** CORSKIT_DIFF_DUMP=c001,c002 prints both sides of those cases in full, for debugging. */
const DUMP = new Set((process.env.CORSKIT_DIFF_DUMP ?? '').split(',').filter(Boolean));

/** The fields both sides are compared on. */
interface Observed {
  readonly outcome: string;
  readonly preflightSent: boolean;
  readonly preflightRequestHeaders: Readonly<Record<string, string>> | null;
  readonly actualSent: boolean;
  readonly status: number | null;
  readonly visibleHeaders: readonly string[];
  readonly errorCode: string | null;
  /** What reached the server, in order: kind, method, URL, Origin, and the scenario's headers sent. */
  readonly requests: readonly string[];
}

const FIELDS = [
  'outcome',
  'preflightSent',
  'preflightRequestHeaders',
  'actualSent',
  'status',
  'visibleHeaders',
  'errorCode',
  'requests',
] as const satisfies readonly (keyof Observed)[];

/** Lowercased names of the headers the page set, the only request headers compared. */
function pageHeaderNames(s: Scenario): string[] {
  return [...new Set(toHeaderList(s.request.headers).map(([n]) => n.toLowerCase()))]
    .filter((n) => n !== 'origin')
    .sort();
}

function describeRequest(
  kind: 'preflight' | 'request',
  method: string,
  url: string,
  header: (name: string) => string | undefined,
  names: readonly string[],
): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  u.hash = '';
  const head = `${kind} ${method} ${u.href} origin=${header('origin') ?? '-'}`;
  if (kind === 'preflight')
    return `${head} acrm=${header('access-control-request-method') ?? '-'} acrh=${header('access-control-request-headers') ?? '-'}`;
  return `${head} headers=${names.filter((n) => header(n) !== undefined).join(',') || '-'}`;
}

function fromChromium(step: ChromiumStep, scenario: Scenario): Observed {
  const page = step.page;
  const preflights = step.received.filter((r) => r.kind === 'preflight');
  const last = preflights.at(-1);
  const names = pageHeaderNames(scenario);
  let outcome: string;
  let errorCode: string | null = step.corsErrors.length > 0 ? step.corsErrors.join('+') : null;
  if (page.kind === 'response')
    outcome = page.type === 'opaque' || page.type === 'opaqueredirect' ? 'opaque' : 'allowed';
  else if (page.kind === 'rejected') {
    outcome = 'blocked';
    // No CORS error from DevTools: a TypeError thrown before sending, or a plain network error.
    errorCode ??= page.message === 'TypeError: Failed to fetch' ? 'NetworkError' : 'TypeError';
  } else outcome = `missing (${page.message})`;
  return {
    outcome,
    preflightSent: preflights.length > 0,
    preflightRequestHeaders:
      last === undefined
        ? null
        : {
            'access-control-request-method': last.headers['access-control-request-method'] ?? '',
            ...(last.headers['access-control-request-headers'] !== undefined
              ? { 'access-control-request-headers': last.headers['access-control-request-headers'] }
              : {}),
          },
    actualSent: step.received.some((r) => r.kind === 'request'),
    status: page.kind === 'response' ? page.status : null,
    visibleHeaders: page.kind === 'response' ? page.headers : [],
    errorCode,
    requests: step.received.map((r: Received) =>
      describeRequest(r.kind, r.method, r.url, (n) => r.headers[n], names),
    ),
  };
}

function fromSimulator(result: SimResult, scenario: Scenario): Observed {
  const names = pageHeaderNames(scenario);
  const requests: string[] = [];
  for (const e of result.events) {
    if (e.step !== 'preflight-request' && e.step !== 'request') continue;
    const header = (name: string): string | undefined => {
      const values = e.headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
      return values.length === 0 ? undefined : values.join(', ');
    };
    requests.push(
      describeRequest(e.step === 'request' ? 'request' : 'preflight', e.method, e.url, header, names),
    );
  }
  return {
    outcome: result.outcome,
    preflightSent: result.preflight.sent,
    preflightRequestHeaders: result.preflight.requestHeaders ?? null,
    actualSent: result.actualSent,
    status: result.status,
    visibleHeaders: result.visibleHeaders,
    errorCode: result.error?.code ?? null,
    requests,
  };
}

/** Runs a case's steps through corskit: simulate() for one fetch, one BrowserSim for a sequence. */
async function simulateCase(
  wire: readonly Scenario[],
  steps: readonly ChromiumStep[],
  browser: BrowserName,
): Promise<SimResult[]> {
  if (wire.length === 1) return [simulate(wire[0], { browser, now: steps[0]?.startedAt ?? 0 })];
  let current = 0;
  let clock = 0;
  // simulate()'s own responder, one per fetch.
  const responders = wire.map((s) => scenarioResponder(s));
  const sim = new BrowserSim({
    browser,
    now: () => clock,
    transport: (request) => (responders[current] as ReturnType<typeof scenarioResponder>)(request),
  });
  const out: SimResult[] = [];
  for (const [i, s] of wire.entries()) {
    current = i;
    clock = steps[i]?.startedAt ?? i * 100;
    const r = s.request;
    out.push(
      await sim.fetch(r.url, {
        origin: s.origin,
        headers: toHeaderList(r.headers),
        ...(r.method !== undefined ? { method: r.method } : {}),
        ...(r.mode !== undefined ? { mode: r.mode } : {}),
        ...(r.credentials !== undefined ? { credentials: r.credentials } : {}),
        ...(r.redirect !== undefined ? { redirect: r.redirect } : {}),
        ...(r.body !== undefined ? { body: r.body } : {}),
      }),
    );
  }
  return out;
}

/** Error codes whose message is a TypeError's, not a console line. */
const NOT_CONSOLE = new Set(['TypeError', 'NetworkError']);

/** Chromium's CORS console lines: from the network service, or from fetch() itself before the network. */
function corsLines(messages: readonly string[]): string[] {
  return messages.filter((m) => m.startsWith('Access to ') || m.startsWith('Fetch API cannot load '));
}

const DISALLOWED_HEADER = /Request header field (\S+) is not allowed by Access-Control-Allow-Headers/;

/**
 * When several request headers fail a preflight, Chromium names the first in the order of its internal
 * header map (a hash table), corskit the first in sorted order. Both messages are right when they differ
 * only in the name and Chromium's header is one corskit also finds disallowed: listed in the preflight's
 * Access-Control-Request-Headers and not in its Access-Control-Allow-Headers.
 */
function otherDisallowedHeader(printed: string[], expected: string[], sim: SimResult): boolean {
  if (
    printed.length !== 1 ||
    expected.length !== 1 ||
    sim.error?.code !== 'HeaderDisallowedByPreflightResponse'
  )
    return false;
  const theirs = DISALLOWED_HEADER.exec(printed[0] as string)?.[1];
  const ours = DISALLOWED_HEADER.exec(expected[0] as string)?.[1];
  if (theirs === undefined || ours === undefined) return false;
  if ((printed[0] as string).replace(theirs, ours) !== expected[0]) return false;
  const request = sim.events.findLast((e) => e.step === 'preflight-request');
  const response = sim.events.findLast((e) => e.step === 'preflight-response');
  if (request?.step !== 'preflight-request' || response?.step !== 'preflight-response') return false;
  const listOf = (headers: [string, string][], name: string): string[] =>
    headers
      .filter(([n]) => n.toLowerCase() === name)
      .flatMap(([, v]) => v.split(','))
      .map((v) => v.trim().toLowerCase())
      .filter(Boolean);
  const requested = listOf(request.headers, 'access-control-request-headers');
  const allowed = listOf(response.headers, 'access-control-allow-headers');
  const disallowed = requested.filter((n) => !allowed.includes(n));
  return disallowed.includes(theirs) && disallowed.includes(ours);
}

const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

function differences(chromium: Observed, corskit: Observed): string[] {
  const out: string[] = [];
  for (const f of FIELDS) {
    if (show(chromium[f]) !== show(corskit[f]))
      out.push(`    ${f}:\n      chromium: ${show(chromium[f])}\n      corskit:  ${show(corskit[f])}`);
  }
  return out;
}

describe('differential test against headless Chromium', () => {
  let harness: ChromiumHarness | undefined;

  afterAll(async () => {
    await harness?.close();
  });

  it(`agrees with simulate(scenario, { browser: 'chrome' }) on at least ${MIN_SCENARIOS} scenarios`, async () => {
    // Started here, not in beforeAll: a missing Chromium fails this test with its instructions.
    harness = await ChromiumHarness.start();
    const corpus: CorpusCase[] = generateCorpus();
    const started = performance.now();
    const results = await harness.run(corpus);
    const seconds = (performance.now() - started) / 1000;

    const failures: string[] = [];
    const specDepartures = new Map<string, string[]>();
    let agreed = 0;
    const namedAnotherHeader: string[] = [];
    let messagesCompared = 0;
    const codesSeen = new Map<string, number>();
    const unprinted: string[] = [];
    let fetches = 0;
    for (const [index, result] of results.entries()) {
      const c = corpus[index] as CorpusCase;
      const chrome = await simulateCase(result.wire, result.steps, 'chrome');
      const spec = await simulateCase(result.wire, result.steps, 'spec');
      const problems: string[] = [];
      for (const [i, step] of result.steps.entries()) {
        fetches++;
        const scenario = result.wire[i] as Scenario;
        const sim = chrome[i] as SimResult;
        const seen = fromChromium(step, scenario);
        if (seen.errorCode !== null) codesSeen.set(seen.errorCode, (codesSeen.get(seen.errorCode) ?? 0) + 1);
        const mine = fromSimulator(sim, scenario);
        const diff = differences(seen, mine);
        // The console message, where Chromium prints a CORS one for this fetch.
        const printed = corsLines(step.console);
        const expected = sim.error !== null && !NOT_CONSOLE.has(sim.error.code) ? [sim.error.message] : [];
        if (printed.length > 0) messagesCompared++;
        else if (expected.length > 0) unprinted.push(c.id);
        if (printed.length > 0 && show(printed) !== show(expected)) {
          if (otherDisallowedHeader(printed, expected, sim)) namedAnotherHeader.push(c.id);
          else
            diff.push(
              `    message:\n      chromium: ${printed.join('\n                ')}\n      corskit:  ${expected.join('\n                ') || '(none)'}`,
            );
        }
        if (diff.length > 0) problems.push(`  fetch ${i + 1}:\n${diff.join('\n')}`);
        const specDiff = differences(mine, fromSimulator(spec[i] as SimResult, scenario));
        if (specDiff.length > 0 && diff.length === 0) {
          const list = specDepartures.get(c.family) ?? [];
          if (!list.includes(c.id)) list.push(c.id);
          specDepartures.set(c.family, list);
        }
      }
      if (DUMP.has(c.id))
        console.log(
          `${c.id} chromium:`,
          JSON.stringify(result.steps, null, 1),
          '\ncorskit:',
          JSON.stringify(chrome, null, 1),
        );
      if (problems.length === 0) agreed++;
      else failures.push(`${c.id} [${c.family}] ${c.name}\n${problems.join('\n')}`);
    }

    const lines = [
      `chromium differential: ${agreed} of ${corpus.length} scenarios agreed (${fetches} fetches, Chromium ${harness.version}, ${seconds.toFixed(1)} s)`,
    ];
    lines.push(`  console messages compared: ${messagesCompared}`);
    lines.push(
      `  errors seen: ${[...codesSeen.entries()]
        .sort()
        .map(([code, n]) => `${code} ${n}`)
        .join(', ')}`,
    );
    if (unprinted.length > 0)
      lines.push(`  blocked with a CORS error but no console line from Chromium: ${unprinted.join(', ')}`);
    if (namedAnotherHeader.length > 0) {
      lines.push(
        `  ${namedAnotherHeader.length} of them agreed except for which of several disallowed request headers the message names (Chromium walks them in its own hash-table order): ${namedAnotherHeader.join(', ')}`,
      );
    }
    if (specDepartures.size > 0) {
      lines.push('  where Chromium (and the chrome profile) departs from the spec profile:');
      for (const [family, ids] of specDepartures)
        lines.push(`    ${family} (${ids.length}): ${ids.join(', ')}`);
    }
    console.log(lines.join('\n'));
    if (harness.stray.length > 0) failures.push(`requests that named no case: ${harness.stray.join(', ')}`);
    if (failures.length > 0) {
      throw new Error(
        `${corpus.length - agreed} of ${corpus.length} scenarios disagree with Chromium:\n\n${failures.join('\n\n')}`,
      );
    }
    expect(corpus.length).toBeGreaterThanOrEqual(MIN_SCENARIOS);
    // Every error the corpus should provoke, it did.
    const missing = [...CORS_ERROR_CODES, 'TypeError', 'NetworkError'].filter(
      (code) => !UNREACHABLE_CODES.has(code) && !codesSeen.has(code),
    );
    expect(missing, 'error codes no corpus scenario provoked').toEqual([]);
    expect(agreed).toBe(corpus.length);
  }, 300_000);
});
