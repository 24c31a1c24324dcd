// Where the three engines of the differential test live. Distribution packages only, never a downloaded
// browser; each path can be overridden by an environment variable. scripts/ensure-browsers.ts reads the
// same functions, so the setup step and the harnesses agree on what "installed" means.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The apt line that installs every engine (Debian and Ubuntu). */
export const APT_INSTALL = 'apt-get install -y chromium firefox-esr webkit2gtk-driver xvfb';

const firstExisting = (paths: readonly string[]): string | undefined => paths.find((p) => existsSync(p));

/** Chromium or Chrome: CORSKIT_CHROMIUM_PATH, else the usual places on Linux and macOS. */
export function findChromium(): string | undefined {
  const own = process.env.CORSKIT_CHROMIUM_PATH;
  if (own !== undefined && own !== '') return existsSync(own) ? own : undefined;
  return firstExisting([
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  ]);
}

/** Firefox (ESR or current; driven over WebDriver BiDi): CORSKIT_FIREFOX_PATH, else the usual places. */
export function findFirefox(): string | undefined {
  const own = process.env.CORSKIT_FIREFOX_PATH;
  if (own !== undefined && own !== '') return existsSync(own) ? own : undefined;
  return firstExisting([
    '/usr/bin/firefox-esr',
    '/usr/bin/firefox',
    '/Applications/Firefox.app/Contents/MacOS/firefox',
  ]);
}

/**
 * WebKitGTK's MiniBrowser (it comes with libwebkit2gtk-4.1-0, which the webkit2gtk-driver package pulls
 * in): CORSKIT_WEBKIT_MINIBROWSER_PATH, else /usr/lib/<multiarch>/webkit2gtk-4.1/MiniBrowser.
 */
export function findMiniBrowser(): string | undefined {
  const own = process.env.CORSKIT_WEBKIT_MINIBROWSER_PATH;
  if (own !== undefined && own !== '') return existsSync(own) ? own : undefined;
  let entries: string[] = [];
  try {
    entries = readdirSync('/usr/lib');
  } catch {
    return undefined;
  }
  return firstExisting(entries.map((arch) => join('/usr/lib', arch, 'webkit2gtk-4.1', 'MiniBrowser')));
}

/** The virtual display MiniBrowser runs on: CORSKIT_XVFB_PATH, else /usr/bin/Xvfb. */
export function findXvfb(): string | undefined {
  const own = process.env.CORSKIT_XVFB_PATH;
  if (own !== undefined && own !== '') return existsSync(own) ? own : undefined;
  return firstExisting(['/usr/bin/Xvfb']);
}

export interface MissingEngine {
  readonly engine: 'Chromium' | 'Firefox' | 'WebKit';
  /** The Debian packages that provide it. */
  readonly packages: readonly string[];
  /** The variable that points at an installed copy instead. */
  readonly variable: string;
}

/** The engines (or their helpers) that cannot be found. */
export function missingEngines(): MissingEngine[] {
  const out: MissingEngine[] = [];
  if (findChromium() === undefined)
    out.push({ engine: 'Chromium', packages: ['chromium'], variable: 'CORSKIT_CHROMIUM_PATH' });
  if (findFirefox() === undefined)
    out.push({ engine: 'Firefox', packages: ['firefox-esr'], variable: 'CORSKIT_FIREFOX_PATH' });
  const webkit: string[] = [];
  if (findMiniBrowser() === undefined) webkit.push('webkit2gtk-driver');
  if (findXvfb() === undefined) webkit.push('xvfb');
  if (webkit.length > 0)
    out.push({ engine: 'WebKit', packages: webkit, variable: 'CORSKIT_WEBKIT_MINIBROWSER_PATH' });
  return out;
}

/** The one line a contributor without an engine reads. */
export function installLine(missing: readonly MissingEngine[]): string {
  const names = missing.map((m) => m.engine).join(', ');
  const packages = missing.flatMap((m) => m.packages).join(' ');
  const variables = missing.map((m) => m.variable).join(', ');
  return `corskit: the browser differential tests need ${names}, not found: install with \`sudo apt-get install -y ${packages}\` (Debian/Ubuntu), or point ${variables} at an installed copy.`;
}

/**
 * The switches every Chromium launch of the tests uses. Playwright's default switches disable
 * AvoidCorsURLLoaderRestartOnRedirect, which changes CORS redirect handling, so launches pass
 * `ignoreDefaultArgs: true` and list every switch here: CORS behaves as in stock Chromium, and nothing
 * reaches the network in the background.
 */
export function chromiumSwitches(userDataDir: string, extra: readonly string[] = []): string[] {
  return [
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
    ...extra,
    `--user-data-dir=${userDataDir}`,
    '--remote-debugging-pipe',
    '--no-startup-window',
  ];
}
