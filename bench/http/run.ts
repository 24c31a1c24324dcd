// HTTP benchmark: node:http, Express 5, Fastify 5, Koa 3 and Hono 4 (@hono/node-server), each with no
// CORS, its usual CORS package and corskit, over loopback with autocannon. Each server runs in its own
// process pinned to core 0 (taskset, when present); this process, which runs autocannon, pins itself to
// core 1. For every cell (framework × variant × origins × request) and every repetition, the server's
// CPU time (process.cpuUsage, asked over IPC before and after) is divided by the requests answered.
// Repetitions are interleaved (each runs every cell once, in a rotated order). Reports medians and the
// range, and the ratios asked for by issue 12.
//
//   npm run bench:http [-- --duration 2 --reps 3 --filter 'fastify']
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { actualRequest, DENIED_ORIGIN, originList, preflightRequest, REQUEST_PATH } from '../fixtures.js';
import { machine, median } from '../harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? dflt : (args[i + 1] ?? dflt);
};
const DURATION = Number(opt('duration', '1'));
const WARMUP = Number(opt('warmup', '0.3'));
const REPS = Number(opt('reps', '3'));
const CONNECTIONS = Number(opt('connections', '10'));
const FILTER = new RegExp(opt('filter', '.'));

const FRAMEWORKS = ['node', 'express', 'fastify', 'koa', 'hono'] as const;
const VARIANTS = ['none', 'peer', 'corskit'] as const;
const SIZES = [1, 10_000] as const;
const KINDS = ['actual allowed', 'preflight allowed', 'actual denied'] as const;
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

const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (hasTaskset) execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });

interface Server {
  readonly child: ChildProcess;
  readonly port: number;
}

async function startServer(framework: string, variant: string, size: number): Promise<Server> {
  const child = fork(`${ROOT}bench/http/server.ts`, [framework, variant, String(size)], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (hasTaskset && child.pid !== undefined)
    execFileSync('taskset', ['-p', '-c', '0', String(child.pid)], { stdio: 'ignore' });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`${framework}/${variant} exited with ${code}`)));
  });
  return { child, port };
}

function cpuOf(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.child.once('message', (m: { cpu: number }) => resolve(m.cpu));
    server.child.send({ cpu: true });
  });
}

interface Sample {
  rps: number;
  p99: number;
  cpuPerRequest: number; // µs
}

async function load(server: Server, kind: (typeof KINDS)[number], size: number, seconds: number) {
  const allowed = originList(size)[size - 1] as string;
  const fixture =
    kind === 'actual allowed'
      ? actualRequest(allowed)
      : kind === 'preflight allowed'
        ? preflightRequest(allowed)
        : actualRequest(DENIED_ORIGIN);
  return autocannon({
    url: `http://127.0.0.1:${server.port}${REQUEST_PATH}`,
    method: fixture.method,
    headers: { ...fixture.headers, host: `127.0.0.1:${server.port}` },
    connections: CONNECTIONS,
    duration: seconds,
  });
}

async function sample(server: Server, kind: (typeof KINDS)[number], size: number): Promise<Sample> {
  await load(server, kind, size, WARMUP);
  const before = await cpuOf(server);
  const result = await load(server, kind, size, DURATION);
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
  kind: (typeof KINDS)[number];
  samples: Sample[];
}

async function main(): Promise<void> {
  if (!existsSync(`${ROOT}dist/adapters/node.js`)) throw new Error('run `npm run build` first');
  const started = performance.now();
  const header = await machine();
  const cells: Cell[] = [];
  const servers = new Map<string, Server>();
  for (const framework of FRAMEWORKS)
    for (const variant of VARIANTS)
      for (const size of SIZES) {
        if (!FILTER.test(`${framework} ${variant} N=${size}`)) continue;
        servers.set(`${framework}/${variant}/${size}`, await startServer(framework, variant, size));
        for (const kind of KINDS) cells.push({ framework, variant, size, kind, samples: [] });
      }
  try {
    for (let r = 0; r < REPS; r++) {
      for (let k = 0; k < cells.length; k++) {
        const cell = cells[(k + r * 7) % cells.length] as Cell;
        const server = servers.get(`${cell.framework}/${cell.variant}/${cell.size}`) as Server;
        cell.samples.push(await sample(server, cell.kind, cell.size));
      }
      process.stderr.write(`repetition ${r + 1}/${REPS} done\n`);
    }
  } finally {
    for (const s of servers.values()) s.child.kill();
  }
  report(cells, header, (performance.now() - started) / 1000);
}

function report(cells: Cell[], header: string, seconds: number): void {
  const find = (c: Cell, variant: Cell['variant']) =>
    cells.find(
      (x) => x.framework === c.framework && x.size === c.size && x.kind === c.kind && x.variant === variant,
    );
  const med = (c: Cell | undefined, f: (s: Sample) => number): number =>
    c === undefined ? Number.NaN : median(c.samples.map(f));
  const range = (c: Cell, f: (s: Sample) => number, digits: number): string =>
    `${med(c, f).toFixed(digits)} (${Math.min(...c.samples.map(f)).toFixed(digits)}–${Math.max(...c.samples.map(f)).toFixed(digits)})`;
  console.log(
    `\n### HTTP (${header}; taskset ${hasTaskset ? 'server on core 0, autocannon on core 1' : 'not available'}; ${CONNECTIONS} connections, ${DURATION} s per sample after ${WARMUP} s warm-up, ${REPS} interleaved repetitions; run took ${Math.round(seconds)} s)\n`,
  );
  console.log(
    '| framework | origins | request | variant | req/s | p99 ms | server CPU µs/req | CPU vs package | req/s vs no CORS |',
  );
  console.log('|---|---:|---|---|---:|---:|---:|---:|---:|');
  const verdicts: string[] = [];
  for (const c of cells) {
    const peer = find(c, 'peer');
    const none = find(c, 'none');
    const cpuRatio =
      c.variant === 'corskit' && peer
        ? (med(c, (s) => s.cpuPerRequest) / med(peer, (s) => s.cpuPerRequest)).toFixed(2)
        : '';
    const rpsRatio =
      c.variant !== 'none' && none ? (med(c, (s) => s.rps) / med(none, (s) => s.rps)).toFixed(2) : '';
    const name = c.variant === 'peer' ? PEER[c.framework] : c.variant === 'none' ? 'no CORS' : 'corskit';
    console.log(
      `| ${LABEL[c.framework]} | ${c.size.toLocaleString('en-US')} | ${c.kind} | ${name} | ${range(c, (s) => s.rps, 0)} | ${range(c, (s) => s.p99, 0)} | ${range(c, (s) => s.cpuPerRequest, 1)} | ${cpuRatio && `${cpuRatio}×`} | ${rpsRatio && `${rpsRatio}×`} |`,
    );
    if (c.variant === 'corskit' && Number(cpuRatio) > 1)
      verdicts.push(`CPU over package: ${LABEL[c.framework]} ${c.kind} N=${c.size}: ${cpuRatio}×`);
    if (c.variant === 'corskit' && c.kind.startsWith('actual') && Number(rpsRatio) < 0.95)
      verdicts.push(
        `throughput under 0.95× no CORS: ${LABEL[c.framework]} ${c.kind} N=${c.size}: ${rpsRatio}×`,
      );
  }
  console.log(
    `\n${verdicts.length === 0 ? 'All HTTP targets met.' : verdicts.map((v) => `- ${v}`).join('\n')}`,
  );
}

await main();
