// corskit/web and corskit/hono on Bun, Deno and workerd (the Workers runtime), all three from npm: the
// application in app.ts is bundled with esbuild, served by each runtime on a loopback port, and a corpus
// of requests is sent to it over HTTP. Every answer must carry the same status and CORS headers as the
// same application gives on Node.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN, handle } from './app.js';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'node_modules/.bin');
const APP = join(import.meta.dirname, 'app.ts');

interface Probe {
  readonly name: string;
  readonly path: string;
  readonly method: string;
  readonly headers: Record<string, string>;
}

const preflight = (origin: string, method: string, headers?: string): Record<string, string> => ({
  origin,
  'access-control-request-method': method,
  ...(headers === undefined ? {} : { 'access-control-request-headers': headers }),
});

/** The corpus: allowed and refused actual requests and preflights, errors, raw responses, hostile input. */
const CORPUS: readonly Probe[] = ['/web/', '/hono/'].flatMap((base) => [
  { name: 'allowed GET', path: `${base}items`, method: 'GET', headers: { origin: APP_ORIGIN } },
  { name: 'refused GET', path: `${base}items`, method: 'GET', headers: { origin: 'https://evil.example' } },
  { name: 'no Origin', path: `${base}items`, method: 'GET', headers: {} },
  {
    name: 'loopback any port',
    path: `${base}items`,
    method: 'GET',
    headers: { origin: 'http://localhost:5173' },
  },
  { name: 'Origin null', path: `${base}items`, method: 'GET', headers: { origin: 'null' } },
  {
    name: 'upper-case Origin',
    path: `${base}items`,
    method: 'GET',
    headers: { origin: 'https://APP.example.com' },
  },
  {
    name: '8 KB Origin',
    path: `${base}items`,
    method: 'GET',
    headers: { origin: `https://${'a'.repeat(8000)}.com` },
  },
  {
    name: 'allowed preflight',
    path: `${base}items`,
    method: 'OPTIONS',
    headers: preflight(APP_ORIGIN, 'PUT', 'content-type, x-request-id'),
  },
  {
    name: 'preflight, method refused',
    path: `${base}items`,
    method: 'OPTIONS',
    headers: preflight(APP_ORIGIN, 'PATCH'),
  },
  {
    name: 'preflight, header refused',
    path: `${base}items`,
    method: 'OPTIONS',
    headers: preflight(APP_ORIGIN, 'PUT', 'authorization'),
  },
  {
    name: 'preflight, refused origin',
    path: `${base}items`,
    method: 'OPTIONS',
    headers: preflight('https://evil.example', 'PUT'),
  },
  {
    name: 'preflight, 8 KB method',
    path: `${base}items`,
    method: 'OPTIONS',
    headers: preflight(APP_ORIGIN, 'P'.repeat(8000)),
  },
  { name: 'OPTIONS without ACRM', path: `${base}items`, method: 'OPTIONS', headers: { origin: APP_ORIGIN } },
  { name: 'throwing handler', path: `${base}boom`, method: 'GET', headers: { origin: APP_ORIGIN } },
  {
    name: 'public GET',
    path: `${base}public/items`,
    method: 'GET',
    headers: { origin: 'https://any.example' },
  },
  {
    name: 'public preflight',
    path: `${base}public/items`,
    method: 'OPTIONS',
    headers: preflight('https://any.example', 'DELETE', 'x-anything'),
  },
  ...(base === '/hono/'
    ? [{ name: 'raw Response', path: `${base}raw`, method: 'GET', headers: { origin: APP_ORIGIN } }]
    : []),
]);

/** Status and the headers CORS is about, as compared across runtimes. */
function summary(res: Response): { status: number; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (name.startsWith('access-control-') || name === 'vary') headers[name] = value;
  });
  return { status: res.status, headers };
}

async function expectedOnNode(probe: Probe) {
  return summary(
    await handle(
      new Request(`http://127.0.0.1${probe.path}`, { method: probe.method, headers: probe.headers }),
    ),
  );
}

interface Runtime {
  readonly name: string;
  /** Starts serving the bundle; resolves with the base URL. */
  start(dir: string): Promise<{ url: string; child: ChildProcess }>;
}

function waitForPort(child: ChildProcess, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d;
      const m = /PORT=(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.stderr?.on('data', (d: Buffer) => {
      err += d;
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${err.slice(0, 2000)}`)));
  });
}

async function bundle(dir: string, name: string, entry: string): Promise<string> {
  const entryFile = join(dir, `${name}-entry.ts`);
  writeFileSync(entryFile, entry);
  const outfile = join(dir, `${name}.mjs`);
  await build({
    entryPoints: [entryFile],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

const RUNTIMES: readonly Runtime[] = [
  {
    name: 'Bun',
    async start(dir) {
      const file = await bundle(
        dir,
        'bun',
        `import { handle } from ${JSON.stringify(APP)};
const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: handle });
console.log('PORT=' + server.port);`,
      );
      const child = spawn(join(BIN, 'bun'), ['run', file], { stdio: ['ignore', 'pipe', 'pipe'] });
      return { url: `http://127.0.0.1:${await waitForPort(child, 'bun')}`, child };
    },
  },
  {
    name: 'Deno',
    async start(dir) {
      const file = await bundle(
        dir,
        'deno',
        `import { handle } from ${JSON.stringify(APP)};
Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: ({ port }) => console.log('PORT=' + port) }, handle);`,
      );
      const child = spawn(join(BIN, 'deno'), ['run', '--allow-net', '--no-prompt', '--quiet', file], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, DENO_DIR: join(dir, 'deno-dir'), NO_COLOR: '1' },
      });
      return { url: `http://127.0.0.1:${await waitForPort(child, 'deno')}`, child };
    },
  },
  {
    name: 'workerd',
    async start(dir) {
      await bundle(
        dir,
        'worker',
        `import { handle } from ${JSON.stringify(APP)};\nexport default { fetch: handle };`,
      );
      writeFileSync(
        join(dir, 'config.capnp'),
        `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "worker.mjs") ],
  compatibilityDate = "2025-01-01",
);
`,
      );
      // workerd takes its listening socket from us (--socket-fd), so it listens on a port 0 we chose.
      const listener: Server = createServer();
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      const port = (listener.address() as { port: number }).port;
      const fd = (listener as unknown as { _handle: { fd: number } })._handle.fd;
      const child = spawn(
        join(BIN, 'workerd'),
        ['serve', join(dir, 'config.capnp'), '--socket-fd', 'http=3'],
        {
          stdio: ['ignore', 'pipe', 'pipe', fd],
        },
      );
      listener.close();
      // Ready when it answers.
      for (let i = 0; i < 200; i++) {
        if (child.exitCode !== null) throw new Error(`workerd exited with ${child.exitCode}`);
        try {
          await fetch(`http://127.0.0.1:${port}/nowhere`);
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      return { url: `http://127.0.0.1:${port}`, child };
    },
  },
];

describe.each(RUNTIMES)('corskit/web and corskit/hono on $name', (runtime) => {
  let dir = '';
  let served: { url: string; child: ChildProcess } | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `corskit-${runtime.name.toLowerCase()}-`));
    served = await runtime.start(dir);
  }, 60_000);
  afterAll(() => {
    served?.child.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(CORPUS.map((p) => [`${p.path} ${p.name}`, p] as const))(
    '%s: same answer as on Node',
    async (_n, probe) => {
      const res = await fetch(`${served?.url}${probe.path}`, {
        method: probe.method,
        headers: probe.headers,
      });
      await res.arrayBuffer();
      expect(summary(res)).toEqual(await expectedOnNode(probe));
    },
  );
});
