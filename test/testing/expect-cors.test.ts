import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterAll, describe, expect, it } from 'vitest';
import { CorsAssertionError, expectCors } from '../../src/testing/index.js';

const PAGE = 'https://app.example.com';

/** A hand-written CORS answer: allows PAGE, PUT and X-Trace; exposes X-Request-Id. */
function corsHeaders(origin: string | undefined): Record<string, string> {
  if (origin !== PAGE) return { Vary: 'Origin' };
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Expose-Headers': 'X-Request-Id',
    Vary: 'Origin',
  };
}
const preflightHeaders = { 'Access-Control-Allow-Methods': 'PUT', 'Access-Control-Allow-Headers': 'X-Trace' };

const nodeListener = (req: IncomingMessage, res: ServerResponse): void => {
  const base = corsHeaders(req.headers.origin);
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
    res.writeHead(204, { ...base, ...preflightHeaders }).end();
    return;
  }
  res.writeHead(200, { ...base, 'Content-Type': 'text/plain', 'X-Request-Id': '7' }).end('ok');
};

const fetchHandler = (request: Request): Response => {
  const base = corsHeaders(request.headers.get('origin') ?? undefined);
  if (request.method === 'OPTIONS' && request.headers.has('access-control-request-method')) {
    return new Response(null, { status: 204, headers: { ...base, ...preflightHeaders } });
  }
  return new Response('ok', { headers: { ...base, 'Content-Type': 'text/plain', 'X-Request-Id': '7' } });
};

const expressApp = express();
expressApp.use((req, res) => nodeListener(req, res));

const koaApp = new Koa();
koaApp.use((ctx) => {
  ctx.set(corsHeaders(ctx.get('origin') || undefined));
  if (ctx.method === 'OPTIONS' && ctx.get('access-control-request-method')) {
    ctx.set(preflightHeaders);
    ctx.status = 204;
    return;
  }
  ctx.set('X-Request-Id', '7');
  ctx.body = 'ok';
});

const fastifyApp = Fastify();
fastifyApp.addHook('onRequest', async (req, reply) => {
  reply.headers(corsHeaders(req.headers.origin));
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
    await reply.code(204).headers(preflightHeaders).send();
  }
});
fastifyApp.all('/*', async (_req, reply) => reply.header('X-Request-Id', '7').send('ok'));

const honoApp = new Hono();
honoApp.all('*', (c) => fetchHandler(c.req.raw));

const apps = [
  ['a node:http listener', nodeListener],
  ['a Fetch handler', fetchHandler],
  ['an Express app', expressApp],
  ['a Koa app', koaApp],
  ['a Fastify instance', fastifyApp],
  ['a Hono app', honoApp],
] as const;

afterAll(async () => {
  await fastifyApp.close();
});

describe.each(apps)('expectCors with %s', (_name, app) => {
  const client = expectCors(app as never).from(PAGE);
  afterAll(() => client.close());

  it('allows a simple GET and exposes the listed header', async () => {
    await client.fetch('/items').toBeAllowed();
    await client.fetch('/items', { credentials: 'include' }).toExpose('X-Request-Id', 'content-type');
  });

  it('sends a preflight for PUT with a custom header, and the preflight allows it', async () => {
    const result = await client
      .fetch('/items/1', { method: 'PUT', headers: { 'X-Trace': '1' }, credentials: 'include' })
      .toSendPreflight();
    expect(result.outcome).toBe('allowed');
    expect(result.preflight.requestHeaders).toEqual({
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'x-trace',
    });
  });

  it('reports the browser error for a method the preflight does not allow', async () => {
    await client
      .fetch('/items/1', { method: 'DELETE' })
      .toBeBlockedWith('MethodDisallowedByPreflightResponse');
  });

  it('blocks another origin with the missing-header error', async () => {
    await expectCors(app as never)
      .from('https://evil.example')
      .fetch('/items')
      .toBeBlockedWith('MissingAllowOriginHeader');
  });
});

describe('expectCors failures', () => {
  it('a failed assertion throws with the timeline and the console message', async () => {
    const err = await expectCors(fetchHandler)
      .from(PAGE)
      .fetch('/x', { method: 'DELETE' })
      .toBeAllowed()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorsAssertionError);
    const message = (err as Error).message;
    expect(message).toContain(
      'expected DELETE https://api.test/x from https://app.example.com to be allowed',
    );
    expect(message).toContain('MethodDisallowedByPreflightResponse');
    expect(message).toContain(
      "Access to fetch at 'https://api.test/x' from origin 'https://app.example.com'",
    );
    expect(message).toContain('→ OPTIONS https://api.test/x (preflight)');
  });

  it('toBeBlockedWith fails when the code differs, and toSendPreflight(false) fails when one is sent', async () => {
    await expect(
      expectCors(fetchHandler).from(PAGE).fetch('/x').toBeBlockedWith('AllowOriginMismatch'),
    ).rejects.toThrow(/to be blocked with AllowOriginMismatch, but it was allowed/);
    await expect(
      expectCors(fetchHandler).from(PAGE).fetch('/x', { method: 'PUT' }).toSendPreflight(false),
    ).rejects.toThrow(/not to send a preflight/);
  });

  it('keeps the preflight cache across fetches of one client, like one tab', async () => {
    let preflights = 0;
    const counting = (request: Request): Response => {
      if (request.method === 'OPTIONS') preflights++;
      const res = fetchHandler(request);
      if (request.method === 'OPTIONS') res.headers.set('Access-Control-Max-Age', '60');
      return res;
    };
    const client = expectCors(counting).from(PAGE);
    await client.fetch('/c', { method: 'PUT' }).toSendPreflight(true);
    await client.fetch('/c', { method: 'PUT' }).toSendPreflight(false);
    expect(preflights).toBe(1);
  });

  it('rejects something that is not an app', async () => {
    await expect(
      expectCors(42 as never)
        .from(PAGE)
        .fetch('/x')
        .toBeAllowed(),
    ).rejects.toThrow(/app must be/);
  });
});
