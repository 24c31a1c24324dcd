// The Firefox side of the differential test: Debian's firefox-esr, headless, driven by puppeteer-core over
// WebDriver BiDi (no geckodriver, never a downloaded browser). Several pages in separate user contexts
// fetch at once (Firefox spends about 45 ms on each fetch whatever it is); CORS failures arrive as BiDi
// log entries ("Cross-Origin Request Blocked: ..."), routed to their case by the URL they name.
import puppeteer, { type Browser, type Frame, type Page } from 'puppeteer-core';
import type { CorpusCase } from './corpus.js';
import { findFirefox, installLine } from './engines.js';
import {
  CaseServer,
  type EngineCaseResult,
  type FetchReport,
  type FetchSpec,
  type PhaseRunner,
  runCases,
  runFetch,
} from './loopback.js';

/** Pages working at once, each in its own user context. */
const PAGES = 4;
const BATCH_SIZE = 40;
/** Quiet time after a batch: log entries trail the rejected fetch(). */
const LATE_EVENT_MS = 150;
const MAX_SETTLE_MS = 3000;

export class FirefoxHarness {
  readonly #server: CaseServer;
  #browser: Browser | undefined;
  readonly #targets: { page: Page; frame: Frame }[] = [];
  #lastEventAt = 0;

  private constructor(server: CaseServer) {
    this.#server = server;
  }

  /** The loopback servers the cases run against (to replay a case with another client). */
  get server(): CaseServer {
    const server = this.#server;
    if (server === undefined) throw new Error('the harness has no server: start() failed');
    return server;
  }

  get stray(): readonly string[] {
    return this.#server.stray;
  }

  static async start(): Promise<FirefoxHarness> {
    const executablePath = findFirefox();
    if (executablePath === undefined)
      throw new Error(
        installLine([{ engine: 'Firefox', packages: ['firefox-esr'], variable: 'CORSKIT_FIREFOX_PATH' }]),
      );
    const harness = new FirefoxHarness(await CaseServer.start());
    try {
      harness.#browser = await puppeteer.launch({
        browser: 'firefox',
        protocol: 'webDriverBiDi',
        headless: true,
        executablePath,
        timeout: 60_000,
      });
      harness.#targets.push(...(await Promise.all(Array.from({ length: PAGES }, () => harness.#openPage()))));
    } catch (err) {
      await harness.close();
      throw err;
    }
    return harness;
  }

  async #openPage(): Promise<{ page: Page; frame: Frame }> {
    const browser = this.#browser as Browser;
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    const note = (text: string): void => {
      this.#lastEventAt = Date.now();
      if (text.startsWith('Cross-Origin Request Blocked')) this.#server.stepFor(text)?.console.push(text);
    };
    // Firefox's CORS lines are log entries of type "javascript", which puppeteer hands over as page errors.
    page.on('pageerror', (err) => note(err instanceof Error ? err.message : String(err)));
    page.on('console', (msg) => note(msg.text()));
    await page.goto(`${this.#server.origins.page}/`, { waitUntil: 'load' });
    const frame = page.frames().find((f) => f !== page.mainFrame() && f.url().endsWith('/frame'));
    if (frame === undefined) throw new Error('Firefox loaded the page without its sandboxed frame');
    return { page, frame };
  }

  /** Firefox's version string. */
  async version(): Promise<string> {
    return (await this.#browser?.version()) ?? 'not started';
  }

  async close(): Promise<void> {
    await this.#browser?.close().catch(() => undefined);
    await this.#server.close();
  }

  async #settle(): Promise<void> {
    const started = Date.now();
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await sleep(LATE_EVENT_MS);
    while (Date.now() - this.#lastEventAt < LATE_EVENT_MS && Date.now() - started < MAX_SETTLE_MS) {
      await sleep(LATE_EVENT_MS - (Date.now() - this.#lastEventAt));
    }
  }

  /** Runs every case and returns what Firefox did. */
  async run(cases: readonly CorpusCase[]): Promise<EngineCaseResult[]> {
    const source = runFetch.toString();
    const inContext = (target: Page | Frame, specs: FetchSpec[]): Promise<FetchReport[]> =>
      specs.length === 0
        ? Promise.resolve([])
        : (target.evaluate(
            (src: string, list: FetchSpec[]) => {
              const one = new Function(`return (${src})`)() as (s: FetchSpec) => Promise<unknown>;
              return Promise.all(list.map(one));
            },
            source,
            specs,
          ) as Promise<FetchReport[]>);
    const runners: PhaseRunner[] = this.#targets.map(({ page, frame }) => async (inPage, inFrame) => {
      const reports = (await Promise.all([inContext(page, inPage), inContext(frame, inFrame)])).flat();
      await this.#settle();
      return reports;
    });
    return runCases(this.#server, cases, runners, BATCH_SIZE);
  }
}
