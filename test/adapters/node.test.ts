import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { cors, type NodeListener, withCors } from '../../src/adapters/node.js';
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

/** The contract's routes as a plain node:http listener. */
function routes(calls: string[]): NodeListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    calls.push(`${req.method} ${url.pathname}`);
    if (req.method === 'GET' && url.pathname === '/items') {
      res.setHeader('X-Request-Id', '1');
      res.end('items');
    } else if (req.method === 'GET' && url.pathname === '/vary') {
      res.setHeader('Vary', url.searchParams.get('v') ?? '');
      res.end('vary');
    } else if (url.pathname === '/boom') {
      throw new Error('boom');
    } else if (req.method === 'OPTIONS' && url.pathname === '/app-options') {
      res.end('app-options');
    } else {
      res.statusCode = 404;
      res.end();
    }
  };
}

const quiet = {
  onError: (_e: unknown, _req: http.IncomingMessage, res: http.ServerResponse) => {
    res.statusCode = 500;
    res.end('failed');
  },
};

const buildWithCors: BuildApp = (policy, calls) =>
  listen(http.createServer({ maxHeaderSize: MAX_HEADER_SIZE }, withCors(routes(calls), policy, quiet)));

const buildMiddleware: BuildApp = (policy, calls) => {
  const middleware = cors(policy);
  const handler = routes(calls);
  return listen(
    http.createServer({ maxHeaderSize: MAX_HEADER_SIZE }, (req, res) =>
      middleware(req, res, (err) => {
        try {
          if (err !== undefined) throw err;
          handler(req, res);
        } catch {
          res.statusCode = 500;
          res.end();
        }
      }),
    ),
  );
};

adapterContract('node withCors', buildWithCors, (c) => withCors(() => {}, c));
adapterContract('node cors middleware', buildMiddleware, (c) => cors(c));

describe('node: specifics', () => {
  it('accepts a built policy', async () => {
    const app = await buildWithCors(createCorsPolicy(config), []);
    try {
      const res = await fetch(`${app.url}/items`, { headers: { Origin: ALLOWED } });
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    } finally {
      await app.close();
    }
  });

  it('appends Vary given in a writeHead headers object, and answers a rejected promise with 500', async () => {
    const listener: NodeListener = async (req, res) => {
      if (req.url === '/reject') throw new Error('async boom');
      if (req.url === '/reason') res.writeHead(200, 'Fine', { Vary: 'Accept-Language' }).end('ok');
      else res.writeHead(200, { vary: 'Accept', 'content-type': 'text/plain' }).end('ok');
    };
    const app = await listen(http.createServer(withCors(listener, config, quiet)));
    try {
      const ok = await fetch(`${app.url}/`, { headers: { Origin: ALLOWED } });
      expect(varyTokens(ok)).toEqual(['Accept', 'Origin']);
      expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      const reason = await fetch(`${app.url}/reason`, { headers: { Origin: ALLOWED } });
      expect(reason.statusText).toBe('Fine');
      expect(varyTokens(reason)).toEqual(['Accept-Language', 'Origin']);
      const failed = await fetch(`${app.url}/reject`, { headers: { Origin: ALLOWED } });
      expect(failed.status).toBe(500);
      expect(failed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    } finally {
      await app.close();
    }
  });

  it('answers 500 and logs by default when the listener throws', async () => {
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (e: unknown) => errors.push(e);
    const app = await listen(
      http.createServer(
        withCors(() => {
          throw new Error('default');
        }, config),
      ),
    );
    try {
      const res = await fetch(`${app.url}/`, { headers: { Origin: ALLOWED } });
      expect(res.status).toBe(500);
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(errors).toHaveLength(1);
    } finally {
      console.error = original;
      await app.close();
    }
  });
});
