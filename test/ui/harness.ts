// What the UI's end-to-end tests share: the built page (built here when missing or stale), `corskit ui`
// started as a real process on port 0, small loopback target servers, Debian's Chromium driven by
// playwright-core (never a downloaded browser), screenshots to test-artifacts/ui/, and an axe-core scan.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { chromiumSwitches, findChromium, installLine } from '../browser/engines.js';
import type { PageWindow } from './dom.js';

export const ROOT = join(import.meta.dirname, '../..');
export const ARTIFACTS = join(ROOT, 'test-artifacts/ui');
const APP_INDEX = join(ROOT, 'dist/ui/app/index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, d.name);
    newest = Math.max(newest, d.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the page with Vite when dist/ui/app is missing or older than its sources. */
export function ensureUiBuilt(): void {
  const sources = Math.max(
    ...['src/ui/page', 'src/spec', 'src/browser'].map((d) => newestMtime(join(ROOT, d))),
    statSync(join(ROOT, 'vite.ui.config.ts')).mtimeMs,
  );
  if (existsSync(APP_INDEX) && statSync(APP_INDEX).mtimeMs >= sources) return;
  execFileSync(join(ROOT, 'node_modules/.bin/vite'), ['build', '-c', 'vite.ui.config.ts'], {
    cwd: ROOT,
    stdio: 'pipe',
  });
}

export interface RunningUi {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `corskit ui --port 0` (the CLI from source, through tsx) and waits for its URL. */
export async function startCorskitUi(args: readonly string[] = []): Promise<RunningUi> {
  ensureUiBuilt();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'ui', '--port', '0', ...args],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`corskit ui did not start: ${out}${err}`)), 20_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /corskit ui: (http:\/\/\S+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`corskit ui exited with ${code}: ${out}${err}`));
    });
  });
  return {
    url,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface Target {
  readonly origin: string;
  /** Requests received, in order, as `METHOD path`. */
  readonly received: string[];
  close(): Promise<void>;
}

/** A loopback server answering with `handler`; it records what it receives. */
export async function startTarget(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  host = '127.0.0.1',
): Promise<Target> {
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Debian's Chromium with the differential test's switches (no background traffic, no sandbox as root). */
export async function launchChromium(): Promise<{ browser: Browser; context: BrowserContext; page: Page }> {
  const executablePath = findChromium();
  if (executablePath === undefined)
    throw new Error(
      installLine([{ engine: 'Chromium', packages: ['chromium'], variable: 'CORSKIT_CHROMIUM_PATH' }]),
    );
  const userDataDir = mkdtempSync(join(tmpdir(), 'corskit-ui-'));
  const browser = await chromium.launch({
    executablePath,
    ignoreDefaultArgs: true,
    args: chromiumSwitches(userDataDir, [
      '--font-render-hinting=none',
      // Chromium ignores same-document navigations beyond 200 in 10 s; the corpus test makes hundreds.
      '--disable-ipc-flooding-protection',
    ]),
    timeout: 60_000,
  });
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  return { browser, context, page };
}

/** Writes a full-page screenshot to test-artifacts/ui/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  /** The offending elements' markup, shortened. */
  readonly nodes: readonly string[];
}

const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

/** Runs axe-core in the page (WCAG 2.x A and AA rules); returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through DevTools, which the page's Content-Security-Policy does not govern.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as PageWindow).axe;
    const result = (await axe.run((globalThis as unknown as PageWindow).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    })) as { violations: { id: string; impact: string | null; help: string; nodes: { html: string }[] }[] };
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.html.slice(0, 200)),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
