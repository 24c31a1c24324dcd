// What an engine did and what a corskit profile says, in one comparable shape: the differential test
// compares these field by field, and the browser-differences page is written from them.
import {
  BrowserSim,
  type Scenario,
  type SimResult,
  scenarioResponder,
  simulate,
  toHeaderList,
} from '../../src/browser/index.js';
import type { BrowserName } from '../../src/spec/index.js';
import type { EngineStep } from './loopback.js';

/** The fields both sides are compared on. */
export interface Observed {
  readonly outcome: string;
  readonly preflightSent: boolean;
  readonly preflightRequestHeaders: Readonly<Record<string, string>> | null;
  readonly actualSent: boolean;
  readonly status: number | null;
  readonly visibleHeaders: readonly string[];
  /** Chromium's CorsError (from DevTools); null where the engine does not tell (its message is compared). */
  readonly errorCode: string | null;
  /** What reached the server, in order: kind, method, URL, Origin, and the scenario's headers sent. */
  readonly requests: readonly string[];
}

export const FIELDS = [
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

/**
 * What an engine did. `withCodes`: the engine reports CORS error codes (Chromium through DevTools) and
 * TypeError messages that tell a refusal before sending from a network error.
 */
export function fromEngine(step: EngineStep, scenario: Scenario, withCodes: boolean): Observed {
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
    errorCode: withCodes ? errorCode : null,
    requests: step.received.map((r) => describeRequest(r.kind, r.method, r.url, (n) => r.headers[n], names)),
  };
}

/** What a profile says. `withCodes` as for fromEngine. */
export function fromSimulator(result: SimResult, scenario: Scenario, withCodes = true): Observed {
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
    errorCode: withCodes ? (result.error?.code ?? null) : null,
    requests,
  };
}

/** Runs a case's steps through corskit: simulate() for one fetch, one BrowserSim for a sequence. */
export async function simulateCase(
  wire: readonly Scenario[],
  startedAt: readonly number[],
  browser: BrowserName,
): Promise<SimResult[]> {
  if (wire.length === 1) return [simulate(wire[0] as Scenario, { browser, now: startedAt[0] ?? 0 })];
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
    clock = startedAt[i] ?? i * 100;
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

export const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** The fields that differ, one indented block each. */
export function differences(
  engine: Observed,
  corskit: Observed,
  label: string,
  fields: readonly (keyof Observed)[] = FIELDS,
): string[] {
  const out: string[] = [];
  for (const f of fields) {
    if (show(engine[f]) !== show(corskit[f]))
      out.push(`    ${f}:\n      ${label.padEnd(9)}${show(engine[f])}\n      corskit: ${show(corskit[f])}`);
  }
  return out;
}
