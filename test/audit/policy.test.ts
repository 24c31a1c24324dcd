// Static audit of corskit policy configs: the live audit's classes, with no network.
import { describe, expect, it } from 'vitest';
import type { AuditFindingId } from '../../src/audit/classes.js';
import { auditPolicy } from '../../src/audit/policy.js';

const T = 'https://app.example.com';
const pairs = (r: { findings: readonly { id: AuditFindingId; severity: string }[] }) =>
  r.findings.map((f) => `${f.id}:${f.severity}`).sort();

describe('auditPolicy', () => {
  it('finds nothing in an exact allowlist with credentials', async () => {
    const r = await auditPolicy({
      origins: [T, 'https://admin.example.com'],
      credentials: true,
      methods: ['PUT'],
    });
    expect(r).toMatchObject({ valid: true, problems: [], findings: [] });
  });

  it.each<[string, object, string[], boolean]>([
    ['null', { origins: [T, 'null'], credentials: true }, ['null-origin:high'], false],
    [
      'every subdomain',
      { origins: ['https://*.example.com'], credentials: true },
      ['any-subdomain:medium'],
      true,
    ],
    [
      'every subdomain of a public suffix',
      { origins: ['https://*.github.io'] },
      ['third-party-origin:medium'],
      false,
    ],
    [
      'shared hosting',
      { origins: [T, 'https://codepen.io'], credentials: true },
      ['third-party-origin:high'],
      true,
    ],
    [
      'http with credentials',
      { origins: ['http://app.example.com'], credentials: true },
      ['http-origin-trusted:medium'],
      false,
    ],
    ['http without credentials', { origins: ['http://app.example.com'] }, ['http-origin-trusted:low'], true],
    [
      'localhost',
      { origins: [T, 'http://localhost:3000'], credentials: true },
      ['localhost-trusted:medium'],
      true,
    ],
    ['any port', { origins: ['https://app.example.com:*'] }, ['other-port-trusted:info'], true],
    [
      'any port, credentials',
      { origins: ['https://app.example.com:*'], credentials: true },
      ['other-port-trusted:low'],
      true,
    ],
    ['*', { origins: '*' }, ['wildcard-origin:info'], true],
    ['* with credentials', { origins: '*', credentials: true }, ['wildcard-with-credentials:medium'], false],
    ['a trailing slash', { origins: [`${T}/`] }, ['invalid-allow-origin:low'], false],
    [
      'a pattern in the middle',
      { origins: ['https://app.*.example.com'] },
      ['invalid-allow-origin:low'],
      false,
    ],
    ['any method', { origins: [T], methods: '*' }, ['preflight-reflects-method:low'], true],
    ['any request header', { origins: [T], requestHeaders: '*' }, ['preflight-reflects-headers:low'], true],
  ])('flags %s', async (_name, config, expected, valid) => {
    const r = await auditPolicy(config);
    expect(pairs(r)).toEqual(expected);
    expect(r.valid).toBe(valid);
    const f = r.findings[0]!;
    expect(f.evidence.via).toBe('config');
    expect(f.evidence.config?.path).toMatch(/^(origins|methods|requestHeaders)/);
    expect(f.fix.length).toBeGreaterThan(10);
  });

  it('shows what the policy answers the proving origin when the config is valid', async () => {
    const r = await auditPolicy({ origins: ['https://*.example.com'], credentials: true });
    const f = r.findings[0]!;
    expect(f.origin).toMatch(/^https:\/\/[a-z0-9]+\.example\.com$/);
    expect(f.credentials).toBe(true);
    expect(f.evidence.exchanges[0]!.response.headers).toMatchObject({
      'access-control-allow-origin': f.origin,
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    });
  });

  it('reports every entry, and the refusals of createCorsPolicy', async () => {
    const r = await auditPolicy({
      origins: ['null', 'http://localhost:5173', 'https://*.example.com', 'http://app.example.com'],
      credentials: true,
    });
    expect(r.valid).toBe(false);
    expect(r.problems.map((p) => p.path)).toEqual(['origins[0]', 'origins[3]']);
    expect(r.findings.map((f) => f.evidence.config?.path).sort()).toEqual([
      'origins[0]',
      'origins[1]',
      'origins[2]',
      'origins[3]',
    ]);
  });

  it('probes an originLookup in process: a suffix check, an accept-all', async () => {
    const suffix = await auditPolicy({
      origins: [T],
      credentials: true,
      originLookup: { lookup: (o: string) => o.endsWith('example.com'), dependsOn: [] },
    });
    expect(pairs(suffix)).toEqual(['suffix-match:high']);
    expect(suffix.findings[0]!.evidence.via).toBe('actual');
    const all = await auditPolicy({
      origins: [T],
      originLookup: { lookup: async () => true, dependsOn: [] },
    });
    expect(pairs(all)).toEqual(['reflect-any-origin:medium']);
  });

  it('does not throw on nonsense', async () => {
    for (const config of [null, 42, [], 'x', { origins: 5 }]) {
      const r = await auditPolicy(config);
      expect(r.valid).toBe(false);
      expect(r.findings).toEqual([]);
    }
  });
});
