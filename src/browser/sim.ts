// BrowserSim: one browser tab's worth of state (the preflight cache) across many fetches, over any
// transport: real HTTP, a Fetch-API handler, or a node:http handler.
import { type BrowserName, browserProfile, CorsPreflightCache, type HeaderList } from '../spec/index.js';
import {
  type IncomingResponse,
  type OutgoingRequest,
  pageOrigin,
  runFetch,
  type SimRequest,
  type SimResult,
} from './engine.js';
import { type HeaderInit, toHeaderList } from './scenario.js';

/** Sends what the browser sends; answers with the response or a network failure. */
export type Transport = (request: OutgoingRequest) => IncomingResponse | Promise<IncomingResponse>;

/** Options of `BrowserSim`. */
export interface BrowserSimOptions {
  readonly transport: Transport;
  readonly browser?: BrowserName;
  /** The page's origin used when a fetch does not name one. */
  readonly origin?: string;
  /** Clock in milliseconds, for the preflight cache (tests pass a fake one). */
  readonly now?: () => number;
}

/** What `BrowserSim.fetch` takes, as `fetch()` does. */
export interface SimFetchInit extends Omit<SimRequest, 'url' | 'headers'> {
  /** The page's origin for this fetch. */
  readonly origin?: string;
  readonly headers?: HeaderInit;
}

/** One browser tab: fetches through a transport, keeping the preflight cache between them. */
export class BrowserSim {
  readonly #transport: Transport;
  readonly #cache: CorsPreflightCache;
  readonly #browser: BrowserName;
  readonly #origin: string | undefined;
  readonly #now: () => number;

  constructor(options: BrowserSimOptions) {
    this.#transport = options.transport;
    this.#browser = options.browser ?? 'chrome';
    this.#cache = new CorsPreflightCache(browserProfile(this.#browser));
    this.#origin = options.origin;
    this.#now = options.now ?? Date.now;
  }

  /** Fetches `url` from the page, keeping the preflight cache between calls like one tab. */
  async fetch(url: string, init: SimFetchInit = {}): Promise<SimResult> {
    const origin = init.origin ?? this.#origin;
    if (origin === undefined)
      throw new TypeError(
        'BrowserSim.fetch needs the page origin: pass { origin } here or to the constructor',
      );
    const headers: HeaderList = toHeaderList(init.headers);
    const run = runFetch(
      pageOrigin(origin),
      { ...init, url, headers },
      {
        profile: browserProfile(this.#browser),
        cache: this.#cache,
        now: this.#now(),
      },
    );
    let step = run.next();
    while (!step.done) {
      let answer: IncomingResponse;
      try {
        answer = await this.#transport(step.value);
      } catch (err) {
        answer = {
          networkError: 'transport-error',
          detail: err instanceof Error ? err.message : String(err),
        };
      }
      step = run.next(answer);
    }
    return step.value;
  }
}
