// Differential test: every corpus scenario runs in three real engines (Debian's Chromium, Firefox ESR and
// WebKitGTK) and in simulate() under the matching profile (chrome, firefox, safari). Outcome, preflight,
// preflight request headers, every request that reached the server with its Origin, status, readable
// headers and the console message must agree (and Chromium's CORS error code, which DevTools reports).
// Never skipped: without an engine the suite fails with the line that installs it.
import { afterAll, describe, expect, it } from 'vitest';
import type { Scenario, SimResult } from '../../src/browser/index.js';
import { type BrowserName, CORS_ERROR_CODES } from '../../src/spec/index.js';
import { ChromiumHarness } from './chromium.js';
import { type CorpusCase, generateCorpus } from './corpus.js';
import { FirefoxHarness } from './firefox.js';
import type { EngineCaseResult } from './loopback.js';
import { differences, fromEngine, fromSimulator, show, simulateCase } from './observe.js';
import { WebKitHarness } from './webkit.js';

const MIN_SCENARIOS = 600;
/** Codes the corpus cannot provoke in Chromium 156: it sends no Private Network Access preflights, and
 *  InvalidResponse needs a response the network layer itself rejects. */
const UNREACHABLE_CODES = new Set([
  'InvalidResponse',
  'PreflightMissingAllowPrivateNetwork',
  'PreflightInvalidAllowPrivateNetwork',
]);
/** CORSKIT_DIFF_DUMP=c001,c002 prints both sides of those cases in full, for debugging. */
const DUMP = new Set((process.env.CORSKIT_DIFF_DUMP ?? '').split(',').filter(Boolean));

/** A message that is what script sees (a TypeError), not a console line. */
const printsNothing = (message: string): boolean => message.startsWith('TypeError');

interface Engine {
  readonly name: 'Chromium' | 'Firefox' | 'WebKit';
  readonly profile: BrowserName;
  /** Whether the engine tells CORS error codes (Chromium's DevTools). */
  readonly codes: boolean;
  /** Whether every CORS failure must print its console line (else a fetch may print none). */
  readonly alwaysPrints: boolean;
  /** The engine's CORS console lines for one fetch, as one message. */
  readonly corsLines: (console: readonly string[]) => string[];
  readonly start: () => Promise<{
    run(cases: readonly CorpusCase[]): Promise<EngineCaseResult[]>;
    close(): Promise<void>;
    readonly stray: readonly string[];
    version(): Promise<string> | string;
  }>;
}

const ENGINES: readonly Engine[] = [
  {
    name: 'Chromium',
    profile: 'chrome',
    codes: true,
    alwaysPrints: false,
    // From the network service, or from fetch() itself before the network.
    corsLines: (lines) =>
      lines.filter((m) => m.startsWith('Access to ') || m.startsWith('Fetch API cannot load ')),
    start: async () => {
      const h = await ChromiumHarness.start();
      return { run: (c) => h.run(c), close: () => h.close(), stray: h.stray, version: () => h.version };
    },
  },
  {
    name: 'Firefox',
    profile: 'firefox',
    codes: false,
    alwaysPrints: true,
    // The reason, then the lines Firefox adds for a failed redirect or preflight: corskit's message holds all.
    corsLines: (lines) => (lines.length === 0 ? [] : [lines.join('\n')]),
    start: async () => {
      const h = await FirefoxHarness.start();
      return { run: (c) => h.run(c), close: () => h.close(), stray: h.stray, version: () => h.version() };
    },
  },
  {
    name: 'WebKit',
    profile: 'safari',
    codes: false,
    alwaysPrints: true,
    // The security error, then the line of the API that failed: corskit's message holds both.
    corsLines: (lines) => (lines.length === 0 ? [] : [lines.join('\n')]),
    start: async () => {
      const h = await WebKitHarness.start();
      return { run: (c) => h.run(c), close: () => h.close(), stray: h.stray, version: () => h.version };
    },
  },
];

const DISALLOWED_HEADER =
  /(?:Request header field (\S+) is not allowed|header ‘([^’]+)’ is not allowed according to header)/;

/**
 * When several request headers fail a preflight, an engine names the first in the order of its internal
 * header map (Chromium: a hash table), corskit the first in sorted order. Both messages are right when they
 * differ only in the name and the engine's header is one corskit also finds disallowed: listed in the
 * preflight's Access-Control-Request-Headers and not in its Access-Control-Allow-Headers.
 */
function otherDisallowedHeader(printed: string[], expected: string[], sim: SimResult): boolean {
  if (
    printed.length !== 1 ||
    expected.length !== 1 ||
    sim.error?.code !== 'HeaderDisallowedByPreflightResponse'
  )
    return false;
  const match = (s: string): string | undefined => {
    const m = DISALLOWED_HEADER.exec(s);
    return m?.[1] ?? m?.[2];
  };
  const theirs = match(printed[0] as string);
  const ours = match(expected[0] as string);
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

describe('differential test against three real engines', () => {
  const corpus: CorpusCase[] = generateCorpus();
  const closers: (() => Promise<void>)[] = [];

  afterAll(async () => {
    for (const close of closers) await close();
  });

  it(`the corpus holds at least ${MIN_SCENARIOS} scenarios`, () => {
    expect(corpus.length).toBeGreaterThanOrEqual(MIN_SCENARIOS);
  });

  for (const engine of ENGINES) {
    it(`${engine.name} agrees with simulate(scenario, { browser: '${engine.profile}' }) on every scenario`, async () => {
      // Started here, not in beforeAll: a missing engine fails this test with its instructions.
      const harness = await engine.start();
      closers.push(() => harness.close());
      const started = performance.now();
      const results = await harness.run(corpus);
      const seconds = (performance.now() - started) / 1000;
      const version = await harness.version();
      await harness.close();

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
        const startedAt = result.steps.map((s) => s.startedAt);
        const mine = await simulateCase(result.wire, startedAt, engine.profile);
        const spec = await simulateCase(result.wire, startedAt, 'spec');
        const problems: string[] = [];
        for (const [i, step] of result.steps.entries()) {
          fetches++;
          const scenario = result.wire[i] as Scenario;
          const sim = mine[i] as SimResult;
          const seen = fromEngine(step, scenario, engine.codes);
          const code = engine.codes ? seen.errorCode : (sim.error?.code ?? null);
          if (code !== null && seen.outcome === 'blocked')
            codesSeen.set(code, (codesSeen.get(code) ?? 0) + 1);
          const ours = fromSimulator(sim, scenario, engine.codes);
          const diff = differences(seen, ours, `${engine.name.toLowerCase()}:`);
          const printed = engine.corsLines(step.console);
          const expected = sim.error !== null && !printsNothing(sim.error.message) ? [sim.error.message] : [];
          if (printed.length > 0) messagesCompared++;
          else if (expected.length > 0) unprinted.push(c.id);
          if ((printed.length > 0 || engine.alwaysPrints) && show(printed) !== show(expected)) {
            if (otherDisallowedHeader(printed, expected, sim)) namedAnotherHeader.push(c.id);
            else
              diff.push(
                `    message:\n      ${engine.name.toLowerCase()}: ${printed.join('\n                ') || '(none)'}\n      corskit:  ${expected.join('\n                ') || '(none)'}`,
              );
          }
          if (diff.length > 0) problems.push(`  fetch ${i + 1}:\n${diff.join('\n')}`);
          const specDiff = differences(ours, fromSimulator(spec[i] as SimResult, scenario, engine.codes), '');
          if (specDiff.length > 0 && diff.length === 0) {
            const list = specDepartures.get(c.family) ?? [];
            if (!list.includes(c.id)) list.push(c.id);
            specDepartures.set(c.family, list);
          }
        }
        if (DUMP.has(c.id))
          console.log(
            `${c.id} ${engine.name}:`,
            JSON.stringify(result.steps, null, 1),
            '\ncorskit:',
            JSON.stringify(mine, null, 1),
          );
        if (problems.length === 0) agreed++;
        else failures.push(`${c.id} [${c.family}] ${c.name}\n${problems.join('\n')}`);
      }

      const lines = [
        `${engine.name}: ${agreed} of ${corpus.length} scenarios agreed (${fetches} fetches, ${version}, ${seconds.toFixed(1)} s)`,
        `  console messages compared: ${messagesCompared}`,
        `  errors seen: ${[...codesSeen.entries()]
          .sort()
          .map(([code, n]) => `${code} ${n}`)
          .join(', ')}`,
      ];
      if (unprinted.length > 0)
        lines.push(
          `  blocked with a CORS error but no console line from ${engine.name}: ${unprinted.join(', ')}`,
        );
      if (namedAnotherHeader.length > 0) {
        lines.push(
          `  ${namedAnotherHeader.length} of them agreed except for which of several disallowed request headers the message names (${engine.name} walks them in its own order): ${namedAnotherHeader.join(', ')}`,
        );
      }
      if (specDepartures.size > 0) {
        lines.push(
          `  where ${engine.name} (and the ${engine.profile} profile) departs from the spec profile:`,
        );
        for (const [family, ids] of specDepartures)
          lines.push(`    ${family} (${ids.length}): ${ids.join(', ')}`);
      }
      console.log(lines.join('\n'));
      if (harness.stray.length > 0) failures.push(`requests that named no case: ${harness.stray.join(', ')}`);
      if (failures.length > 0) {
        throw new Error(
          `${corpus.length - agreed} of ${corpus.length} scenarios disagree with ${engine.name}:\n\n${failures.join('\n\n')}`,
        );
      }
      if (engine.codes) {
        // Every error the corpus should provoke, it did.
        const missing = [...CORS_ERROR_CODES, 'TypeError', 'NetworkError'].filter(
          (code) => !UNREACHABLE_CODES.has(code) && !codesSeen.has(code),
        );
        expect(missing, 'error codes no corpus scenario provoked').toEqual([]);
      }
      expect(agreed).toBe(corpus.length);
    }, 300_000);
  }
});
