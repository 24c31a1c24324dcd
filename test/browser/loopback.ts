// What the three engine harnesses share: the loopback servers that answer each corpus case as its
// scenario says and record what they receive, the fetch a page makes for a case and what it reports, and
// the batching of cases into phases. Each harness (chromium.ts, firefox.ts, webkit.ts) adds only how its
// engine is started, how a batch of fetches is run in it, and how its console lines are caught.
import { STATUS_CODES } from 'node:http';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import {
  type IncomingResponse,
  type Scenario,
  type ServerAnswer,
  scenarioResponder,
  toHeaderList,
} from '../../src/browser/index.js';
import { type CorpusCase, PLACEHOLDER_HOSTS } from './corpus.js';

/** The three loopback origins the placeholders stand for. */
export interface Origins {
  /** The page's origin (page.test). */
  readonly page: string;
  /** The server the page calls (server.test). */
  readonly server: string;
  /** A third origin for redirect chains (other.test). */
  readonly other: string;
}

/**
 * The one header our server adds to every answer beyond the scenario's: the body's framing. The simulated
 * scenario carries it too, so both sides judge the same response (browsers let script read
 * Content-Length).
 */
export const TRANSPORT_HEADERS: readonly (readonly [string, string])[] = [['Content-Length', '0']];

const hostOf = (origin: string): string => new URL(origin).host;

/**
 * Maps placeholder hosts to the real origins everywhere in a scenario (URLs, Location, Allow-Origin
 * values, userinfo forms alike), case-insensitively, and adds the transport headers to every answer.
 * Both the engine's server and simulate() are given the result, so they judge the same bytes.
 */
export function wireScenario(scenario: Scenario, origins: Origins): Scenario {
  let json = JSON.stringify(scenario);
  for (const key of ['page', 'server', 'other'] as const) {
    const placeholder = PLACEHOLDER_HOSTS[key].replace('.', '\\.');
    json = json.replace(new RegExp(placeholder, 'gi'), hostOf(origins[key]));
  }
  const local = JSON.parse(json) as Scenario;
  const withTransport = (a: ServerAnswer): ServerAnswer => ({
    status: a.status,
    headers: [...toHeaderList(a.headers), ...TRANSPORT_HEADERS.map(([n, v]) => [n, v] as [string, string])],
  });
  const s = local.server;
  // simulate()'s defaults written out (a 404 for preflights, a bare 200 otherwise), so that they too
  // carry the transport headers.
  return {
    ...local,
    server: {
      preflight: withTransport(s.preflight ?? { status: 404 }),
      ...(s.preflights !== undefined ? { preflights: s.preflights.map(withTransport) } : {}),
      ...(s.redirects !== undefined ? { redirects: s.redirects.map(withTransport) } : {}),
      actual: withTransport(s.actual ?? { status: 200 }),
    },
  };
}

/** One request as our server received it. */
export interface Received {
  readonly kind: 'preflight' | 'request';
  readonly method: string;
  /** `http://host:port/path?query` as the server saw it (no userinfo, no fragment). */
  readonly url: string;
  /** Lowercased names; repeated headers joined with ", " as Node does. */
  readonly headers: Readonly<Record<string, string>>;
}

/** What the page's script saw from one fetch. */
export type PageOutcome =
  | {
      readonly kind: 'response';
      readonly type: string;
      readonly status: number;
      readonly headers: string[];
    }
  | { readonly kind: 'rejected'; readonly message: string }
  /** The page never reported this fetch (a harness failure, reported as such). */
  | { readonly kind: 'missing'; readonly message: string };

/** Everything observed about one step (one fetch) of a case. */
export interface EngineStep {
  readonly page: PageOutcome;
  readonly received: Received[];
  /** CorsError names the engine reported through its debugging protocol (Chromium only), deduplicated. */
  readonly corsErrors: string[];
  /** Console lines the engine printed for this fetch. */
  readonly console: string[];
  /** When the step's fetch started (ms since the epoch), for the simulator's clock. */
  readonly startedAt: number;
}

export interface EngineCaseResult {
  readonly id: string;
  /** The scenarios as run, with real origins: give these to simulate(). */
  readonly wire: readonly Scenario[];
  readonly steps: EngineStep[];
}

/** A fetch the page makes, in a form that can travel as JSON. */
export interface FetchSpec {
  readonly key: string;
  readonly url: string;
  readonly method?: string;
  readonly headers: [string, string][];
  readonly mode?: string;
  readonly credentials?: string;
  readonly redirect?: string;
  readonly body: boolean;
}

export type FetchReport =
  | { key: string; ok: true; type: string; status: number; headers: string[] }
  | { key: string; ok: false; message: string };

interface StepState {
  received: Received[];
  corsErrors: Set<string>;
  console: string[];
  page?: PageOutcome;
  startedAt: number;
}

interface CaseState {
  readonly wire: readonly Scenario[];
  phase: number;
  readonly responders: ((r: { kind: 'preflight' | 'request' }) => IncomingResponse)[];
  readonly steps: StepState[];
}

/** The case a URL or console line is about: every case owns the path /c/<id>/. */
export const CASE_PATH = /\/c\/(c\d+)\//;

export const PAGE_HTML =
  '<!doctype html><meta charset="utf-8"><title>corskit differential</title>' +
  '<iframe name="sandboxed" sandbox="allow-scripts" src="/frame"></iframe>';
export const FRAME_HTML = '<!doctype html><meta charset="utf-8"><title>sandboxed</title>';

/** A page of the harness itself (the page's HTML, a driver script...): answered before any case. */
export type ExtraRoute = (req: RawRequest) => RawResponse | undefined;

export const html = (body: string): RawResponse => ({
  status: 200,
  headers: [
    ['Content-Type', 'text/html; charset=utf-8'],
    ['Cache-Control', 'no-store'],
    ['Content-Length', String(Buffer.byteLength(body))],
  ],
  body,
});

/**
 * The servers of the three origins, and every case's state: what each has received in which phase, and
 * what its page saw.
 */
export class CaseServer {
  readonly origins: Origins;
  readonly #servers: Server[];
  readonly #sockets: Set<Socket>;
  readonly #cases = new Map<string, CaseState>();
  /** Requests that named no case (a harness bug if anything but the harness's own pages). */
  readonly stray: string[] = [];
  #extra: ExtraRoute;

  private constructor(origins: Origins, servers: Server[], sockets: Set<Socket>, extra: ExtraRoute) {
    this.origins = origins;
    this.#servers = servers;
    this.#sockets = sockets;
    this.#extra = extra;
  }

  /** Listens on 127.0.0.1 (the page), localhost (the server, IPv4 and IPv6) and 127.0.0.2 (other). */
  static async start(extra: ExtraRoute = () => undefined): Promise<CaseServer> {
    const servers: Server[] = [];
    const sockets = new Set<Socket>();
    let self: CaseServer | undefined;
    const handler = (req: RawRequest): RawResponse =>
      self === undefined ? { status: 503, headers: [['Content-Length', '0']] } : self.#handle(req);
    const listen = (host: string, port = 0): Promise<Server> =>
      new Promise((resolve, reject) => {
        const server = createServer((socket) => {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          serveHttp(socket, handler);
        });
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          servers.push(server);
          resolve(server);
        });
      });
    const portOf = (s: Server): number => (s.address() as AddressInfo).port;
    const pageServer = await listen('127.0.0.1');
    const scenarioServer = await listen('127.0.0.1');
    // localhost may resolve to ::1 first: answer there too when IPv6 is available.
    await listen('::1', portOf(scenarioServer)).catch(() => undefined);
    const otherServer = await listen('127.0.0.2');
    self = new CaseServer(
      {
        page: `http://127.0.0.1:${portOf(pageServer)}`,
        server: `http://localhost:${portOf(scenarioServer)}`,
        other: `http://127.0.0.2:${portOf(otherServer)}`,
      },
      servers,
      sockets,
      extra,
    );
    return self;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await Promise.all(this.#servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  /** Registers the cases: their scenarios are mapped to the real origins. `again`: a case already run is
   *  answered afresh, for another client (corskit check) to replay the same exchange. */
  register(cases: readonly CorpusCase[], again = false): void {
    for (const c of cases) {
      if (this.#cases.has(c.id) && !again) throw new Error(`case ${c.id} appears twice`);
      const wire = c.steps.map((s) => wireScenario(s, this.origins));
      this.#cases.set(c.id, {
        wire,
        phase: 0,
        responders: wire.map((s) => {
          const respond = scenarioResponder(s);
          return (r) => respond({ kind: r.kind, method: '', url: '', headers: [], credentials: false });
        }),
        steps: wire.map(() => ({ received: [], corsErrors: new Set<string>(), console: [], startedAt: 0 })),
      });
    }
  }

  /** The fetch of a case's step `phase`, or undefined when the case has no such step; starts the phase. */
  begin(id: string, phase: number, now: number): FetchSpec | undefined {
    const state = this.#cases.get(id);
    const wire = state?.wire[phase];
    const step = state?.steps[phase];
    if (state === undefined || wire === undefined || step === undefined) return undefined;
    state.phase = phase;
    step.startedAt = now;
    return toFetchSpec(id, wire);
  }

  /** The step a console line or URL names, in its current phase. */
  stepFor(text: string): StepState | undefined {
    const id = CASE_PATH.exec(text)?.[1];
    const state = id === undefined ? undefined : this.#cases.get(id);
    return state?.steps[state.phase];
  }

  /** The current step of a case. */
  currentStep(id: string): StepState | undefined {
    const state = this.#cases.get(id);
    return state?.steps[state.phase];
  }

  /** Records what the page saw for a fetch. */
  report(phase: number, report: FetchReport): void {
    const step = this.#cases.get(report.key)?.steps[phase];
    if (step === undefined) return;
    step.page = report.ok
      ? { kind: 'response', type: report.type, status: report.status, headers: report.headers }
      : { kind: 'rejected', message: report.message };
  }

  results(cases: readonly CorpusCase[]): EngineCaseResult[] {
    return cases.map((c) => {
      const state = this.#cases.get(c.id) as CaseState;
      return {
        id: c.id,
        wire: state.wire,
        steps: state.steps.map((s) => ({
          page: s.page ?? { kind: 'missing', message: 'the page reported nothing for this fetch' },
          received: s.received,
          corsErrors: [...s.corsErrors],
          console: s.console,
          startedAt: s.startedAt,
        })),
      };
    });
  }

  // The server: answers by path, in the order the scenario gives, and records every request.
  #handle(req: RawRequest): RawResponse {
    const path = req.target;
    const own = this.#extra(req);
    if (own !== undefined) return own;
    if (path === '/') return html(PAGE_HTML);
    if (path === '/frame') return html(FRAME_HTML);
    if (path === '/favicon.ico') return { status: 204, headers: [['Cache-Control', 'max-age=3600']] };
    const id = CASE_PATH.exec(path)?.[1];
    const state = id === undefined ? undefined : this.#cases.get(id);
    const step = state?.steps[state.phase];
    const respond = state?.responders[state.phase];
    const headers: Record<string, string> = {};
    for (const [name, value] of req.headers) {
      const lower = name.toLowerCase();
      headers[lower] = headers[lower] === undefined ? value : `${headers[lower]}, ${value}`;
    }
    if (state === undefined || step === undefined || respond === undefined) {
      this.stray.push(`${req.method} ${headers.host}${path}`);
      return { status: 404, headers: [['Content-Length', '0']] };
    }
    const kind =
      req.method === 'OPTIONS' && headers['access-control-request-method'] !== undefined
        ? 'preflight'
        : 'request';
    step.received.push({ kind, method: req.method, url: `http://${headers.host}${path}`, headers });
    const answer = respond({ kind });
    if ('networkError' in answer) return 'reset';
    return { status: answer.status, headers: answer.headers };
  }
}

/** Runs one phase of a batch in an engine: the fetches of the page and of the sandboxed frame. */
export type PhaseRunner = (inPage: FetchSpec[], inFrame: FetchSpec[]) => Promise<FetchReport[]>;

/**
 * Runs every case, its steps in order: cases go in batches, each batch phase by phase (all first
 * fetches, then all second fetches...). Each runner takes batches in turn, so several pages of one engine
 * can work at once.
 */
export async function runCases(
  server: CaseServer,
  cases: readonly CorpusCase[],
  runners: readonly PhaseRunner[],
  batchSize: number,
): Promise<EngineCaseResult[]> {
  server.register(cases);
  // Cases with several steps go together, so each batch waits for as few phases as possible.
  const ordered = [...cases].sort((a, b) => a.steps.length - b.steps.length);
  const batches: CorpusCase[][] = [];
  for (let i = 0; i < ordered.length; i += batchSize) batches.push(ordered.slice(i, i + batchSize));
  let next = 0;
  await Promise.all(
    runners.map(async (run) => {
      for (let b = next++; b < batches.length; b = next++) {
        const batch = batches[b] as CorpusCase[];
        const phases = Math.max(...batch.map((c) => c.steps.length));
        for (let phase = 0; phase < phases; phase++) {
          const inPage: FetchSpec[] = [];
          const inFrame: FetchSpec[] = [];
          const now = Date.now();
          for (const c of batch) {
            const spec = server.begin(c.id, phase, now);
            if (spec !== undefined) (c.frame === 'sandboxed' ? inFrame : inPage).push(spec);
          }
          for (const report of await run(inPage, inFrame)) server.report(phase, report);
        }
      }
    }),
  );
  return server.results(cases);
}

export function toFetchSpec(key: string, s: Scenario): FetchSpec {
  const r = s.request;
  return {
    key,
    url: r.url,
    headers: toHeaderList(r.headers),
    body: r.body ?? false,
    ...(r.method !== undefined ? { method: r.method } : {}),
    ...(r.mode !== undefined ? { mode: r.mode } : {}),
    ...(r.credentials !== undefined ? { credentials: r.credentials } : {}),
    ...(r.redirect !== undefined ? { redirect: r.redirect } : {}),
  };
}

/** Runs in the page: one fetch; reports what script can see. Self-contained (it is sent as source). */
export async function runFetch(s: FetchSpec): Promise<FetchReport> {
  try {
    const init: Record<string, unknown> = { headers: s.headers };
    if (s.method !== undefined) init.method = s.method;
    if (s.mode !== undefined) init.mode = s.mode;
    if (s.credentials !== undefined) init.credentials = s.credentials;
    if (s.redirect !== undefined) init.redirect = s.redirect;
    // A typed array body adds no Content-Type of its own.
    if (s.body) init.body = new Uint8Array([120]);
    const response = await fetch(s.url, init);
    const names = new Set<string>();
    for (const [name] of response.headers) names.add(name);
    await response.arrayBuffer().catch(() => undefined);
    return { key: s.key, ok: true, type: response.type, status: response.status, headers: [...names].sort() };
  } catch (err) {
    return { key: s.key, ok: false, message: String(err) };
  }
}

// ---------------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 server. Node's own parser refuses methods it does not know (`patch`, `FOO`) and
// header values with bytes such as DEL, and adds headers of its own; this one takes any token method,
// keeps every byte, and writes exactly the status line and headers it is given.

export interface RawRequest {
  readonly method: string;
  readonly target: string;
  readonly headers: [string, string][];
  readonly body: string;
}

export type RawResponse =
  | {
      readonly status: number;
      readonly headers: readonly (readonly [string, string])[];
      readonly body?: string;
    }
  | 'reset';

function serveHttp(socket: Socket, handler: (req: RawRequest) => RawResponse): void {
  let buffered = Buffer.alloc(0);
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buffered.subarray(0, end).toString('latin1').split('\r\n');
      const [method = '', target = '/'] = (head[0] ?? '').split(' ');
      const headers: [string, string][] = [];
      let length = 0;
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        const name = line.slice(0, colon);
        const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
        headers.push([name, value]);
        if (name.toLowerCase() === 'content-length') length = Number(value) || 0;
      }
      if (buffered.length < end + 4 + length) return;
      const body = buffered.subarray(end + 4, end + 4 + length).toString('utf8');
      buffered = buffered.subarray(end + 4 + length);
      const response = handler({ method, target, headers, body });
      if (response === 'reset') {
        socket.destroy();
        return;
      }
      let text = `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? 'Status'}\r\n`;
      for (const [name, value] of response.headers) text += `${name}: ${value}\r\n`;
      socket.write(`${text}\r\n`, 'latin1');
      if (response.body !== undefined) socket.write(response.body, 'utf8');
    }
  });
}
