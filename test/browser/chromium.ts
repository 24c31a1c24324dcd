// The Chromium side of the differential test: loopback servers that answer each corpus case as its
// scenario says and record what they receive, and one headless Chromium (Debian's, driven by
// playwright-core, never a downloaded browser) whose page fetches each case and reports what it saw.
// See the project's shared reference, chromium-notes.md, for why the switches and waits are what they are.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type CDPSession, chromium, type Frame, type Page } from 'playwright-core';
import {
  type IncomingResponse,
  type Scenario,
  type ServerAnswer,
  scenarioResponder,
  toHeaderList,
} from '../../src/browser/index.js';
import { type CorpusCase, PLACEHOLDER_HOSTS } from './corpus.js';

/** Debian's chromium; CORSKIT_CHROMIUM_PATH may point elsewhere (never at a downloaded browser). */
export const CHROMIUM_PATH = process.env.CORSKIT_CHROMIUM_PATH ?? '/usr/bin/chromium';

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
 * scenario carries it too, so both sides judge the same response (Chromium lets script read
 * Content-Length).
 */
export const TRANSPORT_HEADERS: readonly (readonly [string, string])[] = [['Content-Length', '0']];

const hostOf = (origin: string): string => new URL(origin).host;

/**
 * Maps placeholder hosts to the real origins everywhere in a scenario (URLs, Location, Allow-Origin
 * values, userinfo forms alike), case-insensitively, and adds the transport headers to every answer.
 * Both Chromium's server and simulate() are given the result, so they judge the same bytes.
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
  /** The evaluation never reported this fetch (a harness failure, reported as such). */
  | { readonly kind: 'missing'; readonly message: string };

/** Everything observed about one step (one fetch) of a case. */
export interface ChromiumStep {
  readonly page: PageOutcome;
  readonly received: Received[];
  /** CorsError names from DevTools (Network.loadingFailed and CORS issues), deduplicated. */
  readonly corsErrors: string[];
  /** Console messages that name the case's URLs (`Failed to load resource` lines carry no URL). */
  readonly console: string[];
  /** When the step's fetch started (ms since the epoch), for the simulator's clock. */
  readonly startedAt: number;
}

export interface ChromiumCaseResult {
  readonly id: string;
  /** The scenarios as run, with real origins: give these to simulate(). */
  readonly wire: readonly Scenario[];
  readonly steps: ChromiumStep[];
}

/** A fetch the page makes, in a form page.evaluate can carry. */
interface FetchSpec {
  readonly key: string;
  readonly url: string;
  readonly method?: string;
  readonly headers: [string, string][];
  readonly mode?: string;
  readonly credentials?: string;
  readonly redirect?: string;
  readonly body: boolean;
}

type FetchReport =
  | { key: string; ok: true; type: string; status: number; headers: string[] }
  | { key: string; ok: false; message: string };

interface CaseState {
  readonly wire: readonly Scenario[];
  phase: number;
  responders: ((r: { kind: 'preflight' | 'request' }) => IncomingResponse)[];
  readonly steps: {
    received: Received[];
    corsErrors: Set<string>;
    console: string[];
    page?: PageOutcome;
    startedAt: number;
  }[];
}

const CASE_PATH = /\/c\/(c\d+)\//;

const PAGE_HTML =
  '<!doctype html><meta charset="utf-8"><title>corskit differential</title>' +
  '<iframe name="sandboxed" sandbox="allow-scripts" src="/frame"></iframe>';
const FRAME_HTML = '<!doctype html><meta charset="utf-8"><title>sandboxed</title>';

/** How long the page must stay quiet after a batch: CORS failure events trail the rejected fetch(). */
const LATE_EVENT_MS = 150;
/** The longest wait for the page to go quiet after a batch. */
const MAX_SETTLE_MS = 3000;
const BATCH_SIZE = 64;

/** Launches servers and Chromium; throws a clear error when Chromium is not installed. */
export class ChromiumHarness {
  readonly origins: Origins;
  readonly #servers: Server[];
  readonly #sockets: Set<Socket>;
  readonly #userDataDir: string;
  readonly #cases = new Map<string, CaseState>();
  #browser: Browser | undefined;
  #page: Page | undefined;
  #frame: Frame | undefined;
  /** When the last console message or DevTools event arrived. */
  #lastEventAt = 0;
  /** Requests that named no case (a harness bug if anything but favicon and page loads). */
  readonly stray: string[] = [];

  private constructor(origins: Origins, servers: Server[], sockets: Set<Socket>, userDataDir: string) {
    this.origins = origins;
    this.#servers = servers;
    this.#sockets = sockets;
    this.#userDataDir = userDataDir;
  }

  static async start(): Promise<ChromiumHarness> {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(
        `The Chromium differential test needs Debian's chromium at ${CHROMIUM_PATH}, and it is missing. ` +
          'Install it with `apt-get update && apt-get install -y chromium` (npm test does this through ' +
          'scripts/ensure-chromium.mjs). This suite never downloads a browser and is never skipped.',
      );
    }
    const servers: Server[] = [];
    const sockets = new Set<Socket>();
    let harness: ChromiumHarness | undefined;
    const handler = (req: RawRequest): RawResponse =>
      harness === undefined ? { status: 503, headers: [['Content-Length', '0']] } : harness.#handle(req);
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
    // Chromium may resolve localhost to ::1 first: answer there too when IPv6 is available.
    await listen('::1', portOf(scenarioServer)).catch(() => undefined);
    const otherServer = await listen('127.0.0.2');
    const origins: Origins = {
      page: `http://127.0.0.1:${portOf(pageServer)}`,
      server: `http://localhost:${portOf(scenarioServer)}`,
      other: `http://127.0.0.2:${portOf(otherServer)}`,
    };

    const userDataDir = mkdtempSync(join(tmpdir(), 'corskit-chromium-'));
    harness = new ChromiumHarness(origins, servers, sockets, userDataDir);
    let browser: Browser;
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        // Playwright's default switches disable AvoidCorsURLLoaderRestartOnRedirect, which changes CORS
        // redirect handling: list every switch ourselves so CORS behaves as in stock Chromium.
        ignoreDefaultArgs: true,
        args: [
          '--headless=new',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--no-default-browser-check',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--disable-extensions',
          '--disable-dev-shm-usage',
          '--mute-audio',
          '--password-store=basic',
          `--user-data-dir=${userDataDir}`,
          '--remote-debugging-pipe',
          '--no-startup-window',
        ],
        timeout: 60_000,
      });
    } catch (err) {
      await harness.close();
      throw err;
    }
    harness.#browser = browser;
    const context = await browser.newContext();
    const page = await context.newPage();
    const frameLoaded = page.waitForEvent('frameattached').then(async (f) => {
      await f.waitForLoadState('load');
      return f;
    });
    await page.goto(`${origins.page}/`);
    const frame = page.frame({ name: 'sandboxed' }) ?? (await frameLoaded);
    await frame.waitForLoadState('load');
    harness.#page = page;
    harness.#frame = frame;
    await harness.#observe(page, frame, context.newCDPSession.bind(context));
    return harness;
  }

  /** Chromium's version string. */
  get version(): string {
    return this.#browser?.version() ?? 'not started';
  }

  async close(): Promise<void> {
    await this.#browser?.close().catch(() => undefined);
    await Promise.all(
      this.#servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            for (const socket of this.#sockets) socket.destroy();
          }),
      ),
    );
    rmSync(this.#userDataDir, { recursive: true, force: true });
  }

  // -------------------------------------------------------------------------------------------------
  // Observation: console messages from the page (and its sandboxed frame), CORS errors from DevTools.

  async #observe(
    page: Page,
    frame: Frame,
    newSession: (target: Page | Frame) => Promise<CDPSession>,
  ): Promise<void> {
    page.on('console', (msg) => {
      this.#lastEventAt = Date.now();
      if (msg.type() !== 'error' && msg.type() !== 'warning') return;
      const text = msg.text();
      const state = this.#stateFor(text);
      if (state !== undefined) state.steps[state.phase]?.console.push(text);
    });
    const sessions: CDPSession[] = [await newSession(page)];
    // A sandboxed frame may live in its own process (an out-of-process iframe) with its own session.
    try {
      sessions.push(await newSession(frame));
    } catch {
      // Not out of process: the page's session sees its requests.
    }
    for (const session of sessions) {
      const requestCase = new Map<string, string>();
      session.on('Network.requestWillBeSent', (e) => {
        const id = CASE_PATH.exec(e.request.url)?.[1];
        if (id !== undefined && !requestCase.has(e.requestId)) requestCase.set(e.requestId, id);
      });
      session.on('Network.loadingFailed', (e) => {
        this.#lastEventAt = Date.now();
        if (e.corsErrorStatus === undefined) return;
        const id = requestCase.get(e.requestId);
        const state = id === undefined ? undefined : this.#cases.get(id);
        state?.steps[state.phase]?.corsErrors.add(e.corsErrorStatus.corsError);
      });
      session.on('Audits.issueAdded', (e) => {
        this.#lastEventAt = Date.now();
        const details = e.issue.details.corsIssueDetails;
        if (e.issue.code !== 'CorsIssue' || details === undefined || details.isWarning) return;
        const viaRequest =
          details.request.requestId !== undefined ? requestCase.get(details.request.requestId) : undefined;
        const id = viaRequest ?? CASE_PATH.exec(details.request.url)?.[1];
        const state = id === undefined ? undefined : this.#cases.get(id);
        state?.steps[state.phase]?.corsErrors.add(details.corsErrorStatus.corsError);
      });
      await session.send('Network.enable');
      await session.send('Audits.enable');
    }
  }

  #stateFor(text: string): CaseState | undefined {
    const id = CASE_PATH.exec(text)?.[1];
    return id === undefined ? undefined : this.#cases.get(id);
  }

  // -------------------------------------------------------------------------------------------------
  // The server: answers by path, in the order the scenario gives, and records every request.

  #handle(req: RawRequest): RawResponse {
    const path = req.target;
    if (path === '/' || path === '/frame') {
      const html = path === '/' ? PAGE_HTML : FRAME_HTML;
      return {
        status: 200,
        headers: [
          ['Content-Type', 'text/html; charset=utf-8'],
          ['Cache-Control', 'no-store'],
          ['Content-Length', String(Buffer.byteLength(html))],
        ],
        body: html,
      };
    }
    if (path === '/favicon.ico') {
      return { status: 204, headers: [['Cache-Control', 'max-age=3600']] };
    }
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

  // -------------------------------------------------------------------------------------------------
  // Running cases.

  /** Runs every case (its steps in order, many cases at once) and returns what Chromium did. */
  async run(cases: readonly CorpusCase[]): Promise<ChromiumCaseResult[]> {
    for (const c of cases) {
      if (this.#cases.has(c.id)) throw new Error(`case ${c.id} appears twice`);
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
    // Cases with several steps go together, so each batch waits for as few phases as possible.
    const ordered = [...cases].sort((a, b) => a.steps.length - b.steps.length);
    for (let i = 0; i < ordered.length; i += BATCH_SIZE)
      await this.#runBatch(ordered.slice(i, i + BATCH_SIZE));
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

  /** Waits until no console message or DevTools event has arrived for LATE_EVENT_MS (bounded). */
  async #settle(): Promise<void> {
    const started = Date.now();
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await sleep(LATE_EVENT_MS);
    while (Date.now() - this.#lastEventAt < LATE_EVENT_MS && Date.now() - started < MAX_SETTLE_MS) {
      await sleep(LATE_EVENT_MS - (Date.now() - this.#lastEventAt));
    }
  }

  async #runBatch(batch: readonly CorpusCase[]): Promise<void> {
    const page = this.#page;
    const frame = this.#frame;
    if (page === undefined || frame === undefined) throw new Error('the harness has no page: start() failed');
    const phases = Math.max(...batch.map((c) => c.steps.length));
    for (let phase = 0; phase < phases; phase++) {
      const inPage: FetchSpec[] = [];
      const inFrame: FetchSpec[] = [];
      const now = Date.now();
      for (const c of batch) {
        const state = this.#cases.get(c.id) as CaseState;
        const wire = state.wire[phase];
        const step = state.steps[phase];
        if (wire === undefined || step === undefined) continue;
        state.phase = phase;
        step.startedAt = now;
        (c.frame === 'sandboxed' ? inFrame : inPage).push(toFetchSpec(c.id, wire));
      }
      const [fromPage, fromFrame] = await Promise.all([
        inPage.length > 0 ? page.evaluate(runFetches, inPage) : Promise.resolve([]),
        inFrame.length > 0 ? frame.evaluate(runFetches, inFrame) : Promise.resolve([]),
      ]);
      await this.#settle();
      for (const report of [...fromPage, ...fromFrame]) {
        const step = this.#cases.get(report.key)?.steps[phase];
        if (step === undefined) continue;
        step.page = report.ok
          ? { kind: 'response', type: report.type, status: report.status, headers: report.headers }
          : { kind: 'rejected', message: report.message };
      }
    }
  }
}

function toFetchSpec(key: string, s: Scenario): FetchSpec {
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

/** Runs in the page: every fetch at once; reports what script can see. */
async function runFetches(specs: FetchSpec[]): Promise<FetchReport[]> {
  return Promise.all(
    specs.map(async (s): Promise<FetchReport> => {
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
        return {
          key: s.key,
          ok: true,
          type: response.type,
          status: response.status,
          headers: [...names].sort(),
        };
      } catch (err) {
        return { key: s.key, ok: false, message: String(err) };
      }
    }),
  );
}

// ---------------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 server. Node's own parser refuses methods it does not know (`patch`, `FOO`) and
// header values with bytes such as DEL, and adds headers of its own; this one takes any token method,
// keeps every byte, and writes exactly the status line and headers it is given.

interface RawRequest {
  readonly method: string;
  readonly target: string;
  readonly headers: [string, string][];
}

type RawResponse =
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
      buffered = buffered.subarray(end + 4 + length);
      const response = handler({ method, target, headers });
      if (response === 'reset') {
        socket.destroy();
        return;
      }
      let text = `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? 'Status'}\r\n`;
      for (const [name, value] of response.headers) text += `${name}: ${value}\r\n`;
      socket.write(`${text}\r\n${response.body ?? ''}`, 'latin1');
    }
  });
}
