// What every adapter must do, checked over a real loopback socket against the real framework.
// Each adapter's test file builds an app with the routes below and runs this suite on it.
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CorsConfigError,
  type CorsPolicy,
  type CorsPolicyConfig,
  createCorsPolicy,
} from '../../src/policy/index.js';

/** Large enough for the 64 KiB Access-Control-Request-Headers test (Node's default is 16 KiB). */
export const MAX_HEADER_SIZE = 256 * 1024;
export const ALLOWED = 'https://app.example';
export const TENANT = 'https://tenant.example';
export const EVIL = 'https://evil.example';

export const config: CorsPolicyConfig = {
  origins: [ALLOWED],
  credentials: true,
  methods: ['PUT', 'DELETE'],
  requestHeaders: ['Content-Type', 'X-Trace'],
  exposedHeaders: ['X-Request-Id'],
  maxAge: 600,
};

export const lookupConfig: CorsPolicyConfig = {
  ...config,
  originLookup: {
    lookup: async (origin) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return origin === TENANT;
    },
    dependsOn: ['Host'],
  },
};

/** Rejected by validation: `null` is never an allowed origin. */
export const badConfig: CorsPolicyConfig = { origins: ['null'] };

export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Builds and starts an app using the adapter with `cors`, with these routes; each handler pushes
 * "METHOD /path" to `calls`:
 * - GET /items: 200 "items", sets X-Request-Id: 1
 * - GET /vary?v=VALUE: sets Vary to VALUE with the framework's overwriting setter, 200 "vary"
 * - GET /boom: throws new Error('boom'); the framework's error handling answers 500
 * - OPTIONS /app-options: 200 "app-options"
 * - no OPTIONS route for /items (preflights to it must still be answered)
 */
export type BuildApp = (cors: CorsPolicy | CorsPolicyConfig, calls: string[]) => Promise<Served>;

export async function listen(server: http.Server): Promise<Served> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export function varyTokens(res: { headers: { get(name: string): string | null } }): string[] {
  const v = res.headers.get('vary');
  return v === null ? [] : v.split(',').map((t) => t.trim());
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Map<string, string[]>;
  readonly text: string;
}

/** Sends bytes the fetch API refuses to send (control characters, obs-text) and parses the answer. */
export function rawRequest(url: string, head: string): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.end(Buffer.from(`${head}Host: ${hostname}:${port}\r\nConnection: close\r\n\r\n`, 'latin1'));
    });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [statusLine = '', ...lines] = text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n');
      const headers = new Map<string, string[]>();
      for (const line of lines) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).toLowerCase();
        headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, text });
    });
  });
}

export function adapterContract(
  name: string,
  build: BuildApp,
  setup: (cors: CorsPolicy | CorsPolicyConfig) => unknown,
): void {
  describe(`${name}: adapter contract`, () => {
    const calls: string[] = [];
    let app: Served;
    const send = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) => {
      calls.length = 0;
      return fetch(app.url + path, init);
    };
    const preflight = (origin: string, method: string, headers?: string) =>
      send('/items', {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': method,
          ...(headers !== undefined ? { 'Access-Control-Request-Headers': headers } : {}),
        },
      });

    beforeAll(async () => {
      app = await build(config, calls);
    });
    afterAll(() => app.close());

    it('answers a preflight with status 200, Content-Length: 0 and an empty body when configured', async () => {
      const ok200 = await build({ ...config, preflightStatus: 200 }, []);
      try {
        const res = await fetch(`${ok200.url}/items`, {
          method: 'OPTIONS',
          headers: { Origin: ALLOWED, 'Access-Control-Request-Method': 'PUT' },
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-length')).toBe('0');
        expect(await res.text()).toBe('');
      } finally {
        await ok200.close();
      }
    });

    it('allowed actual GET: ACAO, ACAC, Expose, Vary: Origin, handler ran', async () => {
      const res = await send('/items', { headers: { Origin: ALLOWED } });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('items');
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(res.headers.get('access-control-expose-headers')).toBe('X-Request-Id');
      expect(res.headers.get('access-control-allow-methods')).toBeNull();
      expect(varyTokens(res)).toContain('Origin');
      expect(calls).toEqual(['GET /items']);
    });

    it('disallowed origin: no CORS headers, Vary: Origin, handler still ran', async () => {
      const res = await send('/items', { headers: { Origin: EVIL } });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('items');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      expect(res.headers.get('access-control-expose-headers')).toBeNull();
      expect(varyTokens(res)).toContain('Origin');
      expect(calls).toEqual(['GET /items']);
    });

    it('request without Origin: Vary: Origin and no CORS headers', async () => {
      const res = await send('/items');
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(varyTokens(res)).toContain('Origin');
      expect(calls).toEqual(['GET /items']);
    });

    it('allowed preflight: 204, requested method only, headers, Max-Age, empty body, handler not called', async () => {
      const res = await preflight(ALLOWED, 'PUT', 'content-type, X-Trace');
      expect(res.status).toBe(204);
      expect(await res.text()).toBe('');
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(res.headers.get('access-control-allow-methods')).toBe('PUT');
      expect(res.headers.get('access-control-allow-headers')).toBe('content-type, x-trace');
      expect(res.headers.get('access-control-max-age')).toBe('600');
      expect(varyTokens(res)).toContain('Origin');
      expect(calls).toEqual([]);
    });

    it('preflight from a disallowed origin: no CORS headers, handler not called', async () => {
      const res = await preflight(EVIL, 'PUT');
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-methods')).toBeNull();
      expect(varyTokens(res)).toContain('Origin');
      expect(calls).toEqual([]);
    });

    it('preflight with a disallowed method: no Access-Control-Allow-Methods', async () => {
      const res = await preflight(ALLOWED, 'PATCH');
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-methods')).toBeNull();
      expect(res.headers.get('access-control-max-age')).toBeNull();
      expect(calls).toEqual([]);
    });

    it('preflight with a disallowed header: it is not allowed back', async () => {
      const res = await preflight(ALLOWED, 'PUT', 'x-trace, x-evil');
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-headers') ?? '').not.toContain('x-evil');
      expect(res.headers.get('access-control-max-age')).toBeNull();
      expect(calls).toEqual([]);
    });

    it('OPTIONS without Access-Control-Request-Method goes to the application', async () => {
      const res = await send('/app-options', { method: 'OPTIONS', headers: { Origin: ALLOWED } });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('app-options');
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(res.headers.get('access-control-allow-methods')).toBeNull();
      expect(calls).toEqual(['OPTIONS /app-options']);
    });

    it('Vary is appended to the one the handler set, not overwritten', async () => {
      const res = await send('/vary?v=Accept-Encoding', { headers: { Origin: ALLOWED } });
      expect(await res.text()).toBe('vary');
      expect(varyTokens(res)).toEqual(['Accept-Encoding', 'Origin']);
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    });

    it('Vary: a token the handler already set is not repeated', async () => {
      const res = await send('/vary?v=accept-encoding, origin', { headers: { Origin: ALLOWED } });
      expect(varyTokens(res)).toEqual(['accept-encoding', 'origin']);
    });

    it('error response from a throwing handler keeps the CORS headers', async () => {
      const res = await send('/boom', { headers: { Origin: ALLOWED } });
      expect(res.status).toBe(500);
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(varyTokens(res)).toContain('Origin');
      expect(calls).toEqual(['GET /boom']);
    });

    it('config errors throw at setup', () => {
      expect(() => setup(badConfig)).toThrow(CorsConfigError);
    });

    it('hostile Origin with control characters or obs-text: no throw, nothing echoed', async () => {
      let reached = 0;
      for (const origin of [`${ALLOWED}\tevil`, `${ALLOWED}\xffevil`, `https://evil\x7f.example`]) {
        for (const method of ['GET', 'OPTIONS']) {
          const acrm = method === 'OPTIONS' ? 'Access-Control-Request-Method: PUT\r\n' : '';
          const res = await rawRequest(app.url, `${method} /items HTTP/1.1\r\nOrigin: ${origin}\r\n${acrm}`);
          if (res.status === 400 && !res.headers.has('vary')) continue; // refused by Node's HTTP parser
          reached++;
          expect(res.status).toBeLessThan(500);
          expect(res.headers.has('access-control-allow-origin')).toBe(false);
          expect(res.text).not.toContain('evil');
        }
      }
      expect(reached).toBe(4); // the tab and the obs-text byte get through Node's parser
    });

    it('a 64 KiB Access-Control-Request-Headers: no throw, nothing echoed', async () => {
      const huge = Array.from(
        { length: (64 * 1024) / 8 + 1 },
        (_, i) => `x-h${String(i).padStart(4, '0')}`,
      ).join(',');
      expect(huge.length).toBeGreaterThanOrEqual(64 * 1024);
      const res = await preflight(ALLOWED, 'PUT', huge);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-headers')).toBeNull();
      expect(res.headers.get('access-control-max-age')).toBeNull();
      expect(calls).toEqual([]);
    });

    describe('async originLookup', () => {
      let tenantApp: Served;
      beforeAll(async () => {
        tenantApp = await build(createCorsPolicy(lookupConfig), calls); // a built policy, not a config
      });
      afterAll(() => tenantApp.close());

      it('allows an origin the lookup accepts, and varies on what it depends on', async () => {
        calls.length = 0;
        const res = await fetch(`${tenantApp.url}/items`, { headers: { Origin: TENANT } });
        expect(await res.text()).toBe('items');
        expect(res.headers.get('access-control-allow-origin')).toBe(TENANT);
        expect(varyTokens(res)).toEqual(['Origin', 'Host']);
        expect(calls).toEqual(['GET /items']);
      });

      it('answers a preflight for it', async () => {
        calls.length = 0;
        const res = await fetch(`${tenantApp.url}/items`, {
          method: 'OPTIONS',
          headers: { Origin: TENANT, 'Access-Control-Request-Method': 'DELETE' },
        });
        expect(res.status).toBe(204);
        expect(res.headers.get('access-control-allow-origin')).toBe(TENANT);
        expect(res.headers.get('access-control-allow-methods')).toBe('DELETE');
        expect(calls).toEqual([]);
      });

      it('denies an origin the lookup refuses', async () => {
        const res = await fetch(`${tenantApp.url}/items`, { headers: { Origin: EVIL } });
        expect(await res.text()).toBe('items');
        expect(res.headers.get('access-control-allow-origin')).toBeNull();
        expect(varyTokens(res)).toEqual(['Origin', 'Host']);
      });
    });
  });
}
