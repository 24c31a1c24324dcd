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
//
// --origins N gives the package, the control and the builds N allowed origins (1 by default; the allowed
// request comes from the last), as run.ts's 10,000-origin rows do.
// --baselines adds the servers with no CORS and with the constant headers (run.ts's control), and each
// build's throughput and CPU against no CORS, paired: for the target "actual requests at 0.95× the
// throughput of no CORS", which the ratio to the package does not show.
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

const FLAGS = ['--keep-servers', '--baselines'];
const originsAt = process.argv.indexOf('--origins');
const SIZE = originsAt === -1 ? 1 : Number(process.argv[originsAt + 1]);
const args = process.argv
  .slice(2)
  .filter((a, i, all) => !FLAGS.includes(a) && a !== '--origins' && all[i - 1] !== '--origins');
const BASELINES = process.argv.includes('--baselines');
// Fresh server processes for every repetition, as in run.ts (--keep-servers starts them once): two
// processes of one bundle can differ by up to 15% for the whole of their life.
const FRESH = !process.argv.includes('--keep-servers');
const [framework = 'express', kindList = 'actual allowed', reps = '12', ...builds] = args;
const kinds = kindList.split(',') as Kind[];
if (builds.length === 0 || kinds.some((k) => !KINDS.includes(k)) || !(Number.isInteger(SIZE) && SIZE >= 1))
  throw new Error(
    'usage: compare-builds.ts <framework> <request,...> <repetitions> <bundle folder>... [--keep-servers] [--baselines] [--origins N]',
  );
const LOAD = { connections: 10, pipelining: 4 };
pinLoadGenerator();

const servers: { name: string; server: Server }[] = [];
/** The package's server and one per build, each warmed for a second on each request. */
async function startAll(): Promise<void> {
  delete process.env.CORSKIT_BUNDLE;
  servers.push({ name: 'package', server: await startServer(framework, 'peer', SIZE) });
  if (BASELINES) {
    servers.push({ name: 'no CORS', server: await startServer(framework, 'none', 1) });
    servers.push({ name: 'control', server: await startServer(framework, 'headers', SIZE) });
  }
  for (const dir of builds) {
    process.env.CORSKIT_BUNDLE = dir; // read by the child at spawn
    servers.push({ name: basename(dir), server: await startServer(framework, 'corskit', SIZE) });
  }
  for (const { server } of servers)
    for (const k of kinds) await load(server, k, SIZE, { ...LOAD, seconds: 1 });
}
function stopAll(): void {
  for (const { server } of servers) server.child.kill();
  servers.length = 0;
}

const names = [
  'package',
  ...(BASELINES ? ['no CORS', 'control'] : []),
  ...builds.map((dir) => basename(dir)),
];
try {
  const samples = new Map<string, number[]>();
  const rates = new Map<string, number[]>();
  for (let r = 0; r < Number(reps); r++) {
    if (r === 0 || FRESH) await startAll();
    for (const kind of kinds) {
      for (const { name, server } of balancedOrder(servers, r)) {
        await load(server, kind, SIZE, { ...LOAD, seconds: 0.3 });
        const before = await cpuOf(server);
        const result = await load(server, kind, SIZE, { ...LOAD, seconds: 2 });
        const after = await cpuOf(server);
        const key = `${kind}|${name}`;
        samples.set(key, [...(samples.get(key) ?? []), (after - before) / result.requests.total]);
        rates.set(key, [...(rates.get(key) ?? []), result.requests.average]);
      }
    }
    if (FRESH) stopAll();
    process.stderr.write(`repetition ${r + 1} of ${reps}\n`);
  }

  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
  const paired = (a: number[], b: number[]): number => median(a.map((x, i) => x / (b[i] as number)));
  const extra = BASELINES ? ' throughput vs no CORS | CPU vs no CORS |' : '';
  console.log(`\n| request | server | server CPU µs/req | vs package, paired | cheaper in |${extra}`);
  console.log(`|---|---|---:|---:|---:|${BASELINES ? '---:|---:|' : ''}`);
  for (const kind of kinds) {
    const pkg = samples.get(`${kind}|package`) as number[];
    for (const name of names) {
      const xs = samples.get(`${kind}|${name}`) as number[];
      const ratios = xs.map((x, i) => x / (pkg[i] as number));
      const against = name === 'package' ? '' : `${median(ratios).toFixed(3)}×`;
      const cheaper = name === 'package' ? '' : `${ratios.filter((x) => x < 1).length} of ${ratios.length}`;
      const at = (m: Map<string, number[]>, server: string) => m.get(`${kind}|${server}`) as number[];
      const vsNone = !BASELINES
        ? ''
        : name === 'no CORS'
          ? ' | |'
          : ` ${paired(at(rates, name), at(rates, 'no CORS')).toFixed(3)}× | ${paired(xs, at(samples, 'no CORS')).toFixed(3)}× |`;
      console.log(`| ${kind} | ${name} | ${median(xs).toFixed(1)} | ${against} | ${cheaper} |${vsNone}`);
    }
  }
} finally {
  stopAll();
}
