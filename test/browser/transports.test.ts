// Faults below HTTP come back as the network error a browser would report, never as a crash.

import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BrowserSim,
  fetchHandlerTransport,
  httpTransport,
  nodeHandlerTransport,
} from '../../src/browser/index.js';

const PAGE = 'https://app.example.com';
let tcp: TcpServer;
let port = 0;

beforeAll(async () => {
  // One raw TCP server misbehaving by path: reset, hang, or answer garbage.
  tcp = createTcpServer((socket) => {
    socket.once('data', (chunk) => {
      const line = chunk.toString('latin1').split('\r\n')[0] ?? '';
      if (line.includes('/reset')) socket.resetAndDestroy();
      else if (line.includes('/hang')) {
        // Never answers.
      } else socket.end('this is not HTTP\r\n\r\n');
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  port = (tcp.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => tcp.close(() => resolve())));

const fetchWith = (timeoutMs: number, url: string) =>
  new BrowserSim({ transport: httpTransport({ timeoutMs }), origin: PAGE }).fetch(url);

describe('network faults', () => {
  it('connection refused', async () => {
    const r = await fetchWith(2000, 'http://127.0.0.1:1/x');
    expect(r.outcome).toBe('blocked');
    expect(r.error?.code).toBe('NetworkError');
    expect(r.events.find((e) => e.step === 'network-error')).toMatchObject({
      error: 'ERR_CONNECTION_REFUSED',
    });
  });

  it('connection reset', async () => {
    const r = await fetchWith(2000, `http://127.0.0.1:${port}/reset`);
    expect(r.error?.code).toBe('NetworkError');
    expect(r.events.find((e) => e.step === 'network-error')).toMatchObject({ error: 'ERR_CONNECTION_RESET' });
  });

  it('timeout', async () => {
    const r = await fetchWith(300, `http://127.0.0.1:${port}/hang`);
    expect(r.error?.code).toBe('NetworkError');
    expect(r.events.find((e) => e.step === 'network-error')).toMatchObject({ error: 'ERR_TIMED_OUT' });
  });

  it('a TLS handshake with something that does not speak TLS', async () => {
    const r = await fetchWith(2000, `https://127.0.0.1:${port}/tls`);
    expect(r.error?.code).toBe('NetworkError');
    const event = r.events.find((e) => e.step === 'network-error');
    expect(event?.step === 'network-error' && event.error).toMatch(/^ERR_/);
  });

  it('a response that is not HTTP', async () => {
    const r = await fetchWith(2000, `http://127.0.0.1:${port}/garbage`);
    expect(r.error?.code).toBe('NetworkError');
  });

  it('a preflight that fails at the network level stops the request', async () => {
    const r = await new BrowserSim({ transport: httpTransport({ timeoutMs: 2000 }), origin: PAGE }).fetch(
      `http://127.0.0.1:${port}/reset`,
      { method: 'PUT' },
    );
    expect(r.preflight.sent).toBe(true);
    expect(r.actualSent).toBe(false);
    expect(r.error?.code).toBe('NetworkError');
  });

  it('a Fetch handler that throws is an empty response, not a crash', async () => {
    const sim = new BrowserSim({
      transport: fetchHandlerTransport(() => {
        throw new Error('boom');
      }),
      origin: PAGE,
    });
    const r = await sim.fetch('https://api.test/x');
    expect(r.error?.code).toBe('NetworkError');
    expect(r.error?.message).toContain('boom');
  });

  it('a node handler served on loopback answers through a real socket', async () => {
    const served = await nodeHandlerTransport((_req, res) => {
      res.writeHead(200, { 'Access-Control-Allow-Origin': PAGE }).end();
    });
    try {
      const r = await new BrowserSim({ transport: served.transport, origin: PAGE }).fetch(
        'https://api.test/x',
      );
      expect(r.outcome).toBe('allowed');
    } finally {
      await served.close();
    }
  });
});
