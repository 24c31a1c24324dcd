// The command line, the JSON shape, SARIF for GitHub code scanning, exit statuses and the text report.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AuditReport, runAudit } from '../../src/audit/audit.js';
import { AUDIT_FINDING_IDS } from '../../src/audit/classes.js';
import { auditExitCode, renderSummary, renderTarget } from '../../src/audit/report.js';
import { toSarif } from '../../src/audit/sarif.js';
import { addAuditCommand, parseUrlList } from '../../src/cli/audit-command.js';
import { UsageError } from '../../src/doctor/scenarios.js';
import { makeStyle } from '../../src/doctor/style.js';

const T = 'https://app.example.com';
const servers: http.Server[] = [];
const dir = mkdtempSync(join(tmpdir(), 'corskit-audit-'));
let reflectCreds = '';
let reflectPlain = '';
let correct = '';
let dead = '';

async function serve(allow: (o: string) => Record<string, string>): Promise<string> {
  const server = http.createServer((req, res) => {
    const o = req.headers.origin;
    if (o !== undefined) for (const [n, v] of Object.entries(allow(o))) res.setHeader(n, v);
    res.statusCode = req.method === 'OPTIONS' ? 204 : 200;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
}

beforeAll(async () => {
  const vary = { Vary: 'Origin' };
  reflectCreds = await serve((o) =>
    o === 'null'
      ? {}
      : { 'Access-Control-Allow-Origin': o, 'Access-Control-Allow-Credentials': 'true', ...vary },
  );
  reflectPlain = await serve((o) => (o === 'null' ? {} : { 'Access-Control-Allow-Origin': o, ...vary }));
  correct = await serve((o) => (o === T ? { 'Access-Control-Allow-Origin': o, ...vary } : vary));
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  dead = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
});

afterAll(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

/** Runs `corskit audit ...args` in process; returns stdout and the exit status it set. */
async function cli(...args: string[]): Promise<{ out: string; code: number | undefined }> {
  const program = new Command('corskit').exitOverride();
  program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  addAuditCommand(program);
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'corskit', 'audit', ...args]);
  } finally {
    vi.restoreAllMocks();
  }
  const code = process.exitCode as number | undefined;
  process.exitCode = undefined;
  return { out, code };
}

describe('corskit audit (command line)', () => {
  it('prints the JSON shape and exits 1 for a finding at or above --fail-on', async () => {
    const { out, code } = await cli(reflectCreds, '--origin', T, '--json');
    const json = JSON.parse(out);
    expect(code).toBe(1);
    expect(Object.keys(json)).toEqual(['targets', 'summary']);
    expect(json.targets[0].url).toBe(reflectCreds);
    const f = json.targets[0].findings[0];
    expect(Object.keys(f)).toEqual(['id', 'severity', 'origin', 'credentials', 'evidence', 'cwe', 'fix']);
    expect(f).toMatchObject({
      id: 'reflect-any-origin',
      severity: 'high',
      credentials: true,
      cwe: 'CWE-942',
    });
    expect(json.summary).toMatchObject({ targets: 1, unreachable: 0, failOn: 'medium', exitCode: 1 });
    expect(json.summary.requestsPerSecond).toBeGreaterThan(0);
  });

  it('exits 0 when nothing is at or above --fail-on', async () => {
    expect((await cli(reflectPlain, '--origin', T, '--json', '--fail-on', 'high')).code).toBe(0);
    expect((await cli(reflectPlain, '--origin', T, '--json')).code).toBe(1);
    const { out, code } = await cli(correct, '--origin', T);
    expect(code).toBe(0);
    expect(out).toContain('no misconfiguration found');
    expect(out).toMatch(/1 target: 0 high, 0 medium, 0 low, 0 info; \d+ requests in/);
    expect(out).not.toContain('\x1b[');
  });

  it('exits 2 when a target is unreachable, and still reports the others', async () => {
    const { out, code } = await cli(dead, correct, '--origin', T, '--json', '--timeout', '2000');
    const json = JSON.parse(out);
    expect(code).toBe(2);
    expect(json.targets.map((t: { error: string | null }) => t.error === null)).toEqual([false, true]);
    expect((await cli(dead, reflectCreds, '--origin', T, '--json')).code).toBe(1);
  });

  it('reads URLs from --file, skipping blank lines and comments', async () => {
    const file = join(dir, 'urls.txt');
    writeFileSync(file, `# targets\n${correct}\n\n${reflectPlain}\n`);
    const json = JSON.parse((await cli('--file', file, '--origin', T, '--json')).out);
    expect(json.targets.map((t: { url: string }) => t.url)).toEqual([correct, reflectPlain]);
    expect(parseUrlList(' a \r\n#b\n\nc')).toEqual(['a', 'c']);
  });

  it('writes SARIF with --sarif', async () => {
    const file = join(dir, 'audit.sarif');
    await cli(reflectCreds, '--origin', T, '--sarif', file);
    const sarif = JSON.parse(readFileSync(file, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(reflectCreds);
  });

  it('audits a policy file with --policy, offline', async () => {
    const good = join(dir, 'good.json');
    const bad = join(dir, 'bad.json');
    writeFileSync(good, JSON.stringify({ origins: [T], credentials: true }));
    writeFileSync(bad, JSON.stringify({ origins: [T, 'null'], credentials: true }));
    expect((await cli('--policy', good)).code).toBe(0);
    const { out, code } = await cli('--policy', bad, '--json');
    const json = JSON.parse(out);
    expect(code).toBe(1);
    expect(json.targets[0]).toMatchObject({ url: bad, valid: false });
    expect(json.targets[0].findings[0]).toMatchObject({ id: 'null-origin', severity: 'high' });
    const text = (await cli('--policy', bad)).out;
    expect(text).toContain('createCorsPolicy refuses this config');
  });

  it('refuses bad usage before any request', async () => {
    await expect(cli('ftp://example.com/')).rejects.toThrow(UsageError);
    await expect(cli('not a url')).rejects.toThrow(UsageError);
    await expect(cli(correct, '--origin', 'app.example.com')).rejects.toThrow(UsageError);
    await expect(cli(correct, '--header', 'nocolon')).rejects.toThrow(UsageError);
    await expect(cli(correct, '--concurrency', '0')).rejects.toThrow(UsageError);
    await expect(cli(correct, '--policy', 'x.json')).rejects.toThrow(UsageError);
    await expect(cli()).rejects.toThrow(UsageError);
    await expect(cli(correct, '--fail-on', 'critical')).rejects.toThrow(CommanderError);
    await expect(cli('--policy', join(dir, 'missing.json'))).rejects.toThrow(/no such file/);
  });
});

describe('SARIF', () => {
  let report: AuditReport;
  beforeAll(async () => {
    report = await runAudit([reflectCreds, dead], { trustedOrigins: [T], timeoutMs: 2000 });
  });

  it('has the shape GitHub code scanning accepts', () => {
    const sarif = toSarif(report.targets, { toolVersion: '0.1.0' });
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0]!;
    const driver = run.tool.driver;
    expect(driver.name).toBe('corskit');
    expect(driver.rules.map((r) => r.id)).toEqual(AUDIT_FINDING_IDS);
    for (const rule of driver.rules) {
      expect(rule.shortDescription.text.length).toBeGreaterThan(10);
      expect(rule.help.text.length).toBeGreaterThan(10);
      expect(Number(rule.properties['security-severity'])).toBeGreaterThan(0);
      expect(rule.properties.tags[0]).toBe('security');
      expect(rule.properties.tags[1]).toMatch(/^external\/cwe\/cwe-\d+$/);
    }
    expect(driver.rules[0]!.properties.tags).toEqual(['security', 'external/cwe/cwe-942']);
    const result = run.results[0]!;
    expect(result).toMatchObject({ ruleId: 'reflect-any-origin', ruleIndex: 0, level: 'error' });
    expect(result.message.text).toContain(result.properties.origin);
    expect(result.locations[0]!.physicalLocation.artifactLocation.uri).toBe(reflectCreds);
    expect(Object.values(result.partialFingerprints)[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(result.webResponse!.headers['access-control-allow-origin']).toBe(result.properties.origin);
    expect(run.invocations[0]!.executionSuccessful).toBe(false);
    expect(run.invocations[0]!.toolExecutionNotifications[0]!.message.text).toContain(dead);
  });

  it('keeps fingerprints stable across runs (the random origin is not in them)', async () => {
    const again = await runAudit([reflectCreds], { trustedOrigins: [T] });
    const fp = (r: AuditReport) =>
      toSarif(r.targets, { toolVersion: '0' }).runs[0]!.results[0]!.partialFingerprints;
    expect(again.targets[0]!.findings[0]!.origin).not.toBe(report.targets[0]!.findings[0]!.origin);
    expect(fp(again)).toEqual(fp(report));
  });

  it('exit status and text report', () => {
    expect(auditExitCode(report, 'medium')).toBe(1);
    const style = makeStyle({ isTTY: false }, {});
    const text = renderTarget(report.targets[0]!, style);
    expect(text).toContain('reflect-any-origin');
    expect(text).toContain('CWE-942');
    expect(renderTarget(report.targets[1]!, style)).toMatch(/UNREACHABLE: ERR_CONNECTION_REFUSED/);
    expect(renderSummary(report, style)).toMatch(/2 targets \(1 unreachable\): 1 high/);
  });
});
