import http from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { cors } from '../../src/adapters/hono.js';
import {
  ALLOWED,
  adapterContract,
  type BuildApp,
  config,
  listen,
  MAX_HEADER_SIZE,
  varyTokens,
} from './contract.js';

function serve(app: Hono) {
  return listen(http.createServer({ maxHeaderSize: MAX_HEADER_SIZE }, getRequestListener(app.fetch)));
}

const build: BuildApp = (policy, calls) => {
  const app = new Hono();
  app.use(cors(policy));
  app.use(async (c, next) => {
    calls.push(`${c.req.method} ${c.req.path}`);
    await next();
  });
  app.get('/items', (c) => {
    c.header('X-Request-Id', '1');
    return c.text('items');
  });
  app.get('/vary', (c) => c.text('vary', 200, { Vary: c.req.query('v') ?? '' }));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.options('/app-options', (c) => c.text('app-options'));
  return serve(app);
};

adapterContract('hono', build, (c) => cors(c));

describe('hono: specifics', () => {
  it('adds CORS headers to the response made by app.onError and to HTTPException responses', async () => {
    const app = new Hono();
    app.use(cors(config));
    app.get('/custom', () => {
      throw new Error('custom');
    });
    app.get('/teapot', () => {
      throw new HTTPException(418, { message: 'short and stout' });
    });
    app.onError((err, c) =>
      err instanceof HTTPException ? err.getResponse() : c.json({ error: err.message }, 503),
    );
    const served = await serve(app);
    try {
      const custom = await fetch(`${served.url}/custom`, { headers: { Origin: ALLOWED } });
      expect(custom.status).toBe(503);
      expect(await custom.json()).toEqual({ error: 'custom' });
      expect(custom.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(varyTokens(custom)).toContain('Origin');
      const teapot = await fetch(`${served.url}/teapot`, { headers: { Origin: ALLOWED } });
      expect(teapot.status).toBe(418);
      expect(teapot.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    } finally {
      await served.close();
    }
  });

  it('copies a response whose headers are immutable (from fetch), and keeps a raw Response Vary', async () => {
    const upstream = await listen(
      http.createServer((_req, res) => {
        res.setHeader('Vary', 'Accept-Language');
        res.end('upstream');
      }),
    );
    const app = new Hono();
    app.use(cors(config));
    app.get('/proxy', () => fetch(upstream.url));
    app.get('/raw', () => new Response('raw', { headers: { Vary: 'Accept' } }));
    const served = await serve(app);
    try {
      const proxied = await fetch(`${served.url}/proxy`, { headers: { Origin: ALLOWED } });
      expect(await proxied.text()).toBe('upstream');
      expect(proxied.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(varyTokens(proxied)).toEqual(['Accept-Language', 'Origin']);
      const raw = await fetch(`${served.url}/raw`, { headers: { Origin: ALLOWED } });
      expect(await raw.text()).toBe('raw');
      expect(varyTokens(raw)).toEqual(['Accept', 'Origin']);
    } finally {
      await served.close();
      await upstream.close();
    }
  });

  it('keeps CORS headers on the not-found response', async () => {
    const app = new Hono();
    app.use(cors(config));
    const served = await serve(app);
    try {
      const res = await fetch(`${served.url}/nothing`, { headers: { Origin: ALLOWED } });
      expect(res.status).toBe(404);
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    } finally {
      await served.close();
    }
  });

  // On @hono/node-server the adapter reads c.env.incoming, the Node request, while its method agrees
  // with c.req.raw's (src/adapters/hono.ts); anywhere else, c.req.raw.
  it('decides on c.req.raw when there is no Node request, or when its method disagrees', async () => {
    const app = new Hono();
    app.use(cors(config));
    app.get('/items', (c) => c.text('items'));
    const init = { headers: { Origin: ALLOWED } };
    const without = await app.request('/items', init);
    expect(without.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    // A Node request that is not this one (as after a method override): its headers must not count.
    const other = { method: 'POST', rawHeaders: [], headers: {} };
    const overridden = await app.request('/items', init, { incoming: other });
    expect(overridden.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    // The same method: the Node request is read, and here it has no Origin.
    const same = await app.request('/items', init, { incoming: { ...other, method: 'GET' } });
    expect(same.headers.get('access-control-allow-origin')).toBeNull();
    // An environment whose properties throw: c.req.raw, and nothing thrown.
    const strict = new Proxy(
      {},
      {
        get() {
          throw new Error('no such binding');
        },
      },
    );
    const guarded = await app.request('/items', init, strict);
    expect(guarded.status).toBe(200);
    expect(guarded.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  });
});
