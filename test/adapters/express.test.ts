import http from 'node:http';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { cors } from '../../src/adapters/express.js';
import { ALLOWED, adapterContract, config, listen, varyTokens } from './contract.js';
import { buildExpressApp } from './express-app.js';

adapterContract('express', buildExpressApp(express), (c) => cors(c));

/** Resolves for every caller once `n` have called. */
function gate(n: number): () => Promise<void> {
  let arrived = 0;
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return () => {
    if (++arrived === n) open();
    return opened;
  };
}

describe('express: specifics', () => {
  it("keeps CORS headers on Express's default error page and on 404s", async () => {
    const app = express();
    app.use(cors(config));
    app.get('/boom', async () => {
      throw Object.assign(new Error('nope'), { status: 418, expose: true });
    });
    const served = await listen(http.createServer(app));
    try {
      const boom = await fetch(`${served.url}/boom`, { headers: { Origin: ALLOWED } });
      expect(boom.status).toBe(418);
      expect(boom.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(varyTokens(boom)).toContain('Origin');
      const missing = await fetch(`${served.url}/missing`, { headers: { Origin: ALLOWED } });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    } finally {
      await served.close();
    }
  });

  it('works on a router mounted at a path', async () => {
    const app = express();
    const api = express.Router();
    api.use(cors(config));
    api.get('/items', (_req, res) => {
      res.vary('Accept').send('items');
    });
    app.use('/api', api);
    app.get('/other', (_req, res) => {
      res.send('other');
    });
    const served = await listen(http.createServer(app));
    try {
      const inside = await fetch(`${served.url}/api/items`, { headers: { Origin: ALLOWED } });
      expect(inside.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(varyTokens(inside)).toEqual(['Origin', 'Accept']);
      const outside = await fetch(`${served.url}/other`, { headers: { Origin: ALLOWED } });
      expect(outside.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await served.close();
    }
  });

  // The Vary guard lives on Express's response prototype (src/adapters/node.ts): it must still run when
  // a sub-app passes the request back to its parent, which restores the parent app's prototype, and it
  // must leave responses corskit never saw alone.
  it('re-appends Vary after a sub-app hands the request back to its parent, and only where it set it', async () => {
    const app = express();
    const sub = express();
    sub.use(cors(config));
    app.use('/sub', sub);
    app.get('/sub/parent', (_req, res) => {
      res.setHeader('Vary', 'Accept-Language');
      res.send('parent');
    });
    app.get('/plain', (_req, res) => {
      res.setHeader('Vary', 'Accept-Language');
      res.send('plain');
    });
    const served = await listen(http.createServer(app));
    try {
      const back = await fetch(`${served.url}/sub/parent`, { headers: { Origin: ALLOWED } });
      expect(await back.text()).toBe('parent');
      expect(back.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(varyTokens(back)).toEqual(['Accept-Language', 'Origin']);
      const plain = await fetch(`${served.url}/plain`, { headers: { Origin: ALLOWED } });
      expect(varyTokens(plain)).toEqual(['Accept-Language']);
    } finally {
      await served.close();
    }
  });

  // The guard keeps its state per response under a symbol in res.locals, and in a WeakMap where
  // res.locals takes no new key (src/adapters/node.ts). The handler answers only once both requests are
  // in it, so that each response's state is kept while another response's is.
  it('keeps the Vary guard with a frozen res.locals, and leaves no key an application would see', async () => {
    for (const freeze of [false, true]) {
      const bothIn = gate(2);
      const app = express();
      if (freeze)
        app.use((_req, res, next) => {
          Object.freeze(res.locals);
          next();
        });
      app.use(cors(config));
      app.get('/r', async (_req, res) => {
        await bothIn();
        res.setHeader('Vary', 'Accept-Language');
        res.send(
          JSON.stringify({ keys: Object.keys(res.locals), own: Object.keys(res).includes('writeHead') }),
        );
      });
      const served = await listen(http.createServer(app));
      try {
        const get = () => fetch(`${served.url}/r`, { headers: { Origin: ALLOWED } });
        for (const r of await Promise.all([get(), get()])) {
          expect(await r.json()).toEqual({ keys: [], own: false });
          expect(varyTokens(r)).toEqual(['Accept-Language', 'Origin']);
        }
      } finally {
        await served.close();
      }
    }
  });

  it('keeps both guards of a response through two policies when requests interleave between them', async () => {
    const dependingOn = (name: string) => ({
      ...config,
      originLookup: { lookup: () => false, dependsOn: [name] },
    });
    const between = gate(2);
    const inHandler = gate(2);
    const app = express();
    app.use(cors(dependingOn('X-One')));
    app.use((_req, _res, next) => {
      between().then(() => next());
    });
    app.use(cors(dependingOn('X-Two')));
    app.get('/r', async (_req, res) => {
      await inHandler();
      res.setHeader('Vary', 'Accept');
      res.send('r');
    });
    app.get('/now', (_req, res) => {
      res.setHeader('Vary', 'Accept');
      res.send('now');
    });
    const served = await listen(http.createServer(app));
    try {
      const get = () => fetch(`${served.url}/r`, { headers: { Origin: ALLOWED } });
      for (const r of await Promise.all([get(), get()])) {
        expect(await r.text()).toBe('r');
        expect(varyTokens(r)).toEqual(['Accept', 'Origin', 'X-One', 'X-Two']);
      }
      // One request at a time, each answered at once.
      for (let i = 0; i < 2; i++) {
        const now = await fetch(`${served.url}/now`, { headers: { Origin: ALLOWED } });
        expect(await now.text()).toBe('now');
        expect(varyTokens(now)).toEqual(['Accept', 'Origin', 'X-One', 'X-Two']);
      }
    } finally {
      await served.close();
    }
  });
  // The guard on Express's prototype takes writeHead's three forms; headers given to it come last.
  it('appends Vary to headers given to writeHead in each of its forms, with the middleware mounted twice', async () => {
    const app = express();
    app.use(cors(config));
    app.use(cors(config));
    app.get('/two', (_req, res) => {
      res.writeHead(200, { Vary: 'Accept' }).end('two');
    });
    app.get('/three', (_req, res) => {
      res.writeHead(200, 'Fine', { vary: 'Accept-Language' }).end('three');
    });
    app.get('/status', (_req, res) => {
      res.setHeader('Vary', 'Accept-Encoding');
      res.writeHead(201).end('status');
    });
    const served = await listen(http.createServer(app));
    try {
      const two = await fetch(`${served.url}/two`, { headers: { Origin: ALLOWED } });
      expect(varyTokens(two)).toEqual(['Accept', 'Origin']);
      const three = await fetch(`${served.url}/three`, { headers: { Origin: ALLOWED } });
      expect(three.statusText).toBe('Fine');
      expect(varyTokens(three)).toEqual(['Accept-Language', 'Origin']);
      const status = await fetch(`${served.url}/status`, { headers: { Origin: ALLOWED } });
      expect(status.status).toBe(201);
      expect(varyTokens(status)).toEqual(['Accept-Encoding', 'Origin']);
      expect(status.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    } finally {
      await served.close();
    }
  });
});
