// Every framework snippet of a fix runs as printed: the text is written into a module next to the
// built package, imported with the real library (corskit, express + cors, fastify + @fastify/cors,
// hono, koa + @koa/cors), or put into an nginx configuration that `nginx -t` accepts and nginx
// serves. The page's request then goes to that server over loopback HTTP, and the simulator must
// allow it. npm test builds first, so `corskit` resolves to this package's own dist (self-reference).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect, createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSim, httpTransport } from '../../src/browser/index.js';
import { type CheckReport, runCheck } from '../../src/doctor/check.js';
import type { Fix } from '../../src/doctor/fixes.js';
import { exchangeOf, expectProven } from './proven.js';
import { type Served, serve } from './servers.js';

const ROOT = join(import.meta.dirname, '../..');
const NGINX = '/usr/sbin/nginx';
const PAGE = 'http://localhost:5173';
const allow = { 'Access-Control-Allow-Origin': PAGE };

/** Servers whose CORS answers fall short in different ways; each case's fix has its own shape. */
const CASES: {
  name: string;
  path: string;
  route: Parameters<typeof serve>[0][string];
  request: { method?: string; headers?: [string, string][]; credentials?: boolean };
}[] = [
  { name: 'a simple GET with no CORS headers', path: '/plain', route: {}, request: {} },
  {
    name: 'a credentialed JSON PUT with Authorization, server allowing GET, PUT and Content-Type',
    path: '/put-auth',
    route: {
      preflight: {
        status: 204,
        headers: {
          ...allow,
          'Access-Control-Allow-Credentials': 'true',
          'Access-Control-Allow-Methods': 'GET, PUT',
          'Access-Control-Allow-Headers': 'Content-Type',
          'Access-Control-Max-Age': '600',
        },
      },
      actual: {
        status: 200,
        headers: { ...allow, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' },
      },
    },
    request: {
      method: 'PUT',
      headers: [
        ['Content-Type', 'application/json'],
        ['Authorization', 'Bearer t'],
      ],
      credentials: true,
    },
  },
  {
    name: 'public data under "*", a preflight without Access-Control-Allow-Headers',
    path: '/public',
    route: {
      preflight: { status: 204, headers: { 'Access-Control-Allow-Origin': '*' } },
      actual: { status: 200, headers: { 'Access-Control-Allow-Origin': '*' } },
    },
    request: { method: 'GET', headers: [['X-Trace', '1']] },
  },
  {
    name: 'a DELETE whose preflight gets 404, with an exposed header',
    path: '/delete',
    route: {
      preflight: { status: 404, headers: {} },
      actual: { status: 200, headers: { ...allow, 'Access-Control-Expose-Headers': 'X-Total' } },
    },
    request: { method: 'DELETE' },
  },
];

let api: Served;
const fixes: { name: string; report: CheckReport; fix: Fix }[] = [];
const runDir = existsSync(join(ROOT, 'dist')) ? join(ROOT, 'dist') : ROOT;
let dir = '';

beforeAll(async () => {
  api = await serve(Object.fromEntries(CASES.map((c) => [c.path, c.route])));
  for (const c of CASES) {
    const report = await runCheck({ url: `${api.base}${c.path}`, origin: PAGE, ...c.request });
    expect(report.verdict, c.name).toBe('blocked');
    expectProven(report.fixes, exchangeOf(report));
    fixes.push({ name: c.name, report, fix: report.fixes });
  }
  mkdirSync(runDir, { recursive: true });
  dir = mkdtempSync(join(runDir, '.fix-snippets-'));
});
afterAll(async () => {
  await api?.close();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
/** Writes the module and imports it: the snippet's text is evaluated exactly as printed. */
async function load(text: string): Promise<Record<string, unknown>> {
  const file = join(dir, `snippet-${++counter}.mjs`);
  writeFileSync(file, text);
  return import(/* @vite-ignore */ pathToFileURL(file).href);
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;
async function listen(listener: Listener): Promise<{ base: string; close: () => Promise<void> }> {
  const server: Server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The page's request, sent to the snippet's server; the simulator's verdict. */
async function replay(report: CheckReport, base: string) {
  const path = new URL(report.url).pathname;
  const sim = new BrowserSim({ transport: httpTransport({ timeoutMs: 5000 }), origin: PAGE });
  return sim.fetch(`${base}${path}`, {
    method: report.request.method,
    headers: report.request.headers as [string, string][],
    credentials: report.request.credentials,
  });
}

/** How each dialect's snippet becomes a running server. */
const DIALECTS: Record<
  Exclude<keyof Fix, 'proven' | 'preflight' | 'actual' | 'nginx'>,
  (snippet: string) => Promise<{ base: string; close: () => Promise<void> }>
> = {
  corskit: async (snippet) => {
    const m = await load(
      `import { withCors } from 'corskit/node';\n${snippet}\nexport const listener = withCors((req, res) => res.end('ok'), corsPolicy);\n`,
    );
    return listen(m.listener as Listener);
  },
  expressCors: async (snippet) => {
    const m = await load(
      `import express from 'express';\nexport const app = express();\n${snippet}\napp.use((req, res) => res.send('ok'));\n`,
    );
    return listen(m.app as Listener);
  },
  fastifyCors: async (snippet) => {
    const m = await load(
      `import Fastify from 'fastify';\nexport const fastify = Fastify();\n${snippet}\nfastify.route({ method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], url: '/*', handler: async () => 'ok' });\n`,
    );
    const fastify = m.fastify as {
      listen(o: object): Promise<string>;
      close(): Promise<void>;
    };
    const base = await fastify.listen({ port: 0, host: '127.0.0.1' });
    return { base, close: () => fastify.close() };
  },
  honoCors: async (snippet) => {
    const m = await load(
      `import { Hono } from 'hono';\nexport const app = new Hono();\n${snippet}\napp.all('*', (c) => c.text('ok'));\n`,
    );
    return listen(getRequestListener((m.app as { fetch: (r: Request) => Response }).fetch) as Listener);
  },
  koaCors: async (snippet) => {
    const m = await load(
      `import Koa from 'koa';\nexport const app = new Koa();\n${snippet}\napp.use((ctx) => { ctx.body = 'ok'; });\n`,
    );
    return listen((m.app as { callback(): Listener }).callback());
  },
};

describe.each(CASES.map((c) => c.name))('%s', (name) => {
  const fixOf = () => fixes.find((f) => f.name === name) as (typeof fixes)[number];

  it.each(Object.keys(DIALECTS) as (keyof typeof DIALECTS)[])('the %s snippet, run as printed', async (d) => {
    const { report, fix } = fixOf();
    const server = await DIALECTS[d](fix[d]);
    try {
      const result = await replay(report, server.base);
      expect(result.error, `${d}:\n${fix[d]}\n${JSON.stringify(result.events, null, 1)}`).toBeNull();
      expect(result.outcome).toBe('allowed');
    } finally {
      await server.close();
    }
  });

  it.runIf(existsSync(NGINX))('the nginx snippet, checked by nginx -t and served by nginx', async () => {
    const { report, fix } = fixOf();
    const nginx = await startNginx(fix.nginx);
    try {
      const result = await replay(report, nginx.base);
      expect(result.error, `${fix.nginx}\n${JSON.stringify(result.events, null, 1)}`).toBeNull();
      expect(result.outcome).toBe('allowed');
    } finally {
      await nginx.close();
    }
  });
});

const run = promisify(execFile);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** nginx with the snippet: its http {} part and its location {} part where the snippet says. */
async function startNginx(snippet: string): Promise<{ base: string; close: () => Promise<void> }> {
  const marker = '# in the location {}:';
  const at = snippet.indexOf(marker);
  expect(at).toBeGreaterThan(0);
  const httpPart = snippet.slice(0, at);
  const locationPart = snippet.slice(at + marker.length);
  const prefix = mkdtempSync(join(dir, 'nginx-'));
  const port = await freePort();
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((t) => `  ${t}_temp_path ${join(prefix, t)};`)
    .join('\n');
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(
    conf,
    `daemon off;\nmaster_process off;\npid ${join(prefix, 'nginx.pid')};\nerror_log ${join(prefix, 'error.log')};\nevents { worker_connections 64; }\nhttp {\n  access_log off;\n${temp}\n${httpPart}\n  server {\n    listen 127.0.0.1:${port};\n    location / {\n${locationPart}\n      return 200 "ok";\n    }\n  }\n}\n`,
  );
  await run(NGINX, ['-t', '-q', '-p', prefix, '-c', conf]);
  const child: ChildProcess = spawn(NGINX, ['-p', prefix, '-c', conf], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      }).on('error', () => resolve(false));
    });
    if (up) break;
    if (i > 100 || child.exitCode !== null) throw new Error('nginx did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
