// One HTTP server for the HTTP benchmark, run in its own process (pinned to one core by run.ts):
//   node --import tsx bench/http/server.ts <framework> <variant> <origins>
// framework: node | express | fastify | koa | hono; variant: none | peer | corskit. It listens on a
// loopback port 0, sends {port} to its parent over IPC, and answers {cpu} (process.cpuUsage, µs) when
// asked, so the parent can take the CPU time spent between two moments.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ALL_METHODS, ALLOWED_HEADERS, MAX_AGE, originList, REQUEST_PATH } from '../fixtures.js';

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
type Mw = (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;

/** An adapter of the built package, loaded by name as users load it (the bundles of dist/bundle); typed
 *  from the sources, so that type-checking the benchmarks needs no build. */
async function built<T>(subpath: string): Promise<T> {
  return (await import(`corskit/${subpath}`)) as T;
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
      if (variant === 'none') app.options(REQUEST_PATH, (_req, reply) => void reply.code(204).send());
      app.get(REQUEST_PATH, (_req, reply) => void reply.send('ok'));
      await app.ready();
      return app.server;
    }
    case 'koa': {
      const Koa = (await import('koa')).default;
      const app = new Koa();
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
      if (variant === 'none') app.options(REQUEST_PATH, (c) => c.body(null, 204));
      app.get(REQUEST_PATH, (c) => c.text('ok'));
      return getRequestListener(app.fetch) as unknown as Listener;
    }
    default:
      throw new Error(`unknown framework ${framework}`);
  }
}

const made = await listener();
const server = made instanceof http.Server ? made : http.createServer(made);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('message', (m: { cpu?: boolean; rss?: boolean }) => {
  if (m.cpu) {
    const u = process.cpuUsage();
    process.send?.({ cpu: u.user + u.system, rss: process.memoryUsage.rss() });
  }
});
process.on('disconnect', () => process.exit(0));
