// The local API's defences, over real HTTP on loopback: each refusal, and proof that a refused request
// probed nothing (the target server counts what reaches it).
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUiServer, type UiServer } from '../../src/ui/server/server.js';
import { ensureUiBuilt, ROOT, startTarget, type Target } from './harness.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request, so that Host and Origin are exactly what the test says. */
function send(
  server: UiServer,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

let ui: UiServer;
let target: Target;
let checkBody: string;

beforeAll(async () => {
  ensureUiBuilt();
  target = await startTarget((_req, res) => {
    res.setHeader('Access-Control-Allow-Origin', 'http://localhost:3000');
    res.end('ok');
  });
  ui = await startUiServer({ port: 0 });
  checkBody = JSON.stringify({ url: `${target.origin}/probe`, origin: 'http://localhost:3000' });
});

afterAll(async () => {
  await ui?.close();
  await target?.close();
});

const host = () => `127.0.0.1:${ui.port}`;
const json = { 'Content-Type': 'application/json' };

describe('corskit ui: the local API refuses', () => {
  it('a request whose Host is not its own (DNS rebinding), even for the page that holds the token', async () => {
    for (const h of [
      'attacker.example',
      `attacker.example:${ui.port}`,
      `localhost:${ui.port}`,
      '127.0.0.1',
    ]) {
      const page = await send(ui, '/', { headers: { Host: h } });
      expect(page.status, h).toBe(421);
      expect(page.body).not.toContain(ui.token);
      const api = await send(ui, '/api/check', {
        method: 'POST',
        headers: { Host: h, ...json, 'X-Corskit-Token': ui.token },
        body: checkBody,
      });
      expect(api.status, h).toBe(421);
    }
    expect(target.received).toEqual([]);
  });

  it('an API call without the token, or with a wrong one, and probes nothing', async () => {
    const missing = await send(ui, '/api/check', {
      method: 'POST',
      headers: { Host: host(), ...json },
      body: checkBody,
    });
    expect(missing.status).toBe(403);
    expect(JSON.parse(missing.body).error).toMatch(/token/);
    for (const wrong of ['x', `${ui.token}x`, ui.token.slice(0, -1), ui.token.toUpperCase()]) {
      const res = await send(ui, '/api/check', {
        method: 'POST',
        headers: { Host: host(), ...json, 'X-Corskit-Token': wrong },
        body: checkBody,
      });
      expect(res.status, wrong).toBe(403);
    }
    const audit = await send(ui, '/api/audit', {
      method: 'POST',
      headers: { Host: host(), ...json },
      body: JSON.stringify({ urls: [`${target.origin}/`] }),
    });
    expect(audit.status).toBe(403);
    expect(target.received).toEqual([]);
  });

  it('a request from another origin, even with the right token, through corskit’s own policy', async () => {
    for (const origin of [
      'https://attacker.example',
      'null',
      `http://localhost:${ui.port}`,
      `http://127.0.0.1:${ui.port + 1}`,
    ]) {
      const res = await send(ui, '/api/check', {
        method: 'POST',
        headers: { Host: host(), ...json, Origin: origin, 'X-Corskit-Token': ui.token },
        body: checkBody,
      });
      expect(res.status, origin).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
    // The preflight another origin's page would need first is refused too: no CORS headers.
    const preflight = await send(ui, '/api/check', {
      method: 'OPTIONS',
      headers: {
        Host: host(),
        Origin: 'https://attacker.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-corskit-token',
      },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(target.received).toEqual([]);
  });

  it('nothing else: its own origin with the token probes the target', async () => {
    const preflight = await send(ui, '/api/check', {
      method: 'OPTIONS',
      headers: {
        Host: host(),
        Origin: ui.origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-corskit-token',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ui.origin);
    const res = await send(ui, '/api/check', {
      method: 'POST',
      headers: { Host: host(), ...json, Origin: ui.origin, 'X-Corskit-Token': ui.token },
      body: checkBody,
    });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(ui.origin);
    expect(JSON.parse(res.body)).toMatchObject({ verdict: 'allowed' });
    expect(target.received).toContain('GET /probe');
  });
});

describe('corskit ui: the audit API', () => {
  it('streams NDJSON: the start, one line per finished target, then the report and its SARIF', async () => {
    const before = target.received.length;
    const res = await send(ui, '/api/audit', {
      method: 'POST',
      headers: { Host: host(), ...json, 'X-Corskit-Token': ui.token },
      body: JSON.stringify({
        urls: [`${target.origin}/one`, `${target.origin}/two`, `${target.origin}/three`],
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = res.body
      .trim()
      .split('\n')
      .map(
        (l) => JSON.parse(l) as { type: string; done?: number; total?: number; sarif?: { version: string } },
      );
    expect(lines.map((l) => l.type)).toEqual(['start', 'progress', 'progress', 'progress', 'done']);
    expect(lines.filter((l) => l.type === 'progress').map((l) => l.done)).toEqual([1, 2, 3]);
    expect(lines.at(-1)?.sarif?.version).toBe('2.1.0');
    expect(target.received.length).toBeGreaterThan(before + 30);
  });
});

describe('corskit ui: the page and its inputs', () => {
  it('hands a fresh random token to the page it serves, with a strict Content-Security-Policy', async () => {
    const page = await send(ui, '/', { headers: { Host: host() } });
    expect(page.status).toBe(200);
    expect(page.body).toContain(`<meta name="corskit-token" content="${ui.token}"`);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    const other = await startUiServer({ port: 0 });
    try {
      expect(other.token).not.toBe(ui.token);
      expect(other.token.length).toBeGreaterThanOrEqual(40);
    } finally {
      await other.close();
    }
  });

  it('serves no file outside the app', async () => {
    for (const path of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/assets/../../../package.json',
      '/nope.js',
    ]) {
      const res = await send(ui, path, { headers: { Host: host() } });
      expect(res.status, path).toBe(404);
    }
  });

  it('answers a bad body with one line and status 400', async () => {
    const headers = { Host: host(), ...json, 'X-Corskit-Token': ui.token };
    const notJson = await send(ui, '/api/check', { method: 'POST', headers, body: '{' });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error).toBe('the body is not valid JSON');
    const badUrl = await send(ui, '/api/check', {
      method: 'POST',
      headers,
      body: JSON.stringify({ url: 'not a url', origin: 'http://localhost:3000' }),
    });
    expect(badUrl.status).toBe(400);
    expect(JSON.parse(badUrl.body).error).toMatch(/not an absolute URL/);
    const big = await send(ui, '/api/check', { method: 'POST', headers, body: 'x'.repeat(300 * 1024) });
    expect(big.status).toBe(400);
  });

  it('--open hands its URL to the desktop opener', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'corskit-open-'));
    const opened = join(bin, 'opened.txt');
    // The opener corskit calls: xdg-open on Linux, open on macOS.
    for (const name of ['xdg-open', 'open'])
      writeFileSync(join(bin, name), `#!/bin/sh\necho "$1" > "${opened}"\n`, { mode: 0o755 });
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'ui', '--port', '0', '--open'],
      {
        cwd: ROOT,
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
      });
      await expect
        .poll(() => existsSync(opened) && readFileSync(opened, 'utf8').trim(), { timeout: 20_000 })
        .toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(out).toContain(readFileSync(opened, 'utf8').trim());
    } finally {
      child.kill('SIGTERM');
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('refuses to listen on a non-loopback address, in one line with exit status 2', async () => {
    await expect(startUiServer({ host: '0.0.0.0' })).rejects.toThrow(/not a loopback address/);
    const run = promisify(execFile);
    const failure = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'ui', '--host', '0.0.0.0'],
      {
        cwd: ROOT,
      },
    ).catch((err: { code: number; stdout: string; stderr: string }) => err);
    expect('code' in failure && failure.code).toBe(2);
    expect(failure.stdout).toBe('');
    expect(failure.stderr.trim().split('\n')).toHaveLength(1);
    expect(failure.stderr).toMatch(/^corskit: --host 0\.0\.0\.0 is not a loopback address/);
  });
});
