// simulate(): a scenario's server answers are data, so the whole fetch runs synchronously.
import { type BrowserName, browserProfile } from '../spec/index.js';
import {
  type IncomingResponse,
  type OutgoingRequest,
  pageOrigin,
  runFetch,
  type SimResult,
} from './engine.js';
import { parseScenario, type Scenario, type ServerAnswer, toHeaderList } from './scenario.js';

/** Options of `simulate`. */
export interface SimulateOptions {
  /** Which browser's behaviour to follow. Default `chrome`. */
  readonly browser?: BrowserName;
  /** Milliseconds, for the preflight cache. */
  readonly now?: number;
}

/** Answers the engine's requests from the scenario: preflights in turn, then redirects in order, then actual. */
export function scenarioResponder(scenario: Scenario): (request: OutgoingRequest) => IncomingResponse {
  let preflights = 0;
  let requests = 0;
  const answer = (a: ServerAnswer): IncomingResponse => ({
    status: a.status,
    headers: toHeaderList(a.headers),
  });
  return (request) => {
    const s = scenario.server;
    if (request.kind === 'preflight') {
      const listed = s.preflights?.[preflights++];
      if (listed !== undefined) return answer(listed);
      if (s.preflight !== undefined) return answer(s.preflight);
      // A server that knows nothing of CORS usually has no OPTIONS route.
      return { status: 404, headers: [] };
    }
    const redirect = s.redirects?.[requests++];
    if (redirect !== undefined) return answer(redirect);
    return s.actual !== undefined ? answer(s.actual) : { status: 200, headers: [] };
  };
}

/** Runs a scenario (the format of docs/scenarios.md) as the chosen browser would, with no network. */
export function simulate(input: Scenario | unknown, options: SimulateOptions = {}): SimResult {
  const scenario = parseScenario(input);
  const profile = browserProfile(options.browser ?? 'chrome');
  const respond = scenarioResponder(scenario);
  const r = scenario.request;
  // Plain objects (no spreads): simulate() is the hot path of test suites and of the benchmark.
  const run = runFetch(
    pageOrigin(scenario.origin),
    {
      url: r.url,
      method: r.method,
      headers: toHeaderList(r.headers),
      mode: r.mode,
      credentials: r.credentials,
      redirect: r.redirect,
      useCorsPreflight: r.useCorsPreflight,
      body: r.body,
    },
    { profile, now: options.now },
  );
  let step = run.next();
  while (!step.done) step = run.next(respond(step.value));
  return scenario.name !== undefined ? { name: scenario.name, ...step.value } : step.value;
}
