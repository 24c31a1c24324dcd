// Live audit against deliberately vulnerable loopback servers, one per class, and correctly configured
// ones: every class is found where present, and nothing where absent.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { withCors } from '../../src/adapters/node.js';
import { type AuditOptions, auditTarget, runAudit } from '../../src/audit/audit.js';
import type { AuditFindingId } from '../../src/audit/classes.js';
import type { CorsPolicyConfig } from '../../src/policy/index.js';

const T = 'https://app.example.com';
const T2 = 'https://admin.example.com';
const servers: http.Server[] = [];

afterAll(async () => {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

async function serve(listener: http.RequestListener): Promise<string> {
  const server = http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/data`;
}

type Headers = Record<string, string | string[]>;
interface Behaviour {
  /** CORS headers for an origin, or null to send none. */
  readonly allow: (origin: string, req: http.IncomingMessage) => Headers | null;
  /** Extra headers on preflights (after allow). */
  readonly preflight?: (req: http.IncomingMessage) => Headers;
  readonly status?: number;
}

/** A hand-written CORS server: the same origin logic for GET and OPTIONS, fixed preflight lists. */
function handwritten(b: Behaviour): http.RequestListener {
  return (req, res) => {
    const origin = req.headers.origin;
    const headers = origin === undefined ? null : b.allow(origin, req);
    for (const [n, v] of Object.entries(headers ?? {})) res.setHeader(n, v);
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT');
      res.setHeader('Access-Control-Allow-Headers', 'content-type');
      for (const [n, v] of Object.entries(b.preflight?.(req) ?? {})) res.setHeader(n, v);
      res.statusCode = 204;
      res.end();
      return;
    }
    res.statusCode = b.status ?? 200;
    res.end('{"secret":1}');
  };
}

/** Allows the origins `test` accepts, with credentials and Vary: Origin. */
const echo =
  (test: (o: string) => boolean, extra: Headers = {}) =>
  (o: string): Headers | null =>
    test(o)
      ? {
          'Access-Control-Allow-Origin': o,
          'Access-Control-Allow-Credentials': 'true',
          Vary: 'Origin',
          ...extra,
        }
      : null;

const audit = async (listener: http.RequestListener, options: AuditOptions = { trustedOrigins: [T] }) => {
  const result = await auditTarget(await serve(listener), options);
  expect(result.error).toBeNull();
  return result;
};
const ids = (r: { findings: readonly { id: AuditFindingId }[] }) => r.findings.map((f) => f.id).sort();

const VULNERABLE: ReadonlyArray<[AuditFindingId, Behaviour, string[]?]> = [
  ['reflect-any-origin', { allow: echo((o) => o !== 'null') }],
  ['null-origin', { allow: echo((o) => o === T || o === 'null') }],
  ['prefix-match', { allow: echo((o) => o.startsWith(T)) }],
  ['suffix-match', { allow: echo((o) => o.endsWith('example.com')) }],
  ['substring-match', { allow: echo((o) => T.includes(o)) }],
  ['unescaped-dot', { allow: echo((o) => /^https:\/\/app.example.com$/.test(o)) }],
  ['special-chars', { allow: echo((o) => o.split(/[_`]/)[0] === T) }],
  ['any-subdomain', { allow: echo((o) => /^https:\/\/([a-z0-9-]+\.)*example\.com$/.test(o)) }],
  ['http-origin-trusted', { allow: echo((o) => o === T || o === 'http://app.example.com') }],
  [
    'third-party-origin',
    { allow: echo((o) => o === T || (o.startsWith('https://') && o.endsWith('.github.io'))) },
  ],
  ['localhost-trusted', { allow: echo((o) => o === T || o === 'http://localhost:3000') }],
  ['other-port-trusted', { allow: echo((o) => /^https:\/\/app\.example\.com(:\d+)?$/.test(o)) }],
  ['wildcard-origin', { allow: () => ({ 'Access-Control-Allow-Origin': '*' }) }],
  [
    'wildcard-with-credentials',
    { allow: () => ({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Credentials': 'true' }) },
  ],
  [
    'invalid-allow-origin',
    { allow: (o) => (o === T ? { 'Access-Control-Allow-Origin': `${T}/`, Vary: 'Origin' } : null) },
  ],
  [
    'missing-vary-origin',
    { allow: (o) => (o === T || o === T2 ? { 'Access-Control-Allow-Origin': o } : null) },
    [T, T2],
  ],
  [
    'preflight-reflects-method',
    {
      allow: echo((o) => o === T),
      preflight: (req) => ({
        'Access-Control-Allow-Methods': String(req.headers['access-control-request-method']),
      }),
    },
  ],
  [
    'preflight-reflects-headers',
    {
      allow: echo((o) => o === T),
      preflight: (req) => ({
        'Access-Control-Allow-Headers': String(req.headers['access-control-request-headers'] ?? ''),
      }),
    },
  ],
];

describe('audit: one vulnerable server per class', () => {
  it.each(VULNERABLE)('%s is found, and nothing else', async (id, behaviour, trusted = [T]) => {
    const result = await audit(handwritten(behaviour), { trustedOrigins: trusted });
    expect(ids(result)).toEqual([id]);
    const f = result.findings[0]!;
    expect(f.cwe).toMatch(/^CWE-\d+$/);
    expect(f.fix.length).toBeGreaterThan(20);
    expect(f.evidence.exchanges.length).toBeGreaterThan(0);
    expect(f.evidence.exchanges[0]!.request.headers.Origin).toBe(f.origin);
  });

  it('names the browsers for special characters: `_` works everywhere, `{` only in Safari', async () => {
    const everywhere = await audit(handwritten({ allow: echo((o) => o.split(/[_`]/)[0] === T) }));
    expect(everywhere.findings[0]!.evidence.browsers).toEqual(['Chrome', 'Firefox', 'Safari']);
    expect(everywhere.findings[0]!.evidence.note).toMatch(/_ \(all browsers\).*` \(Safari only\)/);
    const safari = await audit(handwritten({ allow: echo((o) => o.split(/[{}]/)[0] === T) }));
    expect(ids(safari)).toEqual(['special-chars']);
    expect(safari.findings[0]!.evidence.browsers).toEqual(['Safari']);
  });

  it('reports a broad flaw once, not each of its consequences', async () => {
    const contains = await audit(handwritten({ allow: echo((o) => o.includes('app.example.com')) }));
    expect(ids(contains)).toEqual(['substring-match']);
    const naive = await audit(handwritten({ allow: echo(() => true) }));
    expect(ids(naive)).toEqual(['null-origin', 'reflect-any-origin']);
  });

  it('finds flaws in the OPTIONS handler alone (a preflight-only reflection)', async () => {
    const result = await audit((req, res) => {
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Origin', String(req.headers.origin));
        res.setHeader('Access-Control-Allow-Credentials', 'true');
        res.setHeader('Vary', 'Origin');
      }
      res.end();
    });
    expect(ids(result)).toEqual(['null-origin', 'reflect-any-origin']);
    const f = result.findings.find((x) => x.id === 'reflect-any-origin')!;
    expect(f.evidence.via).toBe('preflight');
    expect(f.evidence.exchanges[0]!.request.method).toBe('OPTIONS');
    expect(f.evidence.note).toMatch(/Only the preflight/);
  });

  it('counts an error page that reflects', async () => {
    const result = await audit(handwritten({ allow: echo((o) => o !== 'null'), status: 404 }));
    expect(ids(result)).toEqual(['reflect-any-origin']);
    expect(result.findings[0]!.evidence.exchanges[0]!.response.status).toBe(404);
    expect(result.findings[0]!.evidence.note).toMatch(/status 404/);
  });

  it('raises the severity only when Access-Control-Allow-Credentials is exactly true', async () => {
    const reflect = (creds: string | null) =>
      handwritten({
        allow: (o) => ({
          'Access-Control-Allow-Origin': o,
          Vary: 'Origin',
          ...(creds === null ? {} : { 'Access-Control-Allow-Credentials': creds }),
        }),
      });
    for (const [creds, severity] of [
      ['true', 'high'],
      [null, 'medium'],
      ['True', 'medium'],
    ] as const) {
      const f = (await audit(reflect(creds))).findings.find((x) => x.id === 'reflect-any-origin')!;
      expect([creds, f.severity, f.credentials]).toEqual([creds, severity, creds === 'true']);
    }
  });

  it('compares Access-Control-Allow-Origin byte for byte (case and port count)', async () => {
    const upper = await audit(
      handwritten({ allow: (o) => ({ 'Access-Control-Allow-Origin': o.toUpperCase(), Vary: 'Origin' }) }),
    );
    expect(ids(upper)).not.toContain('reflect-any-origin');
  });

  it('flags invalid values: a list, two header lines, a pattern', async () => {
    const values: Array<string | string[]> = [`${T} ${T2}`, [T, T], 'https://*.example.com'];
    for (const value of values) {
      const result = await audit(
        handwritten({ allow: () => ({ 'Access-Control-Allow-Origin': value, Vary: 'Origin' }) }),
      );
      expect(ids(result)).toEqual(['invalid-allow-origin']);
    }
  });

  it('derives attacker origins for an IP target without --origin (tricks on the host string)', async () => {
    const result = await audit(handwritten({ allow: echo((o) => o.startsWith('http://127.0.0.1')) }), {});
    expect(ids(result)).toEqual(['prefix-match']);
    expect(result.findings[0]!.origin).toMatch(/^http:\/\/127\.0\.0\.1(\.[a-z0-9]+)?[a-z0-9]*\.com$/);
  });
});

async function corskit(config: CorsPolicyConfig): Promise<http.RequestListener> {
  return withCors((_req, res) => {
    res.end('{"secret":1}');
  }, config);
}

describe('audit: correctly configured servers', () => {
  it('an exact allowlist with credentials: nothing', async () => {
    const app = await corskit({
      origins: [T],
      credentials: true,
      methods: ['PUT'],
      requestHeaders: ['content-type'],
    });
    expect(ids(await audit(app))).toEqual([]);
    expect(ids(await audit(app, {}))).toEqual([]);
  });

  it('a hand-written exact allowlist with Vary: Origin: nothing', async () => {
    expect(
      ids(await audit(handwritten({ allow: echo((o) => o === T || o === T2) }), { trustedOrigins: [T, T2] })),
    ).toEqual([]);
  });

  it('a wildcard-subdomain allowlist: nothing when declared, any-subdomain when not', async () => {
    const app = await corskit({ origins: ['https://*.example.com'], credentials: true });
    expect(ids(await audit(app, { trustedOrigins: ['https://*.example.com'] }))).toEqual([]);
    const undeclared = await audit(app);
    expect(ids(undeclared)).toEqual(['any-subdomain']);
    expect(undeclared.findings[0]!.severity).toBe('medium');
  });

  it('a public * API without credentials: only the informational wildcard-origin', async () => {
    const result = await audit(await corskit({ origins: '*' }));
    expect(result.findings.map((f) => [f.id, f.severity])).toEqual([['wildcard-origin', 'info']]);
  });
});

describe('audit: request options', () => {
  it('sends --cookie with actual requests only, and redacts it in the evidence', async () => {
    const seen: Array<[string | undefined, string | undefined]> = [];
    const url = await serve((req, res) => {
      seen.push([req.method, req.headers.cookie]);
      if (req.headers.cookie === 'sid=1' && req.headers.origin !== undefined) {
        res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
        res.setHeader('Access-Control-Allow-Credentials', 'true');
        res.setHeader('Vary', 'Origin');
      }
      res.end();
    });
    const result = await auditTarget(url, { trustedOrigins: [T], cookie: 'sid=1' });
    expect(ids(result)).toEqual(['null-origin', 'reflect-any-origin']);
    expect(result.findings[0]!.evidence.exchanges[0]!.request.headers.Cookie).toBe('(redacted)');
    expect(seen.filter(([m]) => m === 'OPTIONS').every(([, c]) => c === undefined)).toBe(true);
    expect(seen.filter(([m]) => m === 'GET').every(([, c]) => c === 'sid=1')).toBe(true);
  });

  it('sends --header with every request', async () => {
    const url = await serve(
      handwritten({ allow: (o, req) => (req.headers['x-api-key'] === 'k' ? echo(() => true)(o) : null) }),
    );
    const result = await auditTarget(url, { trustedOrigins: [T], headers: [['X-Api-Key', 'k']] });
    expect(ids(result)).toEqual(['null-origin', 'reflect-any-origin']);
  });

  it('gives up on a target that stops answering, without waiting out every timeout', async () => {
    const url = await serve((req, res) => {
      if (req.headers.origin === T) res.end();
      // Anything else hangs.
    });
    const result = await auditTarget(url, { trustedOrigins: [T], timeoutMs: 300 });
    expect(result.error).toMatch(/requests failed: ERR_TIMED_OUT/);
    // Given up after a handful of timeouts, not after every probe (speed itself is in bench/).
    expect(result.requests).toBeLessThan(40);
  });
});

describe('audit: many targets', () => {
  it('reports an unreachable target on its own and goes on', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const dead = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const live = await serve(handwritten({ allow: echo((o) => o !== 'null') }));
    const report = await runAudit([dead, live], { trustedOrigins: [T], timeoutMs: 2000 });
    expect(report.targets[0]!.error).toMatch(/ERR_CONNECTION_REFUSED/);
    expect(ids(report.targets[1]!)).toEqual(['reflect-any-origin']);
    expect(report.summary).toMatchObject({ targets: 2, unreachable: 1, findings: { high: 1, total: 1 } });
  });

  it('keeps the rate limit', async () => {
    const url = await serve(handwritten({ allow: echo((o) => o === T) }));
    let requests = 0;
    const started = performance.now();
    const report = await runAudit([url], {
      trustedOrigins: [T],
      rate: 2000,
      onProgress: ({ result }) => {
        requests = result.requests;
      },
    });
    const seconds = (performance.now() - started) / 1000;
    expect(requests).toBe(report.summary.requests);
    expect(seconds).toBeGreaterThanOrEqual((requests - 1) / 2000 - 0.01);
  });

  it('uses fresh random labels each run', async () => {
    const url = await serve(handwritten({ allow: echo((o) => o !== 'null') }));
    const [a, b] = await Promise.all([auditTarget(url), auditTarget(url)]);
    expect(a.findings[0]!.origin).not.toBe(b.findings[0]!.origin);
  });

  it('sends every probe to one endpoint (its wall time is measured in bench/audit.bench.ts)', async () => {
    const url = await serve(handwritten({ allow: echo((o) => o === T) }));
    const result = await auditTarget(url, { trustedOrigins: [T] });
    expect(result.requests).toBeGreaterThan(100);
    expect(result.error).toBeNull();
  });
});
