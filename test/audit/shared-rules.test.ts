// check and audit judge a server by the same rules: run both on the same loopback servers and compare
// what each reports among the risks both can see (check from the page's origin, and from "null").
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { withCors } from '../../src/adapters/node.js';
import { auditTarget } from '../../src/audit/audit.js';
import { simulate } from '../../src/browser/index.js';
import { runCheck } from '../../src/doctor/check.js';

const PAGE = 'https://app.example.com';
const SHARED = [
  'reflect-any-origin',
  'null-origin',
  'wildcard-with-credentials',
  'invalid-allow-origin',
  'missing-vary-origin',
] as const;
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

async function serve(allow: (origin: string) => Record<string, string> | null): Promise<string> {
  const server = http.createServer((req, res) => {
    const origin = req.headers.origin;
    const headers = origin === undefined ? null : allow(origin);
    res.writeHead(req.method === 'OPTIONS' ? 204 : 200, headers ?? {}).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/data`;
}

async function serveCorskit(): Promise<string> {
  const server = http.createServer(
    withCors((_req, res) => res.end('{}'), { origins: [PAGE], credentials: true }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/data`;
}

const creds = { 'Access-Control-Allow-Credentials': 'true' };
/** Each server, and the shared risks it has. */
const SERVERS: [string, () => Promise<string>, readonly string[]][] = [
  [
    'reflects any origin with credentials, no Vary',
    () => serve((o) => ({ 'Access-Control-Allow-Origin': o, ...creds })),
    ['missing-vary-origin', 'null-origin', 'reflect-any-origin'],
  ],
  [
    'reflects any origin, with Vary',
    () => serve((o) => ({ 'Access-Control-Allow-Origin': o, Vary: 'Origin' })),
    ['null-origin', 'reflect-any-origin'],
  ],
  [
    'allows "null" with credentials',
    () =>
      serve((o) =>
        o === 'null' ? { 'Access-Control-Allow-Origin': 'null', ...creds, Vary: 'Origin' } : null,
      ),
    ['null-origin'],
  ],
  ['a fixed origin, no Vary (needs none)', () => serve(() => ({ 'Access-Control-Allow-Origin': PAGE })), []],
  [
    'an allowlist without Vary',
    () => serve((o) => (o === PAGE ? { 'Access-Control-Allow-Origin': PAGE } : null)),
    ['missing-vary-origin'],
  ],
  [
    '"*" with credentials',
    () => serve(() => ({ 'Access-Control-Allow-Origin': '*', ...creds })),
    ['wildcard-with-credentials'],
  ],
  [
    'a pattern in Access-Control-Allow-Origin',
    () => serve(() => ({ 'Access-Control-Allow-Origin': 'https://*.example.com' })),
    ['invalid-allow-origin'],
  ],
  ['corskit, one origin with credentials', serveCorskit, []],
];

describe('check and audit agree on the same servers', () => {
  it.each(SERVERS)('%s', async (_name, start, expected) => {
    const url = await start();
    const audit = await auditTarget(url, { trustedOrigins: [PAGE] });
    const fromAudit = new Set(
      audit.findings.map((f) => f.id).filter((id) => (SHARED as readonly string[]).includes(id)),
    );
    const fromCheck = new Set<string>();
    for (const origin of [PAGE, 'null'])
      for (const credentials of [false, true]) {
        const report = await runCheck({ url, origin, credentials });
        for (const w of report.warnings)
          if ((SHARED as readonly string[]).includes(w.id)) fromCheck.add(w.id);
      }
    expect([...fromCheck].sort()).toEqual([...fromAudit].sort());
    expect([...fromAudit].sort()).toEqual(expected);
  });
});

describe("audit uses the doctor's fix builder", () => {
  it.each([
    ['"*" with credentials', 'wildcard-with-credentials'],
    ['a pattern in Access-Control-Allow-Origin', 'invalid-allow-origin'],
  ])('%s: the trusted origin gets proven headers', async (name, id) => {
    const url = await (SERVERS.find((s) => s[0] === name) as (typeof SERVERS)[number])[1]();
    const audit = await auditTarget(url, { trustedOrigins: [PAGE] });
    const finding = audit.findings.find((f) => f.id === id);
    expect(finding?.provenFix?.origin).toBe(PAGE);
    expect(finding?.fix).toContain(
      `Proven for ${PAGE}: answer its request with Access-Control-Allow-Origin: ${PAGE}`,
    );
    // Replayed independently: the trusted page's request passes with those headers.
    const result = simulate({
      origin: PAGE,
      request: { url, credentials: finding?.credentials ? 'include' : 'same-origin' },
      server: { actual: { status: 200, headers: finding?.provenFix?.actual.map(([n, v]) => [n, v]) ?? [] } },
    } as never);
    expect(result.outcome).toBe('allowed');
  });
});
