// Audit speed: `corskit audit` over 200 loopback endpoints (wall time, requests per second), and one
// endpoint on its own (it must take under a second). The endpoints are served by child processes so
// that the servers do not share the auditor's event loop; they cycle through five behaviours, from
// correct to reflect-anything, so the classifier does real work.
//
//   npx tsx bench/audit.bench.ts                          # 200 endpoints, 8 targets at once (the CLI default)
//   npx tsx bench/audit.bench.ts --endpoints 500 --concurrency 32 --servers 2
//
// Not part of the tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { auditTarget, runAudit } from '../src/audit/audit.js';

const TRUSTED = 'https://app.example.com';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? Number.NaN : Number(process.argv[i + 1]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

const ENDPOINTS = arg('endpoints', 200);
const CONCURRENCY = arg('concurrency', 8);
const SERVERS = arg('servers', Math.max(1, Math.min(4, cpus().length)));

/** The server, in plain JavaScript for `node -e`: /e/<n> behaves as kind n % 5; prints its port. */
const SERVER_JS = `
const http = require('node:http');
const T = ${JSON.stringify(TRUSTED)};
const kinds = [
  (o) => (o === T ? { 'Access-Control-Allow-Origin': o, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' } : { Vary: 'Origin' }),
  (o) => ({ 'Access-Control-Allow-Origin': o, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' }),
  (o) => (o.startsWith(T) ? { 'Access-Control-Allow-Origin': o, Vary: 'Origin' } : { Vary: 'Origin' }),
  () => ({ 'Access-Control-Allow-Origin': '*' }),
  (o) => (o === T ? { 'Access-Control-Allow-Origin': o } : {}),
];
const server = http.createServer((req, res) => {
  const n = Number(req.url.split('/')[2]) || 0;
  const o = req.headers.origin;
  if (o !== undefined) for (const [k, v] of Object.entries(kinds[n % kinds.length](o))) res.setHeader(k, v);
  res.statusCode = req.method === 'OPTIONS' ? 204 : 200;
  res.end(req.method === 'OPTIONS' ? undefined : '{"items":[]}');
});
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', SERVER_JS], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.once('data', (chunk: Buffer) => resolve({ child, port: Number(String(chunk).trim()) }));
  });
}

const ms = (x: number) => `${x.toFixed(0)} ms`;

async function main(): Promise<void> {
  const servers = await Promise.all(Array.from({ length: SERVERS }, startServer));
  try {
    const urls = Array.from(
      { length: ENDPOINTS },
      (_, i) => `http://127.0.0.1:${servers[i % servers.length]!.port}/e/${i}`,
    );
    // Warm up the JIT and the connection pools.
    await runAudit(urls.slice(0, 10), { trustedOrigins: [TRUSTED], concurrency: CONCURRENCY });

    const single: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await auditTarget(urls[i % 5]!, { trustedOrigins: [TRUSTED] });
      single.push(performance.now() - t0);
    }
    const report = await runAudit(urls, { trustedOrigins: [TRUSTED], concurrency: CONCURRENCY });
    const s = report.summary;
    const perTarget = report.targets.map((t) => t.durationMs).sort((a, b) => a - b);
    const withFindings = report.targets.filter((t) => t.findings.length > 0).length;

    console.log(
      `node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${SERVERS} server process(es)`,
    );
    console.log(
      `one endpoint:        median ${ms(median(single))} over ${single.length} runs (max ${ms(Math.max(...single))}) ${Math.max(...single) < 1000 ? 'OK: under a second' : 'SLOW: over a second'}`,
    );
    console.log(
      `${s.targets} endpoints:       ${ms(s.durationMs)} wall, ${s.requests} requests, ${s.requestsPerSecond} requests/s, concurrency ${CONCURRENCY}`,
    );
    console.log(
      `per endpoint:        median ${ms(median(perTarget))}, p95 ${ms(perTarget[Math.floor(perTarget.length * 0.95)] ?? 0)} (while ${CONCURRENCY} run at once)`,
    );
    console.log(
      `findings:            ${s.findings.total} on ${withFindings} endpoints (high ${s.findings.high}, medium ${s.findings.medium}, low ${s.findings.low}, info ${s.findings.info}); unreachable ${s.unreachable}`,
    );
    if (s.unreachable > 0) process.exitCode = 1;
  } finally {
    for (const { child } of servers) child.kill();
  }
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

await main();
