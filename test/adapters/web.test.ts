import http from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { applyCors, corsResponse, type FetchHandler, withCors } from '../../src/adapters/web.js';
import { createCorsPolicy } from '../../src/policy/index.js';
import {
  ALLOWED,
  adapterContract,
  type BuildApp,
  config,
  listen,
  MAX_HEADER_SIZE,
  varyTokens,
} from './contract.js';

/** Serves a Fetch-API handler with Node's own Request and Response classes. */
function serve(handler: (request: Request) => Promise<Response>) {
  const listener = getRequestListener(handler, { overrideGlobalObjects: false });
  return listen(http.createServer({ maxHeaderSize: MAX_HEADER_SIZE }, listener));
}

function routes(calls: string[]): FetchHandler<[]> {
  return (request) => {
    const url = new URL(request.url);
    calls.push(`${request.method} ${url.pathname}`);
    if (request.method === 'GET' && url.pathname === '/items') {
      return new Response('items', { headers: { 'X-Request-Id': '1' } });
    }
    if (request.method === 'GET' && url.pathname === '/vary') {
      return new Response('vary', { headers: { Vary: url.searchParams.get('v') ?? '' } });
    }
    if (url.pathname === '/boom') throw new Error('boom');
    if (request.method === 'OPTIONS' && url.pathname === '/app-options') return new Response('app-options');
    return new Response(null, { status: 404 });
  };
}

const quiet = { onError: () => new Response('failed', { status: 500 }) };
const build: BuildApp = (policy, calls) => serve(withCors(routes(calls), policy, quiet));

adapterContract('web', build, (c) => withCors(() => new Response(), c));

describe('web: specifics', () => {
  it('copies responses with immutable headers (Response.redirect, fetch)', async () => {
    const upstream = await listen(http.createServer((_req, res) => res.end('upstream')));
    const served = await serve(
      withCors(
        (request) =>
          new URL(request.url).pathname === '/redirect'
            ? Response.redirect('https://elsewhere.example/', 302)
            : fetch(upstream.url),
        config,
      ),
    );
    try {
      const redirect = await fetch(`${served.url}/redirect`, {
        headers: { Origin: ALLOWED },
        redirect: 'manual',
      });
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get('location')).toBe('https://elsewhere.example/');
      expect(redirect.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      const proxied = await fetch(`${served.url}/proxy`, { headers: { Origin: ALLOWED } });
      expect(await proxied.text()).toBe('upstream');
      expect(proxied.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    } finally {
      await served.close();
      await upstream.close();
    }
  });

  it('passes extra handler arguments through (Workers env, Next.js context)', async () => {
    const handler = withCors(
      (_request: Request, env: { greeting: string }) => new Response(env.greeting),
      config,
    );
    const res = await handler(new Request('https://api.example/', { headers: { Origin: ALLOWED } }), {
      greeting: 'hi',
    });
    expect(await res.text()).toBe('hi');
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  });

  it('answers 500 and logs by default when the handler throws', async () => {
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (e: unknown) => errors.push(e);
    try {
      const handler = withCors(() => Promise.reject(new Error('down')), config);
      const res = await handler(new Request('https://api.example/', { headers: { Origin: ALLOWED } }));
      expect(res.status).toBe(500);
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(errors).toHaveLength(1);
    } finally {
      console.error = original;
    }
  });

  it('lower level: corsResponse answers preflights, applyCors decorates the rest', async () => {
    const policy = createCorsPolicy(config);
    const preflight = await corsResponse(
      new Request('https://api.example/x', {
        method: 'OPTIONS',
        headers: { Origin: ALLOWED, 'Access-Control-Request-Method': 'PUT' },
      }),
      policy,
    );
    expect(preflight.response?.status).toBe(204);
    expect(preflight.response?.headers.get('access-control-allow-methods')).toBe('PUT');

    const actual = await corsResponse(
      new Request('https://api.example/x', { headers: { Origin: ALLOWED } }),
      policy,
    );
    expect(actual.response).toBeNull();
    const res = applyCors(actual.decision, new Response('ok', { headers: { Vary: 'Accept' } }));
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(varyTokens(res)).toEqual(['Accept', 'Origin']);
  });
});
