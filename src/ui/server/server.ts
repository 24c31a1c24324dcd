// `corskit ui`'s server: the built page (dist/ui/app) and the JSON API, on a loopback address only.
// Order of the gates for every request: Host, then (API) Origin through corskit's policy, then token.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cors, type NodeMiddleware } from '../../adapters/node.js';
import { UsageError } from '../../doctor/usage.js';
import type { CorsPolicy } from '../../policy/index.js';
import { apiAudit, apiCheck, apiExplain, apiPolicy, BadRequest } from './api.js';
import {
  authorityOf,
  hostAllowed,
  isLoopbackListenHost,
  newToken,
  originAllowed,
  SECURITY_HEADERS,
  tokenValid,
  uiApiPolicy,
} from './security.js';

export interface UiServerOptions {
  /** Loopback address to listen on. Default 127.0.0.1. */
  readonly host?: string;
  /** Port; 0 picks a free one. Default 0. */
  readonly port?: number;
  /** The built page; default dist/ui/app of this package. */
  readonly appDir?: string;
  /** The token to require; default a fresh random one (tests may fix it). */
  readonly token?: string;
}

export interface UiServer {
  /** The page's URL, `http://127.0.0.1:PORT/`. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The package root seen from src/ui/server or dist/ui/server (both three levels down). */
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DEFAULT_APP_DIR = join(PACKAGE_ROOT, 'dist', 'ui', 'app');
const VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

const TOKEN_PLACEHOLDER = '__CORSKIT_TOKEN__';
/** Request bodies: a HAR can be large; everything else is small. */
const BODY_LIMITS: Readonly<Record<string, number>> = { '/api/explain': 64 * 1024 * 1024 };
const DEFAULT_BODY_LIMIT = 256 * 1024;

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > limit) return; // already refused: let the rest drain so the 400 reaches the client
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        reject(new BadRequest(`the request body is over ${Math.round(limit / 1024)} KB`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts the UI server. A non-loopback host is a UsageError, before anything listens. */
export async function startUiServer(options: UiServerOptions = {}): Promise<UiServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackListenHost(host))
    throw new UsageError(
      `--host ${host} is not a loopback address: corskit ui listens on 127.0.0.1, ::1 or localhost only, because its API probes URLs for whoever can reach it`,
    );
  const appDir = options.appDir ?? DEFAULT_APP_DIR;
  const indexFile = join(appDir, 'index.html');
  if (!existsSync(indexFile))
    throw new UsageError(`the UI is not built (${indexFile} is missing): run npm run build`);
  const token = options.token ?? newToken();
  const index = readFileSync(indexFile, 'utf8').replace(TOKEN_PLACEHOLDER, token);
  const state: { authority: string; policy: CorsPolicy | null; cors: NodeMiddleware | null } = {
    authority: '',
    policy: null,
    cors: null,
  };

  const serveStatic = (req: IncomingMessage, res: ServerResponse, pathname: string) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'only GET and HEAD here');
    if (pathname === '/' || pathname === '/index.html') return send(res, 200, index, TYPES['.html']);
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return send(res, 400, 'bad path');
    }
    const file = normalize(join(appDir, decoded));
    if (!file.startsWith(appDir + sep) || decoded.includes('\0') || !existsSync(file))
      return send(res, 404, 'not found');
    const type = TYPES[extname(file)];
    if (type === undefined) return send(res, 404, 'not found');
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  };

  const serveApi = async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    const policy = state.policy;
    if (policy === null) return send(res, 503, 'starting');
    if (!(await originAllowed(req, policy)))
      return sendJson(res, 403, { error: `origin ${req.headers.origin} may not use this API` });
    // corskit's own adapter writes the CORS headers and answers the preflight of the UI's origin.
    const proceed = await new Promise<boolean>((resolve) => {
      res.once('finish', () => resolve(false));
      (state.cors as NodeMiddleware)(req, res, (err) => resolve(err === undefined));
    });
    if (!proceed) return;
    if (!tokenValid(req, token))
      return sendJson(res, 403, { error: 'missing or wrong token: open the URL corskit ui printed' });
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'use POST' });
    let body: unknown;
    try {
      const text = await readBody(req, BODY_LIMITS[pathname] ?? DEFAULT_BODY_LIMIT);
      body = JSON.parse(text);
    } catch (err) {
      return sendJson(res, 400, {
        error: err instanceof BadRequest ? err.message : 'the body is not valid JSON',
      });
    }
    try {
      switch (pathname) {
        case '/api/check':
          return sendJson(res, 200, await apiCheck(body));
        case '/api/policy':
          return sendJson(res, 200, await apiPolicy(body));
        case '/api/explain':
          return sendJson(res, 200, apiExplain(body));
        case '/api/audit':
          return await apiAudit(body, res, VERSION);
        default:
          return sendJson(res, 404, { error: `no API ${pathname}` });
      }
    } catch (err) {
      if (err instanceof BadRequest || err instanceof UsageError)
        return sendJson(res, 400, { error: err.message });
      if (!res.headersSent)
        return sendJson(res, 500, { error: `unexpected error: ${(err as Error).message}` });
      res.end();
    }
  };

  const server: Server = createServer((req, res) => {
    for (const [n, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(n, v);
    // DNS rebinding: a page at attacker.example that resolves to 127.0.0.1 sends its own Host.
    if (!hostAllowed(req, state.authority))
      return send(res, 421, `wrong Host: use http://${state.authority}/`);
    const pathname = (req.url ?? '/').split('?')[0] as string;
    if (pathname.startsWith('/api/')) {
      serveApi(req, res, pathname).catch(() => {
        if (!res.headersSent) send(res, 500, 'unexpected error');
        else res.end();
      });
      return;
    }
    serveStatic(req, res, pathname);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new UsageError(
          err.code === 'EADDRINUSE'
            ? `port ${options.port} is in use: choose another with --port, or --port 0 for any free one`
            : `cannot listen on ${host}:${options.port ?? 0} (${err.code ?? err.message})`,
        ),
      ),
    );
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  state.authority = authorityOf(host, port);
  const origin = `http://${state.authority}`;
  state.policy = uiApiPolicy(origin);
  state.cors = cors(state.policy);
  return {
    url: `${origin}/`,
    origin,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
