// Small loopback servers that answer preflights and requests with fixed headers, the way hand-written
// or misconfigured servers do; a route may also be a handler of its own.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Answer = { status: number; headers: Record<string, string | string[]> };
export type Route =
  | { preflight?: Answer; actual?: Answer }
  | ((req: IncomingMessage, res: ServerResponse, base: string) => void);

export interface Served {
  readonly base: string;
  close(): Promise<void>;
}

/** Serves the routes on 127.0.0.1, port 0. A preflight is an OPTIONS with Access-Control-Request-Method. */
export async function serve(routes: Record<string, Route>): Promise<Served> {
  let base = '';
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    const r = routes[path];
    if (typeof r === 'function') return r(req, res, base);
    const isPreflight =
      req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    const answer =
      r === undefined
        ? { status: 404, headers: {} }
        : isPreflight
          ? (r.preflight ?? { status: 404, headers: {} })
          : (r.actual ?? { status: 200, headers: {} });
    res.writeHead(answer.status, answer.headers).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
