// Run before the tests (npm `pretest`): the differential tests need Chromium, Firefox and WebKitGTK from the
// distribution's packages. In CI (CI=true) whatever is missing is installed with apt-get; elsewhere a
// missing engine stops the run with one line that says how to install it. corskit never downloads a
// browser build, and never skips a scenario.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { APT_INSTALL, installLine, missingEngines } from '../test/browser/engines.js';

const missing = missingEngines();
if (missing.length === 0) process.exit(0);

if (process.env.CI !== 'true' && process.env.CI !== '1') {
  console.error(installLine(missing));
  process.exit(1);
}

if (!existsSync('/usr/bin/apt-get')) {
  console.error(`${installLine(missing)} (CI: no apt-get on this runner)`);
  process.exit(1);
}
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const run = (args: string[]): void => {
  const [command, ...rest] = asRoot ? args : ['sudo', ...args];
  execFileSync(command as string, rest, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
};
console.error(`corskit: installing the browser engines for the differential tests: ${APT_INSTALL}`);
try {
  run(['apt-get', 'update', '-qq']);
  run([...APT_INSTALL.split(' '), '-qq', '--no-install-recommends']);
} catch {
  console.error(`corskit: could not install them: run \`sudo ${APT_INSTALL}\`, then \`npm test\` again.`);
  process.exit(1);
}
const still = missingEngines();
if (still.length > 0) {
  console.error(installLine(still));
  process.exit(1);
}
