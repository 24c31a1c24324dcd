// Two or more builds of corskit side by side over HTTP, each against the framework's usual package, in
// one run: for telling whether a change to an adapter made it cheaper, which single runs of run.ts
// (2–3% apart from run to run on this machine) cannot. Each build is a copy of a `dist/bundle` folder,
// loaded by the benchmark's server (server.ts) through CORSKIT_BUNDLE. The samples are taken as in
// run.ts: server pinned to core 0, autocannon on core 1, every server of one request back to back in a
// balanced order, fresh server processes for every repetition, CPU time per request, and the ratio to
// the package taken per repetition (paired).
//
//   npm run build && cp -r dist/bundle /tmp/after     (and the same at the commit before, into /tmp/before)
//   npx tsx bench/http/compare-builds.ts express 'actual allowed,actual denied' 12 /tmp/before /tmp/after
import { basename } from 'node:path';
import {
  balancedOrder,
  cpuOf,
  KINDS,
  type Kind,
  load,
  pinLoadGenerator,
  type Server,
  startServer,
} from './servers.js';

const args = process.argv.slice(2).filter((a) => a !== '--keep-servers');
// Fresh server processes for every repetition, as in run.ts (--keep-servers starts them once): two
// processes of one bundle can differ by up to 15% for the whole of their life.
const FRESH = !process.argv.includes('--keep-servers');
const [framework = 'express', kindList = 'actual allowed', reps = '12', ...builds] = args;
const kinds = kindList.split(',') as Kind[];
if (builds.length === 0 || kinds.some((k) => !KINDS.includes(k)))
  throw new Error(
    'usage: compare-builds.ts <framework> <request,...> <repetitions> <bundle folder>... [--keep-servers]',
  );
const LOAD = { connections: 10, pipelining: 4 };
pinLoadGenerator();

const servers: { name: string; server: Server }[] = [];
/** The package's server and one per build, each warmed for a second on each request. */
async function startAll(): Promise<void> {
  delete process.env.CORSKIT_BUNDLE;
  servers.push({ name: 'package', server: await startServer(framework, 'peer', 1) });
  for (const dir of builds) {
    process.env.CORSKIT_BUNDLE = dir; // read by the child at spawn
    servers.push({ name: basename(dir), server: await startServer(framework, 'corskit', 1) });
  }
  for (const { server } of servers) for (const k of kinds) await load(server, k, 1, { ...LOAD, seconds: 1 });
}
function stopAll(): void {
  for (const { server } of servers) server.child.kill();
  servers.length = 0;
}

const names = ['package', ...builds.map((dir) => basename(dir))];
try {
  const samples = new Map<string, number[]>();
  for (let r = 0; r < Number(reps); r++) {
    if (r === 0 || FRESH) await startAll();
    for (const kind of kinds) {
      for (const { name, server } of balancedOrder(servers, r)) {
        await load(server, kind, 1, { ...LOAD, seconds: 0.3 });
        const before = await cpuOf(server);
        const result = await load(server, kind, 1, { ...LOAD, seconds: 2 });
        const after = await cpuOf(server);
        const key = `${kind}|${name}`;
        samples.set(key, [...(samples.get(key) ?? []), (after - before) / result.requests.total]);
      }
    }
    if (FRESH) stopAll();
    process.stderr.write(`repetition ${r + 1} of ${reps}\n`);
  }

  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
  console.log(`\n| request | build | server CPU µs/req | vs package, paired | cheaper in |`);
  console.log('|---|---|---:|---:|---:|');
  for (const kind of kinds) {
    const pkg = samples.get(`${kind}|package`) as number[];
    for (const name of names.slice(1)) {
      const xs = samples.get(`${kind}|${name}`) as number[];
      const ratios = xs.map((x, i) => x / (pkg[i] as number));
      console.log(
        `| ${kind} | ${name} | ${median(xs).toFixed(1)} | ${median(ratios).toFixed(3)}× | ${ratios.filter((x) => x < 1).length} of ${ratios.length} |`,
      );
    }
  }
} finally {
  stopAll();
}
