// Makes sure Debian's Chromium is installed for the differential tests against a real browser.
// corskit never downloads a browser build: it uses the distribution's package.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.CORSKIT_CHROMIUM_PATH ?? '/usr/bin/chromium';

if (existsSync(CHROMIUM)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = existsSync('/usr/bin/apt-get');
if (!hasApt) {
  console.error(
    `corskit: ${CHROMIUM} is missing and this is not a Debian-like system: install Chromium and set CORSKIT_CHROMIUM_PATH to its path.`,
  );
  process.exit(1);
}
const sudo = isRoot ? [] : ['sudo'];
console.error("corskit: installing Debian's chromium for the browser differential tests (about 20 s)...");
const run = (args) =>
  execFileSync(sudo.length ? 'sudo' : args[0], sudo.length ? args : args.slice(1), {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
try {
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', 'chromium']);
} catch {
  console.error(
    'corskit: could not install chromium: run `apt-get install -y chromium` as root, then `npm test` again.',
  );
  process.exit(1);
}
