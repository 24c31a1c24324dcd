// What the HTTP benchmark (run.ts) and its profiler (profile.ts) share: starting one benchmark server
// (server.ts) pinned to core 0, pinning the load generator to core 1, and loading a server with one of
// the benchmark's requests.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { httpBenchmarkRequest, originList, REQUEST_PATH } from '../fixtures.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const KINDS = ['actual allowed', 'preflight allowed', 'actual denied'] as const;
export type Kind = (typeof KINDS)[number];

export const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Pins every thread of this process (libuv's pool, V8's GC and compiler threads) to core 1. */
export function pinLoadGenerator(): void {
  if (hasTaskset) execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
}

export interface Server {
  readonly child: ChildProcess;
  readonly port: number;
}

// Every thread of a server shares core 0, so V8's parallel GC helpers would only contend with the main
// thread there: single-threaded GC does the same collection work on the main thread, counted once.
const SERVER_FLAGS = ['--single-threaded-gc'];

/** Starts server.ts under `taskset -c 0` (so that every thread it ever makes inherits core 0). */
export async function startServer(
  framework: string,
  variant: string,
  size: number,
  nodeFlags: readonly string[] = [],
  stdout: 'inherit' | 'pipe' = 'inherit',
): Promise<Server> {
  const node = [
    process.execPath,
    ...SERVER_FLAGS,
    ...nodeFlags,
    '--import',
    'tsx',
    `${ROOT}bench/http/server.ts`,
    framework,
    variant,
    String(size),
  ];
  const [command, ...rest] = hasTaskset ? ['taskset', '-c', '0', ...node] : node;
  const child = spawn(command as string, rest, { cwd: ROOT, stdio: ['ignore', stdout, 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`${framework}/${variant} exited with ${code}`)));
  });
  return { child, port };
}

/** Loads `server` with one kind of request (the allowed origin is the last of `size`). */
export function load(
  server: Server,
  kind: Kind,
  size: number,
  options: { seconds: number; connections: number; pipelining: number },
): Promise<autocannon.Result> {
  const allowed = originList(size)[size - 1] as string;
  const fixture = httpBenchmarkRequest(kind, allowed);
  return autocannon({
    url: `http://127.0.0.1:${server.port}${REQUEST_PATH}`,
    method: fixture.method,
    headers: { ...fixture.headers, host: `127.0.0.1:${server.port}` },
    connections: options.connections,
    pipelining: options.pipelining,
    duration: options.seconds,
  });
}

/** The server's CPU time so far (µs), asked over IPC. */
export async function cpuOf(server: Server): Promise<number> {
  return (await statsOf(server)).cpu;
}

/** What the server answers when asked (server.ts): its CPU time (µs) and RSS, and, when started with
 *  CORSKIT_BENCH_GC=1, its garbage collections so far and their time (ms). */
export interface ServerStats {
  readonly cpu: number;
  readonly rss: number;
  readonly gcs: number;
  readonly gcMs: number;
  readonly majorGcMs: number;
}
export function statsOf(server: Server): Promise<ServerStats> {
  return new Promise((resolve) => {
    server.child.once('message', (m: ServerStats) => resolve(m));
    server.child.send({ cpu: true });
  });
}

/** The order of repetition r: repetitions 2k and 2k+1 take the same rotation (by k), forwards then
 *  backwards, so that over each two repetitions every variant runs as often before another as after
 *  it. A sample that follows another server's is not quite like one that precedes it (that server's
 *  connections close and its idle work runs on the same core), and a plain rotation, which puts the
 *  package right before corskit in three repetitions of four, let that pass for a difference between
 *  them. Use an even number of repetitions. */
export function balancedOrder<T>(items: readonly T[], r: number): T[] {
  const k = (r >> 1) % items.length;
  const rotated = [...items.slice(k), ...items.slice(0, k)];
  return r % 2 === 0 ? rotated : rotated.reverse();
}
