// One HTTP server for the HTTP benchmark, run in its own process (pinned to one core by run.ts):
//   node --import tsx bench/http/server.ts <framework> <variant> <origins>
// framework: node | express | fastify | koa | hono; variant: none | peer | corskit | headers. It listens on a
// loopback port 0, sends {port} to its parent over IPC, and answers {cpu} (process.cpuUsage, µs) when
// asked, so the parent can take the CPU time spent between two moments.
import http from 'node:http';
import { type AddressInfo, Socket } from 'node:net';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import {
  ALL_METHODS,
  ALLOWED_HEADERS,
  actualRequest,
  DENIED_ORIGIN,
  httpBenchmarkRequest,
  MAX_AGE,
  originList,
  preflightRequest,
  REQUEST_PATH,
} from '../fixtures.js';

const [framework = 'node', variant = 'none', size = '1'] = process.argv.slice(2);
const origins = originList(Number(size));
const corskitConfig = {
  origins,
  credentials: true,
  methods: ['PUT', 'DELETE'],
  requestHeaders: [...ALLOWED_HEADERS],
  maxAge: MAX_AGE,
};
const peerNodeOptions = {
  origin: origins,
  credentials: true,
  methods: [...ALL_METHODS],
  allowedHeaders: [...ALLOWED_HEADERS],
  maxAge: MAX_AGE,
};

type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** The control variant "headers": the very headers corskit answers each benchmark request with, decided
 *  once at startup and written as constants by a middleware with no CORS logic (one string comparison
 *  tells the allowed origin from the denied one). What it costs over "no CORS" is the cost of carrying
 *  those headers through the framework, which any CORS middleware pays. */
interface Canned {
  readonly preflight: [string, string][];
  readonly allowed: [string, string][];
  readonly denied: [string, string][];
  readonly preflightStatus: number;
}
async function canned(): Promise<Canned> {
  const { createCorsPolicy } = await built<typeof import('../../src/index.js')>('');
  const policy = createCorsPolicy(corskitConfig);
  const allowedOrigin = origins[origins.length - 1] as string;
  const answer = (r: { method: string; headers: Record<string, string> }): [string, string][] => {
    const d = policy.decide(r);
    return [
      ...d.headers.map(([n, v]) => [n, v] as [string, string]),
      ...(d.vary.length > 0 ? [['Vary', d.vary.join(', ')] as [string, string]] : []),
    ];
  };
  const pre = policy.decide(preflightRequest(allowedOrigin));
  return {
    preflight: answer(preflightRequest(allowedOrigin)),
    allowed: answer(actualRequest(allowedOrigin)),
    denied: answer(actualRequest(DENIED_ORIGIN)),
    preflightStatus: pre.status ?? 204,
  };
}
const cannedFor = (c: Canned, method: string | undefined, origin: unknown): [string, string][] =>
  method === 'OPTIONS' ? c.preflight : origin === DENIED_ORIGIN ? c.denied : c.allowed;
type Mw = (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;

/** An adapter of the built package, loaded by name as users load it (the bundles of dist/bundle); typed
 *  from the sources, so that type-checking the benchmarks needs no build. */
async function built<T>(subpath: string): Promise<T> {
  const other = process.env.CORSKIT_BUNDLE; // another build's dist/bundle (bench/http/compare-builds.ts)
  if (other) return (await import(`${other}/${subpath === '' ? 'index' : subpath}.js`)) as T;
  return (await import(subpath === '' ? 'corskit' : `corskit/${subpath}`)) as T;
}

async function listener(): Promise<Listener | http.Server> {
  switch (framework) {
    case 'node': {
      const ok = (req: http.IncomingMessage, res: http.ServerResponse): void => {
        if (req.method === 'OPTIONS') {
          res.statusCode = 204;
          res.end();
        } else res.end('ok');
      };
      if (variant === 'none') return ok;
      if (variant === 'headers') {
        const c = await canned();
        return (req, res) => {
          for (const [n, v] of cannedFor(c, req.method, req.headers.origin)) res.setHeader(n, v);
          if (req.method === 'OPTIONS') {
            res.statusCode = c.preflightStatus;
            res.end();
          } else res.end('ok');
        };
      }
      const mw: Mw =
        variant === 'peer'
          ? ((await import('cors')).default(peerNodeOptions) as Mw)
          : (await built<typeof import('../../src/adapters/node.js')>('node')).cors(corskitConfig);
      return (req, res) => mw(req, res, () => ok(req, res));
    }
    case 'express': {
      const express = (await import('express')).default;
      const app = express();
      app.disable('x-powered-by');
      if (variant === 'peer') app.use((await import('cors')).default(peerNodeOptions));
      if (variant === 'corskit')
        app.use((await built<typeof import('../../src/adapters/express.js')>('express')).cors(corskitConfig));
      if (variant === 'headers') {
        const c = await canned();
        app.use((req, res, next) => {
          for (const [n, v] of cannedFor(c, req.method, req.headers.origin)) res.setHeader(n, v);
          if (req.method === 'OPTIONS') res.status(c.preflightStatus).end();
          else next();
        });
      }
      if (variant === 'none') app.options(REQUEST_PATH, (_req, res) => void res.sendStatus(204));
      app.get(REQUEST_PATH, (_req, res) => void res.send('ok'));
      return app as unknown as Listener;
    }
    case 'fastify': {
      const Fastify = (await import('fastify')).default;
      const app = Fastify({ logger: false });
      if (variant === 'peer') await app.register((await import('@fastify/cors')).default, peerNodeOptions);
      if (variant === 'corskit')
        await app.register(
          (await built<typeof import('../../src/adapters/fastify.js')>('fastify')).cors(corskitConfig),
        );
      if (variant === 'headers') {
        const c = await canned();
        app.addHook('onRequest', (req, reply, done) => {
          for (const [n, v] of cannedFor(c, req.method, req.headers.origin)) reply.header(n, v);
          if (req.method === 'OPTIONS') reply.code(c.preflightStatus).send();
          else done();
        });
        app.options(REQUEST_PATH, (_req, reply) => void reply.code(204).send());
      }
      if (variant === 'none') app.options(REQUEST_PATH, (_req, reply) => void reply.code(204).send());
      app.get(REQUEST_PATH, (_req, reply) => void reply.send('ok'));
      await app.ready();
      return app.server;
    }
    case 'koa': {
      const Koa = (await import('koa')).default;
      const app = new Koa();
      // A connection autocannon closes at the end of a sample, with answers still to write, is not news.
      app.silent = true;
      if (variant === 'peer') {
        const koaCors = (await import('@koa/cors')).default;
        app.use(
          koaCors({
            origin: (ctx) => {
              const o = ctx.get('Origin');
              return origins.includes(o) ? o : '';
            },
            credentials: true,
            allowMethods: [...ALL_METHODS],
            allowHeaders: [...ALLOWED_HEADERS],
            maxAge: MAX_AGE,
          }),
        );
      }
      if (variant === 'corskit')
        app.use((await built<typeof import('../../src/adapters/koa.js')>('koa')).cors(corskitConfig));
      if (variant === 'headers') {
        const c = await canned();
        app.use((ctx, next) => {
          for (const [n, v] of cannedFor(c, ctx.method, ctx.req.headers.origin)) ctx.set(n, v);
          if (ctx.method === 'OPTIONS') {
            ctx.status = c.preflightStatus;
            return;
          }
          return next();
        });
      }
      app.use((ctx) => {
        if (ctx.method === 'OPTIONS') ctx.status = 204;
        else ctx.body = 'ok';
      });
      return app.callback();
    }
    case 'hono': {
      const { Hono } = await import('hono');
      const { getRequestListener } = await import('@hono/node-server');
      const app = new Hono();
      if (variant === 'peer') {
        const { cors } = await import('hono/cors');
        app.use(
          cors({
            origin: origins,
            credentials: true,
            allowMethods: [...ALL_METHODS],
            allowHeaders: [...ALLOWED_HEADERS],
            maxAge: MAX_AGE,
          }),
        );
      }
      if (variant === 'corskit')
        app.use((await built<typeof import('../../src/adapters/hono.js')>('hono')).cors(corskitConfig));
      if (variant === 'headers') {
        const k = await canned();
        app.use(async (c, next) => {
          for (const [n, v] of cannedFor(k, c.req.method, c.req.raw.headers.get('origin'))) c.header(n, v);
          if (c.req.method === 'OPTIONS') return c.body(null, k.preflightStatus as 204);
          await next();
        });
      }
      if (variant === 'none') app.options(REQUEST_PATH, (c) => c.body(null, 204));
      app.get(REQUEST_PATH, (c) => c.text('ok'));
      return getRequestListener(app.fetch) as unknown as Listener;
    }
    default:
      throw new Error(`unknown framework ${framework}`);
  }
}

const made = await listener();
// CORSKIT_BENCH_HOLD=policy|set (compare-builds.ts --held): the server also keeps, and never reads, a
// policy of its configuration (built by the build it loads: CORSKIT_BUNDLE's, else the installed one)
// or a plain Set of its origins, the least an allowlist check holds. For telling what an allowlist costs
// by the heap it keeps alive from what it costs by the code a request runs. Kept on globalThis: a module's top-level variable that no function
// reads may die with the module's evaluation.
const hold = process.env.CORSKIT_BENCH_HOLD;
if (hold === 'policy')
  (globalThis as { held?: unknown }).held = (
    await built<typeof import('../../src/index.js')>('')
  ).createCorsPolicy(corskitConfig);
else if (hold === 'set') (globalThis as { held?: unknown }).held = new Set(origins);
else if (hold !== undefined) throw new Error(`CORSKIT_BENCH_HOLD=${hold}: policy or set`);
const server = made instanceof http.Server ? made : http.createServer(made);
// CORSKIT_BENCH_IN_PROCESS="<request kind>,<requests>" (bench/http/in-process.ts): no socket. The server's
// own 'request' handler is given Node's request and response objects, made here as Node's parser and
// server make them (the header record built from rawHeaders on first read, an Origin string made from
// bytes per request), and the process sends its CPU time per request (see serveInProcess) and exits.
// The same app as over HTTP, framework and all, without the parser, the socket writes and the kernel.
const inProcess = process.env.CORSKIT_BENCH_IN_PROCESS;
if (inProcess !== undefined) {
  const [kind = 'actual denied', count = '100000'] = inProcess.split(',');
  const result = await serveInProcess(kind, Number(count));
  if (process.send === undefined) console.log(result.nsPerRequest.toFixed(0), 'ns per request');
  else process.send(result, () => process.exit(0));
} else {
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ port: (server.address() as AddressInfo).port });
  });
}
// CORSKIT_BENCH_GC=1 also counts the garbage collections and their time (ms), answered with the CPU time:
// for telling whether one variant's extra cost over HTTP is collection work its allocations bring on.
// Scavenges (minor) are told apart from the rest (mark-compact and its incremental steps).
const gc = { count: 0, ms: 0, majorMs: 0 };
if (process.env.CORSKIT_BENCH_GC === '1') {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count++;
      gc.ms += entry.duration;
      if ((entry as { detail?: { kind?: number } }).detail?.kind !== constants.NODE_PERFORMANCE_GC_MINOR)
        gc.majorMs += entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });
}
process.on('message', (m: { cpu?: boolean; rss?: boolean }) => {
  if (m.cpu) {
    const u = process.cpuUsage();
    process.send?.({
      cpu: u.user + u.system,
      rss: process.memoryUsage.rss(),
      gcs: gc.count,
      gcMs: gc.ms,
      majorGcMs: gc.majorMs,
    });
  }
});
process.on('disconnect', () => process.exit(0));

/** CPU time per request, and the head of the last response (its Date line taken out), for the driver to
 *  check that every variant answered, and answered alike. */
async function serveInProcess(kind: string, count: number): Promise<{ nsPerRequest: number; head: string }> {
  const allowed = origins[origins.length - 1] as string;
  const fixture = httpBenchmarkRequest(kind, allowed);
  const raw = Object.entries(fixture.headers).flatMap(([n, v]) => [n, Buffer.from(v, 'latin1')] as const);
  const socket = new Socket();
  let last: http.ServerResponse | undefined;
  // Requests go in 40 at a time, as many as the HTTP benchmark keeps in flight (10 connections, 4
  // pipelined), so that as few are alive at once for the collector to move.
  const IN_FLIGHT = 40;
  const batch = async (): Promise<void> => {
    const pending: http.ServerResponse[] = [];
    for (let i = 0; i < IN_FLIGHT; i++) {
      const req = new http.IncomingMessage(socket);
      req.method = fixture.method;
      req.url = REQUEST_PATH;
      req.httpVersion = '1.1';
      req.httpVersionMajor = 1;
      req.httpVersionMinor = 1;
      // As Node's parser hands them over: the record is built from these on its first read.
      const rawHeaders = raw.map((x) => (typeof x === 'string' ? x : x.toString('latin1')));
      (req as unknown as { _addHeaderLines(h: string[], n: number): void })._addHeaderLines(
        rawHeaders,
        rawHeaders.length,
      );
      req.complete = true;
      req.push(null);
      // Node's server reads Host and Expect before it emits the request, building the record.
      if (req.headers.host === undefined || req.headers.expect !== undefined) throw new Error('bad fixture');
      const res = new http.ServerResponse(req);
      server.emit('request', req, res);
      pending.push(res);
      last = res;
    }
    // Koa and Hono answer after a microtask or more: every response must have ended before the next batch.
    for (let spins = 0; pending.some((r) => !r.writableEnded); spins++) {
      if (spins > 1000) throw new Error(`${framework}/${variant}: a response never ended`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  for (let done = 0; done < 20_000; done += IN_FLIGHT) await batch(); // warm-up
  // CPU time per window of requests (a twentieth of them, at least 2,000), and the median window: this
  // machine's cores slow down by up to half for seconds at a time (a shared host), which only ever adds
  // time. Each window is long enough to hold several collections, so each carries its share of them.
  const windowSize = Math.max(2000, Math.ceil(count / 20 / IN_FLIGHT) * IN_FLIGHT);
  const perWindow: number[] = [];
  for (let done = 0; done < count; done += windowSize) {
    const before = process.cpuUsage();
    for (let i = 0; i < windowSize; i += IN_FLIGHT) await batch();
    const spent = process.cpuUsage(before);
    perWindow.push(((spent.user + spent.system) * 1000) / windowSize);
  }
  perWindow.sort((x, y) => x - y);
  const head = String((last as unknown as { _header?: string })._header).replace(/^Date: .*\r\n/m, '');
  return { nsPerRequest: perWindow[perWindow.length >> 1] as number, head };
}
