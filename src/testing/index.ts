// corskit/testing: assert in a unit test what a browser would do with your app's CORS answers, with no
// browser. Works with vitest, jest and node:test: a failed assertion throws an Error whose message
// holds the whole sequence of events.
import {
  BrowserSim,
  type FetchHandler,
  fetchHandlerTransport,
  type HeaderInit,
  type NodeHandler,
  nodeHandlerTransport,
  type SimErrorCode,
  type SimEvent,
  type SimFetchInit,
  type SimResult,
  type Transport,
} from '../browser/index.js';
import type { BrowserName } from '../spec/index.js';

/** Anything with a fetch-style or node-style entry point. */
export type TestableApp =
  | FetchHandler
  | NodeHandler
  | { fetch: FetchHandler }
  | {
      /** Koa: the app's request listener. */
      callback(): NodeHandler;
    }
  | {
      /** Fastify: a request without a socket. */
      inject(opts: { method: string; url: string; headers: Record<string, string> }): PromiseLike<{
        statusCode: number;
        headers: Record<string, string | string[] | number | undefined>;
      }>;
    };

/** Options of `expectCors`: the base URL of paths and the browser profile. */
export interface ExpectCorsOptions {
  /** Where the app is served; request paths resolve against it. Default `https://api.test`. */
  readonly baseUrl?: string;
  readonly browser?: BrowserName;
}

/** What a page passes to `fetch()`, as far as CORS cares. */
export interface FetchInit {
  readonly method?: string;
  readonly headers?: HeaderInit;
  readonly credentials?: 'omit' | 'same-origin' | 'include';
  readonly mode?: 'cors' | 'no-cors' | 'same-origin';
  readonly redirect?: 'follow' | 'error' | 'manual';
}

/** Chooses how to reach the app in process: a Fetch handler, fastify's inject, or a loopback server. */
async function transportFor(app: TestableApp): Promise<{ transport: Transport; close: () => Promise<void> }> {
  const none = async () => {};
  if (typeof app === 'object' && app !== null) {
    if ('inject' in app && typeof app.inject === 'function')
      return { transport: injectTransport(app), close: none };
    if ('fetch' in app && typeof app.fetch === 'function') {
      const handler = app.fetch.bind(app);
      return { transport: fetchHandlerTransport(handler), close: none };
    }
    if ('callback' in app && typeof app.callback === 'function') {
      const served = await nodeHandlerTransport(app.callback());
      return { transport: served.transport, close: served.close };
    }
  }
  if (typeof app === 'function') {
    // A Fetch handler takes one argument; node listeners (and Express apps) take two or three.
    if (app.length === 1) return { transport: fetchHandlerTransport(app as FetchHandler), close: none };
    const served = await nodeHandlerTransport(app as NodeHandler);
    return { transport: served.transport, close: served.close };
  }
  throw new TypeError(
    'expectCors(app): app must be a Fetch handler, a node:http listener, an Express/Koa/Hono app or a Fastify instance',
  );
}

function injectTransport(app: Extract<TestableApp, { inject: unknown }>): Transport {
  return async (req) => {
    const u = new URL(req.url);
    const headers: Record<string, string> = {};
    for (const [n, v] of req.headers)
      headers[n.toLowerCase()] =
        headers[n.toLowerCase()] === undefined ? v : `${headers[n.toLowerCase()]}, ${v}`;
    headers.host = u.host;
    const res = await app.inject({ method: req.method, url: `${u.pathname}${u.search}`, headers });
    const pairs: [string, string][] = [];
    for (const [n, v] of Object.entries(res.headers)) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const x of v) pairs.push([n, String(x)]);
      else pairs.push([n, String(v)]);
    }
    return { status: res.statusCode, headers: pairs };
  };
}

/** A short, readable timeline for failure messages. */
export function formatEvents(events: readonly SimEvent[]): string {
  const lines: string[] = [];
  for (const e of events) {
    switch (e.step) {
      case 'plan':
        lines.push(`  · ${e.detail}`);
        break;
      case 'preflight-request':
      case 'request':
        lines.push(`  → ${e.method} ${e.url}${e.step === 'preflight-request' ? ' (preflight)' : ''}`);
        for (const [n, v] of e.headers) lines.push(`      ${n}: ${v}`);
        break;
      case 'preflight-response':
      case 'response':
        lines.push(`  ← ${e.status}`);
        for (const [n, v] of e.headers) lines.push(`      ${n}: ${v}`);
        break;
      case 'check':
        lines.push(`  ${e.ok ? '✓' : '✗'} ${e.check}: ${e.detail}`);
        break;
      case 'cache':
        lines.push(`  · ${e.detail}`);
        break;
      case 'redirect':
        lines.push(`  ↪ ${e.status} to ${e.to}${e.tainted ? ' (origin tainted: null)' : ''}`);
        break;
      case 'network-error':
        lines.push(`  ✗ ${e.error} ${e.detail ?? ''}`);
        break;
      case 'result':
        lines.push(`  = ${e.outcome}: ${e.detail}`);
        break;
    }
  }
  return lines.join('\n');
}

/** A failed CORS assertion; the message holds the browser's console line and every event. */
export class CorsAssertionError extends Error {
  readonly result: SimResult;
  constructor(message: string, result: SimResult) {
    super(
      `${message}\n${result.error !== null ? `  console: ${result.error.message}\n` : ''}${formatEvents(result.events)}`,
    );
    this.name = 'CorsAssertionError';
    this.result = result;
  }
}

/** The outcome of one simulated fetch, with assertions. Each assertion resolves to the result. */
export class CorsExpectation implements PromiseLike<SimResult> {
  readonly #run: () => Promise<SimResult>;
  #result: Promise<SimResult> | undefined;
  readonly #label: string;

  constructor(run: () => Promise<SimResult>, label: string) {
    this.#run = run;
    this.#label = label;
  }

  #get(): Promise<SimResult> {
    this.#result ??= this.#run();
    return this.#result;
  }

  // biome-ignore lint/suspicious/noThenProperty: awaiting an expectation gives the raw result, by design.
  then<A = SimResult, B = never>(
    onfulfilled?: ((value: SimResult) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#get().then(onfulfilled, onrejected);
  }

  /** Passes when the page can read the response. */
  async toBeAllowed(): Promise<SimResult> {
    const r = await this.#get();
    if (r.outcome !== 'allowed')
      throw new CorsAssertionError(
        `expected ${this.#label} to be allowed, but it was ${r.outcome}${r.error ? ` (${r.error.code})` : ''}`,
        r,
      );
    return r;
  }

  /** Passes when the browser blocks the request. */
  async toBeBlocked(): Promise<SimResult> {
    const r = await this.#get();
    if (r.outcome !== 'blocked')
      throw new CorsAssertionError(`expected ${this.#label} to be blocked, but it was ${r.outcome}`, r);
    return r;
  }

  /** Passes when the browser blocks it with this error code. */
  async toBeBlockedWith(code: SimErrorCode): Promise<SimResult> {
    const r = await this.#get();
    if (r.outcome !== 'blocked' || r.error?.code !== code) {
      throw new CorsAssertionError(
        `expected ${this.#label} to be blocked with ${code}, but it was ${r.outcome}${r.error ? ` (${r.error.code})` : ''}`,
        r,
      );
    }
    return r;
  }

  /** The page can read these response headers (case-insensitive). */
  async toExpose(...names: string[]): Promise<SimResult> {
    const r = await this.toBeAllowed();
    const missing = names.filter((n) => !r.visibleHeaders.includes(n.toLowerCase()));
    if (missing.length > 0)
      throw new CorsAssertionError(
        `expected ${this.#label} to let the page read ${missing.join(', ')}; it can read: ${r.visibleHeaders.join(', ') || 'nothing'}`,
        r,
      );
    return r;
  }

  /** Whether the browser sends a preflight first. */
  async toSendPreflight(expected = true): Promise<SimResult> {
    const r = await this.#get();
    if (r.preflight.sent !== expected)
      throw new CorsAssertionError(
        `expected ${this.#label} ${expected ? 'to' : 'not to'} send a preflight`,
        r,
      );
    return r;
  }
}

/** The page side of the chain: `expectCors(app).from(origin).fetch(path, init)`. */
export class CorsClient {
  readonly #app: TestableApp;
  readonly #options: ExpectCorsOptions;
  readonly #origin: string;
  #sim: Promise<{ sim: BrowserSim; close: () => Promise<void> }> | undefined;

  constructor(app: TestableApp, options: ExpectCorsOptions, origin: string) {
    this.#app = app;
    this.#options = options;
    this.#origin = origin;
  }

  #getSim(): Promise<{ sim: BrowserSim; close: () => Promise<void> }> {
    this.#sim ??= transportFor(this.#app).then(({ transport, close }) => ({
      sim: new BrowserSim({ transport, browser: this.#options.browser ?? 'chrome', origin: this.#origin }),
      close,
    }));
    return this.#sim;
  }

  /** Fetches `path` (resolved against the app's base URL) the way a page at this origin would. The
   *  client keeps its preflight cache across fetches, like one browser tab. */
  fetch(path: string, init: FetchInit = {}): CorsExpectation {
    const url = new URL(path, this.#options.baseUrl ?? 'https://api.test').href;
    const label = `${init.method ?? 'GET'} ${url} from ${this.#origin}`;
    return new CorsExpectation(async () => {
      const { sim } = await this.#getSim();
      return sim.fetch(url, init as SimFetchInit);
    }, label);
  }

  /** Stops the loopback server started for a node-style app (it never keeps the process alive). */
  async close(): Promise<void> {
    const current = this.#sim;
    this.#sim = undefined;
    if (current !== undefined) await (await current).close();
  }
}

/** Starts an assertion chain for an app. */
export function expectCors(
  app: TestableApp,
  options: ExpectCorsOptions = {},
): {
  /** A page at this origin: its fetches share one preflight cache. */
  from(origin: string): CorsClient;
} {
  return { from: (origin: string) => new CorsClient(app, options, origin) };
}
