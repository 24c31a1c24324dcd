// Transports for BrowserSim: real HTTP(S) through undici, a Fetch-API handler called in process, and
// a node:http handler served on a loopback port. Failures below HTTP become the network errors a
// browser reports, never exceptions.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request as undiciRequest } from 'undici';
import type { IncomingResponse, OutgoingRequest } from './engine.js';
import type { Transport } from './sim.js';

/** Options of `httpTransport`. */
export interface HttpTransportOptions {
  /** Milliseconds before a request counts as timed out. Default 10,000. */
  readonly timeoutMs?: number;
  /** Cookie header sent with credentialed requests (never with preflights). */
  readonly cookie?: string;
  /** Accept self-signed certificates (local development only). */
  readonly insecureTls?: boolean;
}

/** Maps a Node/undici error to the browser's net::ERR_* name and a sentence. */
export function describeNetworkError(err: unknown): { networkError: string; detail: string } {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.code ?? e?.cause?.code ?? '';
  const message = e?.message ?? String(err);
  switch (code) {
    case 'ECONNREFUSED':
      return {
        networkError: 'ERR_CONNECTION_REFUSED',
        detail: 'the connection was refused: nothing listens on that host and port',
      };
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return {
        networkError: 'ERR_CONNECTION_RESET',
        detail: 'the server closed the connection without answering',
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { networkError: 'ERR_NAME_NOT_RESOLVED', detail: 'the host name does not resolve (DNS)' };
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'ETIMEDOUT':
      return { networkError: 'ERR_TIMED_OUT', detail: 'the server did not answer in time' };
    default:
      if (
        code.startsWith('ERR_TLS') ||
        code.includes('CERT') ||
        code.startsWith('ERR_SSL') ||
        /certificate|SSL|TLS/i.test(message)
      ) {
        return { networkError: 'ERR_CERT_INVALID', detail: `the TLS handshake failed (${code || message})` };
      }
      return { networkError: 'ERR_FAILED', detail: message };
  }
}

/** Sends each request over real HTTP(S) with undici, exactly the headers the engine gives. */
export function httpTransport(options: HttpTransportOptions = {}): Transport {
  const timeout = options.timeoutMs ?? 10_000;
  return async (req: OutgoingRequest): Promise<IncomingResponse> => {
    const headers: [string, string][] = [...req.headers];
    if (req.credentials && options.cookie !== undefined) headers.push(['Cookie', options.cookie]);
    try {
      const res = await undiciRequest(req.url, {
        method: req.method,
        headers: headers.flat(),
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: AbortSignal.timeout(timeout),
        ...(options.insecureTls ? { dispatcher: await insecureAgent() } : {}),
      });
      // The body is not needed: drain it so the socket is reused.
      await res.body.dump();
      return { status: res.statusCode, headers: rawHeaderPairs(res.headers) };
    } catch (err) {
      if ((err as Error)?.name === 'TimeoutError' || (err as Error)?.name === 'AbortError') {
        return { networkError: 'ERR_TIMED_OUT', detail: `no answer within ${timeout} ms` };
      }
      return describeNetworkError(err);
    }
  };
}

let insecure: unknown;
async function insecureAgent(): Promise<import('undici').Dispatcher> {
  if (insecure === undefined) {
    const { Agent } = await import('undici');
    insecure = new Agent({ connect: { rejectUnauthorized: false } });
  }
  return insecure as import('undici').Dispatcher;
}

function rawHeaderPairs(headers: Record<string, string | string[] | undefined>): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) out.push([name, v]);
    else out.push([name, value]);
  }
  return out;
}

/** A Fetch-API handler: `(request: Request) => Response` (Hono's app.fetch, Next.js route handlers, ...). */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** Calls a Fetch-API handler in process. */
export function fetchHandlerTransport(handler: FetchHandler): Transport {
  return async (req) => {
    try {
      const response = await handler(new Request(req.url, { method: req.method, headers: req.headers }));
      const headers: [string, string][] = [];
      response.headers.forEach((value, name) => {
        headers.push([name, value]);
      });
      for (const cookie of response.headers.getSetCookie?.() ?? []) {
        if (!headers.some(([n, v]) => n === 'set-cookie' && v === cookie))
          headers.push(['set-cookie', cookie]);
      }
      await response.body?.cancel();
      return { status: response.status, headers };
    } catch (err) {
      return {
        networkError: 'ERR_EMPTY_RESPONSE',
        detail: `the handler threw: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
  };
}

/** A node:http request listener (an Express or Koa app's callback, a bare handler). */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Serves a node:http handler on a loopback port for as long as the transport is open; requests go
 * through real sockets so the framework behaves as in production. Call `close()` when done.
 */
export async function nodeHandlerTransport(
  handler: NodeHandler,
  options: HttpTransportOptions = {},
): Promise<{
  transport: Transport;
  origin: string;
  /** Stops the server. */
  close: () => Promise<void>;
}> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // A test that forgets close() must not hang: the server never keeps the process alive.
  server.unref();
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const http = httpTransport(options);
  // Requests name any host; route them to the loopback server, keeping the path.
  const transport: Transport = (req) => {
    const u = new URL(req.url);
    return http({
      ...req,
      url: `${origin}${u.pathname}${u.search}`,
      headers: [...req.headers, ['Host', u.host]],
    });
  };
  return {
    transport,
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
