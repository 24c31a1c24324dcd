import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { cors } from '../../src/adapters/fastify.js';
import { CorsConfigError, createCorsPolicy } from '../../src/policy/index.js';
import {
  ALLOWED,
  adapterContract,
  type BuildApp,
  badConfig,
  config,
  MAX_HEADER_SIZE,
  type Served,
  varyTokens,
} from './contract.js';

const OTHER = 'https://other.example';

async function start(app: FastifyInstance): Promise<Served> {
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

const build: BuildApp = async (policy, calls) => {
  const app = Fastify({ http: { maxHeaderSize: MAX_HEADER_SIZE } });
  await app.register(cors(policy));
  app.get('/items', async (_request, reply) => {
    calls.push('GET /items');
    reply.header('X-Request-Id', '1');
    return 'items';
  });
  app.get<{ Querystring: { v: string } }>('/vary', async (request, reply) => {
    calls.push('GET /vary');
    reply.header('Vary', request.query.v);
    return 'vary';
  });
  app.get('/boom', async () => {
    calls.push('GET /boom');
    throw new Error('boom');
  });
  app.options('/app-options', async () => {
    calls.push('OPTIONS /app-options');
    return 'app-options';
  });
  return start(app);
};

adapterContract('fastify', build, (c) => cors(c));

describe('fastify: specifics', () => {
  it('answers preflights before an authentication hook; the 401 keeps CORS headers', async () => {
    const app = Fastify();
    await app.register(cors(config));
    app.addHook('onRequest', async (request, reply) => {
      if (request.headers.authorization !== 'Bearer ok')
        return reply.code(401).send({ error: 'unauthorized' });
    });
    app.put('/items', async () => 'put');
    const served = await start(app);
    try {
      const preflight = await fetch(`${served.url}/items`, {
        method: 'OPTIONS',
        headers: { Origin: ALLOWED, 'Access-Control-Request-Method': 'PUT' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-methods')).toBe('PUT');
      const denied = await fetch(`${served.url}/items`, { method: 'PUT', headers: { Origin: ALLOWED } });
      expect(denied.status).toBe(401);
      expect(denied.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(varyTokens(denied)).toContain('Origin');
      const ok = await fetch(`${served.url}/items`, {
        method: 'PUT',
        headers: { Origin: ALLOWED, Authorization: 'Bearer ok' },
      });
      expect(await ok.text()).toBe('put');
    } finally {
      await served.close();
    }
  });

  it('answers preflights to unknown paths and keeps CORS headers on the 404', async () => {
    const app = Fastify();
    await app.register(cors(config));
    const served = await start(app);
    try {
      const preflight = await fetch(`${served.url}/nowhere`, {
        method: 'OPTIONS',
        headers: { Origin: ALLOWED, 'Access-Control-Request-Method': 'DELETE' },
      });
      expect(preflight.status).toBe(204);
      const missing = await fetch(`${served.url}/nowhere`, { headers: { Origin: ALLOWED } });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      const options = await fetch(`${served.url}/nowhere`, {
        method: 'OPTIONS',
        headers: { Origin: ALLOWED },
      });
      expect(options.status).toBe(404); // an OPTIONS that is not a preflight is routed as usual
    } finally {
      await served.close();
    }
  });

  it("a route's config.cors replaces the app policy, or disables CORS with false", async () => {
    const app = Fastify();
    await app.register(cors(config));
    app.get('/partner', { config: { cors: { origins: [OTHER] } } }, async () => 'partner');
    app.get('/shared', { config: { cors: createCorsPolicy({ origins: '*' }) } }, async () => 'shared');
    app.get('/internal', { config: { cors: false } }, async () => 'internal');
    app.register(async (child) => {
      child.get('/child', { config: { cors: { origins: [OTHER] } } }, async () => 'child');
    });
    const served = await start(app);
    const get = (path: string, origin: string) => fetch(served.url + path, { headers: { Origin: origin } });
    try {
      expect((await get('/partner', OTHER)).headers.get('access-control-allow-origin')).toBe(OTHER);
      expect((await get('/partner', ALLOWED)).headers.get('access-control-allow-origin')).toBeNull();
      expect((await get('/child', OTHER)).headers.get('access-control-allow-origin')).toBe(OTHER);
      const shared = await get('/shared', OTHER);
      expect(shared.headers.get('access-control-allow-origin')).toBe('*');
      expect(shared.headers.get('vary')).toBeNull();
      const internal = await get('/internal', ALLOWED);
      expect(await internal.text()).toBe('internal');
      expect(internal.headers.get('access-control-allow-origin')).toBeNull();
      expect(internal.headers.get('vary')).toBeNull();
    } finally {
      await served.close();
    }
  });

  it('a route declared before the plugin gets the app policy, config.cors or not', async () => {
    // Fastify tells a plugin only about routes declared after it; docs/adapters.md says so.
    const app = Fastify();
    app.get('/early', { config: { cors: false } }, async () => 'early');
    await app.register(cors(config));
    app.get('/late', { config: { cors: false } }, async () => 'late');
    const served = await start(app);
    const get = (path: string) => fetch(served.url + path, { headers: { Origin: ALLOWED } });
    try {
      expect((await get('/early')).headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect((await get('/late')).headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await served.close();
    }
  });

  it("a route's override covers its preflights when the route also answers OPTIONS", async () => {
    const calls: string[] = [];
    const app = Fastify();
    await app.register(cors(config));
    app.route({
      method: ['PUT', 'OPTIONS'],
      url: '/partner',
      config: { cors: { origins: [OTHER], methods: ['PUT'] } },
      handler: async (request) => {
        calls.push(request.method);
        return 'partner';
      },
    });
    const served = await start(app);
    const preflight = (origin: string) =>
      fetch(`${served.url}/partner`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT' },
      });
    try {
      const other = await preflight(OTHER);
      expect(other.status).toBe(204);
      expect(other.headers.get('access-control-allow-origin')).toBe(OTHER);
      expect(other.headers.get('access-control-allow-methods')).toBe('PUT');
      expect((await preflight(ALLOWED)).headers.get('access-control-allow-origin')).toBeNull();
      expect(calls).toEqual([]);
    } finally {
      await served.close();
    }
  });

  it('warns at startup, through process.emitWarning, when an overridden route has no OPTIONS route', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w);
    };
    process.on('warning', onWarning);
    try {
      const app = Fastify(); // no logger at all: the warning must still be seen
      await app.register(cors(config));
      app.put('/partner', { config: { cors: { origins: [OTHER] } } }, async () => 'partner');
      app.get('/off', { config: { cors: false } }, async () => 'off');
      app.route({
        method: ['PUT', 'OPTIONS'],
        url: '/covered',
        config: { cors: { origins: [OTHER] } },
        handler: async () => 'covered',
      });
      await app.ready();
      await app.close();
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    const ours = warnings.filter((w) => (w as Error & { code?: string }).code === 'CORSKIT_ROUTE_PREFLIGHT');
    expect(ours.map((w) => w.message)).toEqual([expect.stringContaining('/partner has its own CORS policy')]);
  });

  it('puts Origin back in Vary when the handler removes it or sends a stream', async () => {
    const app = Fastify();
    await app.register(cors(config));
    app.get('/removed', async (_request, reply) => {
      reply.removeHeader('vary');
      return 'removed';
    });
    app.get('/stream', async (_request, reply) => {
      reply.header('Vary', 'Accept-Encoding');
      return reply.send(Readable.from(['a', 'b']));
    });
    const served = await start(app);
    const get = (path: string) => fetch(served.url + path, { headers: { Origin: ALLOWED } });
    try {
      const removed = await get('/removed');
      expect(varyTokens(removed)).toEqual(['Origin']);
      expect(removed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      const stream = await get('/stream');
      expect(await stream.text()).toBe('ab');
      expect(varyTokens(stream)).toEqual(['Accept-Encoding', 'Origin']);
    } finally {
      await served.close();
    }
  });

  it('config errors throw at setup, for the app policy and for a route policy', async () => {
    expect(() => cors(badConfig)).toThrow(CorsConfigError);
    const app = Fastify();
    await app.register(cors(config));
    expect(() => app.get('/bad', { config: { cors: badConfig } }, async () => 'bad')).toThrow(
      CorsConfigError,
    );
    await app.close();
  });
});
