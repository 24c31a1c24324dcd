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
// --slices S takes each repetition's 2 s per server as S turns of 2/S s over all the servers (1 by
// default): this machine has phases of a few seconds in which every request costs up to twice as much,
// shorter than a repetition, which a paired ratio cancels only when they fall on both servers. The
// throughput is the requests over the wall time of the samples, autocannon's start and end included.
// A folder written <folder>@N runs that build with N allowed origins instead (and gets that name), so one
// run can put a build at 1 origin beside the same build at 10,000.
// --held (with --baselines) adds the control keeping an unused policy of the same configuration ("control +
// policy") and the control keeping a plain Set of the origins ("control + Set"): what the allowlist costs by
// the heap it keeps alive, apart from the code a request runs through it.
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

const FLAGS = ['--keep-servers', '--baselines', '--held'];
const VALUED = ['--origins', '--slices'];
const numberFlag = (flag: string, dflt: number): number => {
  const at = process.argv.indexOf(flag);
  return at === -1 ? dflt : Number(process.argv[at + 1]);
};
const SIZE = numberFlag('--origins', 1);
const SLICES = numberFlag('--slices', 1);
const args = process.argv
  .slice(2)
  .filter((a, i, all) => !FLAGS.includes(a) && !VALUED.includes(a) && !VALUED.includes(all[i - 1] as string));
const BASELINES = process.argv.includes('--baselines');
const HELD = process.argv.includes('--held');
const HOLDERS = HELD
  ? ([
      ['control + policy', 'policy'],
      ['control + Set', 'set'],
    ] as const)
  : [];
// Fresh server processes for every repetition, as in run.ts (--keep-servers starts them once): two
// processes of one bundle can differ by up to 15% for the whole of their life.
const FRESH = !process.argv.includes('--keep-servers');
const [framework = 'express', kindList = 'actual allowed', reps = '12', ...builds] = args;
const kinds = kindList.split(',') as Kind[];
if (
  builds.length === 0 ||
  (HELD && !BASELINES) ||
  kinds.some((k) => !KINDS.includes(k)) ||
  !(Number.isInteger(SIZE) && SIZE >= 1) ||
  !(Number.isInteger(SLICES) && SLICES >= 1)
)
  throw new Error(
    'usage: compare-builds.ts <framework> <request,...> <repetitions> <bundle folder>[@N]... [--keep-servers] [--baselines [--held]] [--origins N] [--slices N]',
  );
const LOAD = { connections: 10, pipelining: 4 };
pinLoadGenerator();

/** A build's folder, and its allowlist size from a trailing @N (else --origins). */
const buildsAt = builds.map((arg) => {
  const m = /^(.*)@(\d+)$/.exec(arg);
  const dir = m ? (m[1] as string) : arg;
  return { dir, size: m ? Number(m[2]) : SIZE, name: m ? `${basename(dir)}@${m[2]}` : basename(dir) };
});
if (buildsAt.some((b) => !(b.size >= 1)) || new Set(buildsAt.map((b) => b.name)).size < buildsAt.length)
  throw new Error('each build needs its own name and an allowlist of at least 1 origin');

const servers: { name: string; server: Server; size: number }[] = [];
/** The package's server and one per build, each warmed for a second on each request. */
async function startAll(): Promise<void> {
  delete process.env.CORSKIT_BUNDLE;
  servers.push({ name: 'package', server: await startServer(framework, 'peer', SIZE), size: SIZE });
  if (BASELINES) {
    servers.push({ name: 'no CORS', server: await startServer(framework, 'none', 1), size: 1 });
    servers.push({ name: 'control', server: await startServer(framework, 'headers', SIZE), size: SIZE });
    for (const [name, hold] of HOLDERS) {
      process.env.CORSKIT_BENCH_HOLD = hold; // read by the child at spawn
      servers.push({ name, server: await startServer(framework, 'headers', SIZE), size: SIZE });
    }
    delete process.env.CORSKIT_BENCH_HOLD;
  }
  for (const { dir, size, name } of buildsAt) {
    process.env.CORSKIT_BUNDLE = dir; // read by the child at spawn
    servers.push({ name, server: await startServer(framework, 'corskit', size), size });
  }
  for (const { server, size } of servers)
    for (const k of kinds) await load(server, k, size, { ...LOAD, seconds: 1 });
}
function stopAll(): void {
  for (const { server } of servers) server.child.kill();
  servers.length = 0;
}

const names = [
  'package',
  ...(BASELINES ? ['no CORS', 'control', ...HOLDERS.map(([name]) => name)] : []),
  ...buildsAt.map((b) => b.name),
];
try {
  const samples = new Map<string, number[]>();
  const rates = new Map<string, number[]>();
  // How busy each side was during a sample (CPU time over wall time): a throughput ratio compares the
  // servers only where the server, not autocannon, was the bottleneck (its core near 100%).
  const serverBusy = new Map<string, number[]>();
  const generatorBusy = new Map<string, number[]>();
  const push = (m: Map<string, number[]>, key: string, x: number): void => {
    m.set(key, [...(m.get(key) ?? []), x]);
  };
  for (let r = 0; r < Number(reps); r++) {
    if (r === 0 || FRESH) await startAll();
    for (const kind of kinds) {
      for (const { server, size } of balancedOrder(servers, r))
        await load(server, kind, size, { ...LOAD, seconds: 0.3 });
      // A repetition's 2 s per server, taken in SLICES turns (each in a balanced order of its own), so
      // that a phase of the machine shorter than a repetition falls on every server alike.
      const spent = new Map<string, { cpu: number; requests: number; wallNs: number; own: number }>();
      for (let s = 0; s < SLICES; s++) {
        for (const { name, server, size } of balancedOrder(servers, r * SLICES + s)) {
          const before = await cpuOf(server);
          const [wall, own] = [process.hrtime.bigint(), process.cpuUsage()];
          const result = await load(server, kind, size, { ...LOAD, seconds: 2 / SLICES });
          const [ownSpent, wallNs] = [process.cpuUsage(own), Number(process.hrtime.bigint() - wall)];
          const after = await cpuOf(server);
          const sum = spent.get(name) ?? { cpu: 0, requests: 0, wallNs: 0, own: 0 };
          sum.cpu += after - before;
          sum.requests += result.requests.total;
          sum.wallNs += wallNs;
          sum.own += ownSpent.user + ownSpent.system;
          spent.set(name, sum);
        }
      }
      for (const [name, sum] of spent) {
        const key = `${kind}|${name}`;
        push(samples, key, sum.cpu / sum.requests);
        push(rates, key, (sum.requests * 1e9) / sum.wallNs);
        push(serverBusy, key, (sum.cpu * 1000) / sum.wallNs);
        push(generatorBusy, key, (sum.own * 1000) / sum.wallNs);
      }
    }
    if (FRESH) stopAll();
    // Each server's CPU per request in this repetition, so that a phase of the machine can be seen.
    const last = (name: string) =>
      kinds.map((k) => (samples.get(`${k}|${name}`)?.at(-1) ?? 0).toFixed(1)).join('/');
    process.stderr.write(
      `repetition ${r + 1} of ${reps}: ${names.map((n) => `${n} ${last(n)}`).join(', ')}\n`,
    );
  }

  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
  const paired = (a: number[], b: number[]): number => median(a.map((x, i) => x / (b[i] as number)));
  const extra = BASELINES ? ' throughput vs no CORS | CPU vs no CORS |' : '';
  console.log(
    `\n| request | server | server CPU µs/req | vs package, paired | cheaper in |${extra} server busy | autocannon busy |`,
  );
  console.log(`|---|---|---:|---:|---:|${BASELINES ? '---:|---:|' : ''}---:|---:|`);
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
      const busy = (m: Map<string, number[]>): string => `${(median(at(m, name)) * 100).toFixed(1)}%`;
      console.log(
        `| ${kind} | ${name} | ${median(xs).toFixed(1)} | ${against} | ${cheaper} |${vsNone} ${busy(serverBusy)} | ${busy(generatorBusy)} |`,
      );
    }
  }
} finally {
  stopAll();
}
