// The Chromium side of the differential test: one headless Chromium (Debian's, driven by playwright-core,
// never a downloaded browser) whose page fetches each case and reports what it saw; CORS error codes come
// from DevTools. See the project's shared reference, chromium-notes.md, for why the switches and waits are
// what they are. The servers and batching are loopback.ts's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type CDPSession, chromium, type Frame, type Page } from 'playwright-core';
import type { CorpusCase } from './corpus.js';
import { chromiumSwitches, findChromium, installLine } from './engines.js';
import {
  CASE_PATH,
  CaseServer,
  type EngineCaseResult,
  type FetchReport,
  type FetchSpec,
  runCases,
  runFetch,
} from './loopback.js';

export { type EngineStep as ChromiumStep, type Received, wireScenario } from './loopback.js';

/** How long the page must stay quiet after a batch: CORS failure events trail the rejected fetch(). */
const LATE_EVENT_MS = 150;
/** The longest wait for the page to go quiet after a batch. */
const MAX_SETTLE_MS = 3000;
const BATCH_SIZE = 64;

/** Launches servers and Chromium; throws a clear error when Chromium is not installed. */
export class ChromiumHarness {
  readonly #server: CaseServer;
  readonly #userDataDir: string;
  #browser: Browser | undefined;
  #page: Page | undefined;
  #frame: Frame | undefined;
  /** When the last console message or DevTools event arrived. */
  #lastEventAt = 0;

  private constructor(server: CaseServer, userDataDir: string) {
    this.#server = server;
    this.#userDataDir = userDataDir;
  }

  /** Requests that named no case. */
  get stray(): readonly string[] {
    return this.#server.stray;
  }

  static async start(): Promise<ChromiumHarness> {
    const executablePath = findChromium();
    if (executablePath === undefined)
      throw new Error(
        installLine([{ engine: 'Chromium', packages: ['chromium'], variable: 'CORSKIT_CHROMIUM_PATH' }]),
      );
    const server = await CaseServer.start();
    const userDataDir = mkdtempSync(join(tmpdir(), 'corskit-chromium-'));
    const harness = new ChromiumHarness(server, userDataDir);
    let browser: Browser;
    try {
      browser = await chromium.launch({
        executablePath,
        ignoreDefaultArgs: true,
        args: chromiumSwitches(userDataDir),
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
    await page.goto(`${server.origins.page}/`);
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
    await this.#server.close();
    rmSync(this.#userDataDir, { recursive: true, force: true });
  }

  // -------------------------------------------------------------------------------------------------
  // Observation: console messages from the page (and its sandboxed frame), CORS errors from DevTools.

  async #observe(
    page: Page,
    frame: Frame,
    newSession: (target: Page | Frame) => Promise<CDPSession>,
  ): Promise<void> {
    const server = this.#server;
    page.on('console', (msg) => {
      this.#lastEventAt = Date.now();
      if (msg.type() !== 'error' && msg.type() !== 'warning') return;
      const text = msg.text();
      server.stepFor(text)?.console.push(text);
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
        if (id !== undefined) server.currentStep(id)?.corsErrors.add(e.corsErrorStatus.corsError);
      });
      session.on('Audits.issueAdded', (e) => {
        this.#lastEventAt = Date.now();
        const details = e.issue.details.corsIssueDetails;
        if (e.issue.code !== 'CorsIssue' || details === undefined || details.isWarning) return;
        const viaRequest =
          details.request.requestId !== undefined ? requestCase.get(details.request.requestId) : undefined;
        const id = viaRequest ?? CASE_PATH.exec(details.request.url)?.[1];
        if (id !== undefined) server.currentStep(id)?.corsErrors.add(details.corsErrorStatus.corsError);
      });
      await session.send('Network.enable');
      await session.send('Audits.enable');
    }
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

  /** Runs every case (its steps in order, many cases at once) and returns what Chromium did. */
  async run(cases: readonly CorpusCase[]): Promise<EngineCaseResult[]> {
    const page = this.#page;
    const frame = this.#frame;
    if (page === undefined || frame === undefined) throw new Error('the harness has no page: start() failed');
    const inContext = (target: Page | Frame, specs: FetchSpec[]): Promise<FetchReport[]> =>
      specs.length === 0
        ? Promise.resolve([])
        : target.evaluate(
            ({ source, list }) => {
              const one = new Function(`return (${source})`)() as (s: unknown) => Promise<unknown>;
              return Promise.all(list.map(one)) as Promise<FetchReport[]>;
            },
            { source: runFetch.toString(), list: specs },
          );
    return runCases(
      this.#server,
      cases,
      [
        async (inPage, inFrame) => {
          const reports = (await Promise.all([inContext(page, inPage), inContext(frame, inFrame)])).flat();
          await this.#settle();
          return reports;
        },
      ],
      BATCH_SIZE,
    );
  }
}
