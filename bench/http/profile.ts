// Where a server's CPU goes under load: runs one server of the HTTP benchmark with `node --cpu-prof`,
// loads it with autocannon, then summarizes the profile: self time by function and by package.
//
//   npx tsx bench/http/profile.ts <framework> <variant> [request] [seconds]
//   e.g. npx tsx bench/http/profile.ts hono corskit 'actual allowed' 5
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { actualRequest, DENIED_ORIGIN, originList, preflightRequest, REQUEST_PATH } from '../fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const [framework = 'hono', variant = 'corskit', kind = 'actual allowed', seconds = '5'] =
  process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'corskit-prof-'));
const forked = performance.now();
const child = fork(`${ROOT}bench/http/server.ts`, [framework, variant, '1'], {
  cwd: ROOT,
  execArgv: ['--import', 'tsx', '--cpu-prof', `--cpu-prof-dir=${dir}`],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const port = await new Promise<number>((resolve) =>
  child.once('message', (m: { port: number }) => resolve(m.port)),
);
// Samples before the load starts (process start-up, module loading under tsx) are left out.
const skipMs = performance.now() - forked + 100;
const allowed = originList(1)[0] as string;
const fixture =
  kind === 'preflight allowed'
    ? preflightRequest(allowed)
    : actualRequest(kind === 'actual denied' ? DENIED_ORIGIN : allowed);
const result = await autocannon({
  url: `http://127.0.0.1:${port}${REQUEST_PATH}`,
  method: fixture.method,
  headers: { ...fixture.headers, host: `127.0.0.1:${port}` },
  connections: 10,
  duration: Number(seconds),
});
await new Promise<void>((resolve) => {
  child.once('exit', () => resolve());
  child.disconnect();
});

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (file === undefined) throw new Error('no profile written');
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
};
rmSync(dir, { recursive: true, force: true });
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const where = (url: string): string => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1] as string;
  if (url.includes('/dist/')) return 'corskit';
  if (url.startsWith('node:')) return 'node core';
  return url === '' ? '(vm: gc, idle, native)' : 'other';
};
const selfByFunction = new Map<string, number>();
const selfByPackage = new Map<string, number>();
let total = 0;
let elapsed = 0;
profile.samples.forEach((id, i) => {
  const n = byId.get(id) as Node;
  const dt = profile.timeDeltas[i] ?? 0;
  elapsed += dt / 1000;
  if (elapsed < skipMs || n.callFrame.functionName === '(idle)') return;
  total += dt;
  const pkg = where(n.callFrame.url);
  const fn = `${n.callFrame.functionName || '(anonymous)'} (${pkg}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''})`;
  selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + dt);
  selfByPackage.set(pkg, (selfByPackage.get(pkg) ?? 0) + dt);
});
const top = (m: Map<string, number>, k: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([name, t]) => `| ${name} | ${((t / total) * 100).toFixed(1)}% |`)
    .join('\n');
console.log(
  `\n#### Profile: ${framework}, ${variant}, ${kind} (${result.requests.total} requests in ${seconds} s; ${(total / 1000).toFixed(0)} ms of busy CPU)\n`,
);
console.log(`| package | self time |\n|---|---:|\n${top(selfByPackage, 10)}\n`);
console.log(`| function | self time |\n|---|---:|\n${top(selfByFunction, 15)}`);
