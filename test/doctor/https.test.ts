// `corskit check` over real HTTPS: trusted through NODE_EXTRA_CA_CERTS it works like HTTP; untrusted,
// it is one line and exit 2.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../dist/cli/main.js');
const TLS = join(import.meta.dirname, '../fixtures/tls');
const PAGE = 'https://app.example.com';

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer(
    { key: readFileSync(join(TLS, 'key.pem')), cert: readFileSync(join(TLS, 'cert.pem')) },
    (req, res) => {
      if (req.method === 'OPTIONS') {
        res
          .writeHead(204, {
            'Access-Control-Allow-Origin': PAGE,
            'Access-Control-Allow-Methods': 'PUT',
            Vary: 'Origin',
          })
          .end();
        return;
      }
      res.writeHead(200, { 'Access-Control-Allow-Origin': PAGE, Vary: 'Origin' }).end('ok');
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const cli = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

describe('check over HTTPS', () => {
  it('sends the preflight and the request over TLS when the certificate is trusted', async () => {
    const r = await cli(['check', `${base}/items`, '--origin', PAGE, '--method', 'PUT', '--json'], {
      NODE_EXTRA_CA_CERTS: join(TLS, 'cert.pem'),
    });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.verdict).toBe('allowed');
    expect(json.events.filter((e: { step: string }) => e.step === 'preflight-request')).toHaveLength(1);
  });

  it('an untrusted certificate is one line about TLS and exit 2', async () => {
    const r = await cli(['check', `${base}/items`, '--origin', PAGE]);
    expect(r.code).toBe(2);
    // The notice said before sending, then one line about the failure.
    const [notice, ...rest] = r.stderr.trim().split('\n');
    expect(notice).toMatch(/^corskit check sends the real request/);
    expect(rest).toHaveLength(1);
    expect(rest[0]).toMatch(/TLS|certificate/i);
  });
});
