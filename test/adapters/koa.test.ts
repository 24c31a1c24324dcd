import http from 'node:http';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { cors } from '../../src/adapters/koa.js';
import {
  ALLOWED,
  adapterContract,
  type BuildApp,
  config,
  listen,
  MAX_HEADER_SIZE,
  varyTokens,
} from './contract.js';

function newApp(): Koa {
  const app = new Koa();
  app.silent = true; // thrown errors are expected here; keep the test output clean
  return app;
}

const build: BuildApp = (policy, calls) => {
  const app = newApp();
  app.use(cors(policy));
  app.use(async (ctx) => {
    calls.push(`${ctx.method} ${ctx.path}`);
    if (ctx.method === 'GET' && ctx.path === '/items') {
      ctx.set('X-Request-Id', '1');
      ctx.body = 'items';
    } else if (ctx.method === 'GET' && ctx.path === '/vary') {
      ctx.set('Vary', String(ctx.query.v));
      ctx.body = 'vary';
    } else if (ctx.path === '/boom') {
      ctx.set('Vary', 'Accept'); // dropped by Koa's error handler, like every header set on ctx
      throw new Error('boom');
    } else if (ctx.method === 'OPTIONS' && ctx.path === '/app-options') {
      ctx.body = 'app-options';
    }
  });
  return listen(http.createServer({ maxHeaderSize: MAX_HEADER_SIZE }, app.callback()));
};

adapterContract('koa', build, (c) => cors(c));

describe('koa: specifics', () => {
  it("keeps the error's own headers and status, and merges Vary into them", async () => {
    const app = newApp();
    app.use(cors(config));
    app.use(() => {
      throw Object.assign(new Error('who are you'), {
        status: 401,
        expose: true,
        headers: { 'WWW-Authenticate': 'Bearer', vary: 'Authorization' },
      });
    });
    const served = await listen(http.createServer(app.callback()));
    try {
      const res = await fetch(`${served.url}/`, { headers: { Origin: ALLOWED } });
      expect(res.status).toBe(401);
      expect(await res.text()).toBe('who are you');
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(varyTokens(res)).toEqual(['Authorization', 'Origin']);
    } finally {
      await served.close();
    }
  });

  it('keeps CORS headers on a 404 from no matching middleware', async () => {
    const app = newApp();
    app.use(cors(config));
    const served = await listen(http.createServer(app.callback()));
    try {
      const res = await fetch(`${served.url}/nothing`, { headers: { Origin: ALLOWED } });
      expect(res.status).toBe(404);
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    } finally {
      await served.close();
    }
  });
});
