// HTTP benchmark: node:http, Express 5, Fastify 5, Koa 3 and Hono 4 (@hono/node-server), each with no
// CORS, its usual CORS package and corskit, over loopback with autocannon. Each server runs in its own
// process with every thread pinned to core 0 (started under `taskset -c 0`, when taskset exists); this
// process, which runs autocannon, pins all its threads to core 1. For every cell (framework × variant ×
// origins × request) and every repetition, the server's CPU time (process.cpuUsage, asked over IPC
// before and after) is divided by the requests answered.
//
// Variants: no CORS; "same headers, no logic", the control (corskit's own answers, decided once and
// written as constants by a middleware, so what it costs over no CORS is the cost of carrying the
// headers through the framework, paid by any CORS package); the framework's usual package; corskit.
//
// One framework at a time: its six servers start (no CORS and the control, which read no allowlist,
// once; the package and corskit at 1 and 10,000 origins), each is warmed on each request for
// --warmup-server seconds, then a repetition runs and the servers stop; every repetition has its own
// server processes (--keep-servers keeps the first ones for all of them). A repetition runs every
// request block (origins × request) once, and within a block every variant back to back, both in an
// order that is rotated and reversed on alternate repetitions (balancedOrder). So corskit and the package are measured seconds apart in every
// repetition, and "CPU vs package" is the median of their per-repetition ratios (paired), with the
// number of repetitions in which corskit was the cheaper: a phase of the shared machine that slows both
// cancels out of a paired ratio, where it would not out of a ratio of two medians. Reports medians and
// the range, and the ratios asked for by issue 12.
//
// Throughput ratios ("req/s vs no CORS", "vs same headers") are paired the same way.
//
//   npm run bench:http [-- --duration 2 --reps 6 --pipelining 4 --connections 10 --filter 'fastify'
//                          --keep-servers]
import { existsSync } from 'node:fs';
import { machine, median } from '../harness.js';
import {
  balancedOrder,
  cpuOf,
  hasTaskset,
  KINDS,
  type Kind,
  load,
  pinLoadGenerator,
  ROOT,
  type Server,
  startServer,
} from './servers.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? dflt : (args[i + 1] ?? dflt);
};
const DURATION = Number(opt('duration', '2'));
const WARMUP = Number(opt('warmup', '0.3'));
const SERVER_WARMUP = Number(opt('warmup-server', '1'));
const REPS = Number(opt('reps', '6'));
const CONNECTIONS = Number(opt('connections', '10'));
// Four requests in flight per connection: with one, autocannon (one core, like the server) was the
// bottleneck in some samples and not in others, and a server's CPU per request, which grows when it is
// not kept busy (fewer requests per wake-up), varied 2× between samples of one cell (Fastify, no CORS:
// 25.9–57.0 µs); with four, the server is the bottleneck and samples agree within a few %.
const PIPELINING = Number(opt('pipelining', '4'));
const FILTER = new RegExp(opt('filter', '.'));
// Fresh server processes for every repetition (the default; --keep-servers starts them once). Two
// processes running the same bundle differed by up to 15% in CPU per request over ten repetitions
// (Fastify, 2026-12-03; see BENCHMARKS.md), which is as much as the differences measured here: with
// one process per variant that difference is a constant bias in every paired ratio, with a fresh one
// per repetition it is noise that the median over repetitions averages out.
const FRESH = !args.includes('--keep-servers');
const FRAMEWORKS = ['node', 'express', 'fastify', 'koa', 'hono'] as const;
// 'headers' is the control: the same response headers as corskit's, written as constants with no CORS
// logic (bench/http/server.ts); at one allowlist size only, since it reads no list.
const VARIANTS = ['none', 'headers', 'peer', 'corskit'] as const;
const SIZES = [1, 10_000] as const;
// Neither no CORS nor the control reads an allowlist: one server each, whose samples are listed once
// and serve as the baseline of both sizes (their blocks sit beside the 1-origin rows).
const ONE_SIZE: ReadonlySet<string> = new Set(['none', 'headers']);
const PEER: Record<(typeof FRAMEWORKS)[number], string> = {
  node: 'cors',
  express: 'cors',
  fastify: '@fastify/cors',
  koa: '@koa/cors',
  hono: 'hono/cors',
};
const LABEL: Record<(typeof FRAMEWORKS)[number], string> = {
  node: 'node:http',
  express: 'Express 5',
  fastify: 'Fastify 5',
  koa: 'Koa 3',
  hono: 'Hono 4',
};

pinLoadGenerator();

interface Sample {
  rps: number;
  p99: number;
  cpuPerRequest: number; // µs
}

async function sample(server: Server, kind: Kind, size: number): Promise<Sample> {
  await load(server, kind, size, { seconds: WARMUP, connections: CONNECTIONS, pipelining: PIPELINING });
  const before = await cpuOf(server);
  const result = await load(server, kind, size, {
    seconds: DURATION,
    connections: CONNECTIONS,
    pipelining: PIPELINING,
  });
  const after = await cpuOf(server);
  const requests = result.requests.total;
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(`${result.errors} errors, ${result.non2xx} non-2xx answers`);
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    cpuPerRequest: (after - before) / requests,
  };
}

interface Cell {
  framework: (typeof FRAMEWORKS)[number];
  variant: (typeof VARIANTS)[number];
  size: number;
  kind: Kind;
  samples: Sample[];
}

async function main(): Promise<void> {
  if (!existsSync(`${ROOT}dist/adapters/node.js`)) throw new Error('run `npm run build` first');
  const started = performance.now();
  const header = await machine();
  const cells: Cell[] = [];
  for (const framework of FRAMEWORKS) {
    const group: Cell[] = [];
    for (const variant of VARIANTS)
      for (const size of SIZES) {
        if (ONE_SIZE.has(variant) && size !== 1) continue;
        if (!FILTER.test(`${framework} ${variant} N=${size}`)) continue;
        for (const kind of KINDS) group.push({ framework, variant, size, kind, samples: [] });
      }
    const servers = new Map<string, Server>();
    try {
      // Each repetition runs the request blocks (origins × request), and within a block every variant
      // back to back, in a balanced order: corskit and the package are then measured seconds apart in
      // every repetition, and their ratio is taken per repetition (paired), so that a slower phase of
      // the machine, which moves both, cancels out of it.
      const blocks = [...new Set(group.map((c) => `${c.size}/${c.kind}`))];
      for (let r = 0; r < REPS && blocks.length > 0; r++) {
        if (r === 0 || FRESH) await startServers(group, servers);
        for (const key of balancedOrder(blocks, r)) {
          const block = group.filter((c) => `${c.size}/${c.kind}` === key);
          for (const cell of balancedOrder(block, r)) {
            const server = servers.get(`${cell.variant}/${cell.size}`) as Server;
            cell.samples.push(await sample(server, cell.kind, cell.size));
          }
        }
        if (FRESH) stopServers(servers);
        progress(`${LABEL[framework]}: repetition ${r + 1} of ${REPS}`);
      }
    } finally {
      stopServers(servers);
    }
    cells.push(...group);
  }
  report(cells, header, (performance.now() - started) / 1000);
}

/** Starts one server per variant and size of the group (in `servers`), each warmed on each request. */
async function startServers(group: readonly Cell[], servers: Map<string, Server>): Promise<void> {
  for (const cell of group) {
    const key = `${cell.variant}/${cell.size}`;
    let server = servers.get(key);
    if (server === undefined) {
      server = await startServer(cell.framework, cell.variant, cell.size);
      servers.set(key, server);
    }
    await load(server, cell.kind, cell.size, {
      seconds: SERVER_WARMUP,
      connections: CONNECTIONS,
      pipelining: PIPELINING,
    });
  }
}

function stopServers(servers: Map<string, Server>): void {
  for (const s of servers.values()) s.child.kill();
  servers.clear();
}

/** One line of progress on stderr (the report goes to stdout). */
function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

const cpuPerRequest = (s: Sample): number => s.cpuPerRequest;

/** corskit's CPU per request over the package's, taken per repetition (the two were measured seconds
 *  apart): the median and range of those ratios, and in how many repetitions corskit was the cheaper. */
function pairedRatios(
  corskit: Cell,
  peer: Cell,
): { median: number; low: number; high: number; cheaper: number } {
  const ratios = corskit.samples.map((s, r) => s.cpuPerRequest / (peer.samples[r] as Sample).cpuPerRequest);
  return {
    median: median(ratios),
    low: Math.min(...ratios),
    high: Math.max(...ratios),
    cheaper: ratios.filter((x) => x < 1).length,
  };
}

/** The median over repetitions of a's requests per second over b's (measured in the same repetition). */
function pairedThroughput(a: Cell, b: Cell): number {
  return median(a.samples.map((s, r) => s.rps / (b.samples[r] as Sample).rps));
}

function report(cells: Cell[], header: string, seconds: number): void {
  // No CORS and the control have one server, listed with the 1-origin rows; they are the baseline of
  // both sizes.
  const find = (c: Cell, variant: Cell['variant']) =>
    cells.find(
      (x) =>
        x.framework === c.framework &&
        x.kind === c.kind &&
        x.variant === variant &&
        (ONE_SIZE.has(variant) || x.size === c.size),
    );
  const med = (c: Cell | undefined, f: (s: Sample) => number): number =>
    c === undefined ? Number.NaN : median(c.samples.map(f));
  const range = (c: Cell, f: (s: Sample) => number, digits: number): string =>
    `${med(c, f).toFixed(digits)} (${Math.min(...c.samples.map(f)).toFixed(digits)}–${Math.max(...c.samples.map(f)).toFixed(digits)})`;
  console.log(
    `\n### HTTP (${header}; taskset ${hasTaskset ? 'server on core 0, autocannon on core 1' : 'not available'}; ${CONNECTIONS} connections × ${PIPELINING} requests in flight; single-threaded GC; ${FRESH ? 'fresh server processes for every repetition' : 'one server process per variant for all repetitions'}, each warmed ${SERVER_WARMUP} s per request, then ${DURATION} s per sample after ${WARMUP} s warm-up, ${REPS} repetitions, variants of one request back to back, one framework at a time; throughput ratios paired; run took ${Math.round(seconds)} s)\n`,
  );
  console.log(
    "| framework | origins | request | variant | req/s | p99 ms | server CPU µs/req | CPU vs package, paired (range) | cheaper in | CPU over no CORS vs package's | req/s vs no CORS | req/s vs same headers |",
  );
  console.log('|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const verdicts: string[] = [];
  for (const c of cells) {
    const peer = find(c, 'peer');
    const none = find(c, 'none');
    const control = find(c, 'headers');
    const paired = c.variant === 'corskit' && peer ? pairedRatios(c, peer) : undefined;
    const cpuRatio = paired
      ? `${paired.median.toFixed(2)}× (${paired.low.toFixed(2)}–${paired.high.toFixed(2)})`
      : '';
    const cheaper = paired ? `${paired.cheaper} of ${c.samples.length}` : '';
    // The CORS work alone: (corskit − no CORS) / (package − no CORS); n/a when the package adds nothing.
    const cpu = (x: Cell | undefined) => med(x, cpuPerRequest);
    const overheadRatio =
      c.variant === 'corskit' && peer && none && cpu(peer) - cpu(none) > 0
        ? `${((cpu(c) - cpu(none)) / (cpu(peer) - cpu(none))).toFixed(2)}×`
        : c.variant === 'corskit'
          ? 'n/a'
          : '';
    const rpsRatio = c.variant !== 'none' && none ? pairedThroughput(c, none).toFixed(2) : '';
    const controlRatio =
      c.variant === 'corskit' && control ? `${pairedThroughput(c, control).toFixed(2)}×` : '';
    const name =
      c.variant === 'peer'
        ? PEER[c.framework]
        : c.variant === 'none'
          ? 'no CORS'
          : c.variant === 'headers'
            ? 'same headers, no logic'
            : 'corskit';
    const origins = ONE_SIZE.has(c.variant) ? 'any' : c.size.toLocaleString('en-US');
    console.log(
      `| ${LABEL[c.framework]} | ${origins} | ${c.kind} | ${name} | ${range(c, (s) => s.rps, 0)} | ${range(c, (s) => s.p99, 0)} | ${range(c, cpuPerRequest, 1)} | ${cpuRatio} | ${cheaper} | ${overheadRatio} | ${rpsRatio && `${rpsRatio}×`} | ${controlRatio} |`,
    );
    if (paired && paired.median > 1)
      verdicts.push(
        `CPU over package: ${LABEL[c.framework]} ${c.kind} N=${c.size}: ${paired.median.toFixed(2)}× (paired; corskit cheaper in ${cheaper} repetitions)`,
      );
    if (c.variant === 'corskit' && c.kind.startsWith('actual') && Number(rpsRatio) < 0.95)
      verdicts.push(
        `throughput under 0.95× no CORS: ${LABEL[c.framework]} ${c.kind} N=${c.size}: ${rpsRatio}×${
          control && none
            ? `; the same headers with no logic: ${pairedThroughput(control, none).toFixed(2)}×, corskit ${controlRatio} of that`
            : ''
        }`,
      );
  }
  console.log(
    `\n${verdicts.length === 0 ? 'All HTTP targets met.' : verdicts.map((v) => `- ${v}`).join('\n')}`,
  );
}

await main();
