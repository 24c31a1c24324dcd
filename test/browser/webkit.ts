// The WebKit side of the differential test: WebKitGTK's MiniBrowser (Debian's libwebkit2gtk-4.1-0, the
// WebCore that Safari's CORS checks live in) under its own Xvfb display. WebKit's automation sessions print
// no console messages, so the harness does not automate it: MiniBrowser opens a self-driving page that asks
// our server for the next fetches, runs them one at a time between marker lines, and posts back what
// script saw. With `--enable-write-console-messages-to-stdout=true` WebKit writes every console message to
// its output, so the CORS lines between two markers belong to that fetch.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CorpusCase } from './corpus.js';
import { findMiniBrowser, findXvfb, installLine } from './engines.js';
import {
  CaseServer,
  type EngineCaseResult,
  type FetchReport,
  type FetchSpec,
  html,
  type RawRequest,
  type RawResponse,
  runCases,
  runFetch,
} from './loopback.js';

const BATCH_SIZE = 100;
/** The longest a batch may take before the harness gives up on it. */
const BATCH_TIMEOUT_MS = 60_000;

const BEGIN = 'corskit-begin ';
const END = 'corskit-end ';
const DONE = 'corskit-batch-done ';

/** The self-driving page: pulls fetches from /next, runs them in turn, posts the reports to /report. */
function driverPage(): string {
  return `<!doctype html><meta charset="utf-8"><title>corskit differential (WebKit)</title>
<iframe name="sandboxed" sandbox="allow-scripts" src="/drive-frame"></iframe>
<script>
const runFetch = ${runFetch.toString()};
const frame = document.querySelector('iframe');
const frameReady = new Promise((resolve) => frame.addEventListener('load', resolve));
const replies = new Map();
addEventListener('message', (e) => { const r = replies.get(e.data.key); replies.delete(e.data.key); r?.(e.data); });
const inFrame = (spec) => new Promise((resolve) => { replies.set(spec.key, resolve); frame.contentWindow.postMessage(spec, '*'); });
async function one(spec) {
  console.log(${JSON.stringify(BEGIN)} + spec.key);
  const report = await runFetch(spec);
  console.log(${JSON.stringify(END)} + spec.key);
  return report;
}
(async () => {
  await frameReady;
  for (;;) {
    const job = await (await fetch('/next', { cache: 'no-store' })).json();
    if (job.done) break;
    if (job.wait) { await new Promise((r) => setTimeout(r, 10)); continue; }
    const reports = [];
    for (const spec of job.page) reports.push(await one(spec));
    for (const spec of job.frame) reports.push(await inFrame(spec));
    console.log(${JSON.stringify(DONE)} + job.batch);
    await fetch('/report', { method: 'POST', body: JSON.stringify({ batch: job.batch, reports }) });
  }
})();
</script>`;
}

function driverFrame(): string {
  return `<!doctype html><meta charset="utf-8"><title>sandboxed</title><script>
const runFetch = ${runFetch.toString()};
addEventListener('message', async (e) => {
  console.log(${JSON.stringify(BEGIN)} + e.data.key);
  const report = await runFetch(e.data);
  console.log(${JSON.stringify(END)} + e.data.key);
  parent.postMessage(report, '*');
});
</script>`;
}

const json = (value: unknown): RawResponse => {
  const body = JSON.stringify(value);
  return {
    status: 200,
    headers: [
      ['Content-Type', 'application/json'],
      ['Cache-Control', 'no-store'],
      ['Content-Length', String(Buffer.byteLength(body))],
    ],
    body,
  };
};

interface Job {
  readonly batch: number;
  readonly page: FetchSpec[];
  readonly frame: FetchSpec[];
  reports?: FetchReport[];
  printedDone?: boolean;
  readonly finish: () => void;
}

export class WebKitHarness {
  #server: CaseServer | undefined;
  readonly #processes: ChildProcess[] = [];
  readonly #home: string;
  #job: Job | undefined;
  #done = false;
  #batches = 0;
  /** The fetch whose console lines are being printed. */
  #current: string | undefined;
  #version = 'not started';
  /** Console lines that named no fetch (outside the markers). */
  readonly unrouted: string[] = [];

  private constructor(home: string) {
    this.#home = home;
  }

  /** The loopback servers the cases run against (to replay a case with another client). */
  get server(): CaseServer {
    const server = this.#server;
    if (server === undefined) throw new Error('the harness has no server: start() failed');
    return server;
  }

  get stray(): readonly string[] {
    return this.#server?.stray ?? [];
  }

  get version(): string {
    return this.#version;
  }

  static async start(): Promise<WebKitHarness> {
    const miniBrowser = findMiniBrowser();
    const xvfb = findXvfb();
    if (miniBrowser === undefined || xvfb === undefined) {
      const packages = [
        ...(miniBrowser === undefined ? ['webkit2gtk-driver'] : []),
        ...(xvfb === undefined ? ['xvfb'] : []),
      ];
      throw new Error(
        installLine([{ engine: 'WebKit', packages, variable: 'CORSKIT_WEBKIT_MINIBROWSER_PATH' }]),
      );
    }
    const harness = new WebKitHarness(mkdtempSync(join(tmpdir(), 'corskit-webkit-')));
    try {
      harness.#server = await CaseServer.start((req) => harness.#route(req));
      const display = await harness.#startXvfb(xvfb);
      harness.#version = execFileSync(miniBrowser, ['--version'], {
        encoding: 'utf8',
        env: { ...process.env, DISPLAY: display },
      }).trim();
      harness.#startMiniBrowser(miniBrowser, display);
    } catch (err) {
      await harness.close();
      throw err;
    }
    return harness;
  }

  /** Starts Xvfb on a display it picks itself, so parallel runs never collide. */
  #startXvfb(path: string): Promise<string> {
    const xvfb = spawn(path, ['-displayfd', '1', '-nolisten', 'tcp', '-screen', '0', '1024x768x24'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    this.#processes.push(xvfb);
    return new Promise((resolve, reject) => {
      let out = '';
      xvfb.once('error', reject);
      xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before opening a display`)));
      xvfb.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(`:${out.trim()}`);
      });
    });
  }

  #startMiniBrowser(path: string, display: string): void {
    const server = this.#server as CaseServer;
    const home = this.#home;
    // stdbuf: the console lines must reach us as they are printed, not when a buffer fills.
    const child = spawn(
      'stdbuf',
      ['-oL', '-eL', path, '--enable-write-console-messages-to-stdout=true', `${server.origins.page}/drive`],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          DISPLAY: display,
          // A fresh profile: no cache, cookies or HSTS state from an earlier run.
          HOME: home,
          XDG_DATA_HOME: join(home, 'data'),
          XDG_CACHE_HOME: join(home, 'cache'),
          XDG_CONFIG_HOME: join(home, 'config'),
        },
      },
    );
    this.#processes.push(child);
    for (const stream of [child.stdout, child.stderr])
      createInterface({ input: stream }).on('line', (line) => this.#line(line));
  }

  /** One line of MiniBrowser's output. */
  #line(line: string): void {
    const log = line.indexOf('CONSOLE LOG ');
    if (log !== -1) {
      const text = line.slice(log + 'CONSOLE LOG '.length);
      if (text.startsWith(BEGIN)) this.#current = text.slice(BEGIN.length);
      else if (text.startsWith(END)) this.#current = undefined;
      else if (text.startsWith(DONE) && this.#job?.batch === Number(text.slice(DONE.length))) {
        this.#job.printedDone = true;
        this.#maybeFinish();
      }
      return;
    }
    const match = /CONSOLE (?:SECURITY|JS|NETWORK) ERROR (.*)$/.exec(line);
    if (match === null) return;
    const text = match[1] as string;
    const step = this.#current === undefined ? undefined : this.#server?.currentStep(this.#current);
    if (step === undefined) this.unrouted.push(text);
    else step.console.push(text);
  }

  #maybeFinish(): void {
    const job = this.#job;
    if (job?.reports !== undefined && job.printedDone === true) job.finish();
  }

  /** The driver's own pages and calls. */
  #route(req: RawRequest): RawResponse | undefined {
    switch (req.target) {
      case '/drive':
        return html(driverPage());
      case '/drive-frame':
        return html(driverFrame());
      case '/next': {
        if (this.#done) return json({ done: true });
        const job = this.#job;
        if (job === undefined || job.reports !== undefined) return json({ wait: true });
        return json({ batch: job.batch, page: job.page, frame: job.frame });
      }
      case '/report': {
        const { batch, reports } = JSON.parse(req.body) as { batch: number; reports: FetchReport[] };
        if (this.#job?.batch === batch) {
          this.#job.reports = reports;
          this.#maybeFinish();
        }
        return { status: 204, headers: [['Cache-Control', 'no-store']] };
      }
      default:
        return undefined;
    }
  }

  /** Runs every case and returns what WebKit did. */
  async run(cases: readonly CorpusCase[]): Promise<EngineCaseResult[]> {
    const server = this.#server;
    if (server === undefined) throw new Error('the harness has no server: start() failed');
    const results = await runCases(
      server,
      cases,
      [
        (page, frame) =>
          new Promise<FetchReport[]>((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error('WebKit did not finish a batch within 60 s')),
              BATCH_TIMEOUT_MS,
            );
            const job: Job = {
              batch: ++this.#batches,
              page,
              frame,
              finish: () => {
                clearTimeout(timer);
                this.#job = undefined;
                resolve(job.reports ?? []);
              },
            };
            this.#job = job;
          }),
      ],
      BATCH_SIZE,
    );
    this.#done = true;
    return results;
  }

  async close(): Promise<void> {
    this.#done = true;
    for (const p of this.#processes.reverse()) {
      if (p.exitCode === null && p.signalCode === null) {
        const exited = new Promise((resolve) => p.once('exit', resolve));
        p.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
      }
    }
    await this.#server?.close();
    rmSync(this.#home, { recursive: true, force: true });
  }
}
