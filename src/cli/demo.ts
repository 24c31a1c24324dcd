// `corskit demo`: a small API on loopback with routes configured well (with corskit) and broken in the
// classic ways, each checked as a browser would. Works offline: everything is on 127.0.0.1.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withCors } from '../adapters/node.js';
import { type CheckReport, runCheck } from '../doctor/check.js';
import { checkJson, renderCheck } from '../doctor/report.js';
import type { Style } from '../doctor/style.js';

/** The page origin the demo's front end would have (a Vite dev server). */
const PAGE_ORIGIN = 'http://localhost:5173';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const json =
  (body: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

/** Hand-written CORS answers, the way broken servers write them. */
const handWritten =
  (
    preflight: { status: number; headers: Record<string, string> } | null,
    actual: Record<string, string>,
  ): Handler =>
  (req, res) => {
    if (req.method === 'OPTIONS' && preflight !== null) {
      res.writeHead(preflight.status, preflight.headers);
      res.end();
      return;
    }
    json({ ok: true }, actual)(req, res);
  };

interface DemoRoute {
  readonly path: string;
  readonly title: string;
  readonly request: { method: string; headers: [string, string][]; credentials: boolean };
  readonly handler: Handler;
}

/** Where the demo's second listener is: the other origin a redirect leads to. */
interface DemoPorts {
  readonly main: () => number;
  readonly other: () => string;
}

function routes(ports: DemoPorts): DemoRoute[] {
  return [
    {
      path: '/good/public',
      title: 'Public data, corskit with origins "*"',
      request: { method: 'GET', headers: [], credentials: false },
      handler: withCors(json({ weather: 'sunny' }), { origins: '*' }),
    },
    {
      path: '/good/profile',
      title: 'A credentialed PUT with JSON, corskit allowing the front end exactly',
      request: {
        method: 'PUT',
        headers: [
          ['Content-Type', 'application/json'],
          ['X-Request-Id', '42'],
        ],
        credentials: true,
      },
      handler: withCors(json({ saved: true }), {
        origins: [PAGE_ORIGIN],
        credentials: true,
        methods: ['PUT'],
        requestHeaders: ['Content-Type', 'X-Request-Id'],
        maxAge: 7200,
      }),
    },
    {
      path: '/broken/no-cors-headers',
      title: 'No CORS headers at all',
      request: { method: 'GET', headers: [], credentials: false },
      handler: json({ secret: 1 }),
    },
    {
      path: '/broken/wrong-origin',
      title: 'Access-Control-Allow-Origin names another origin',
      request: { method: 'GET', headers: [], credentials: false },
      handler: handWritten(null, { 'Access-Control-Allow-Origin': 'https://app.example.com' }),
    },
    {
      path: '/broken/wildcard-credentials',
      title: '"*" answered to a request with credentials',
      request: { method: 'GET', headers: [], credentials: true },
      handler: handWritten(null, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Credentials': 'true',
      }),
    },
    {
      path: '/broken/missing-allow-header',
      title: 'A request header missing from Access-Control-Allow-Headers',
      request: {
        method: 'PUT',
        headers: [
          ['Content-Type', 'application/json'],
          ['X-Request-Id', '42'],
        ],
        credentials: false,
      },
      handler: handWritten(
        {
          status: 204,
          headers: {
            'Access-Control-Allow-Origin': PAGE_ORIGIN,
            'Access-Control-Allow-Methods': 'GET, PUT',
            'Access-Control-Allow-Headers': 'Content-Type',
          },
        },
        { 'Access-Control-Allow-Origin': PAGE_ORIGIN },
      ),
    },
    {
      path: '/broken/preflight-404',
      title: 'The preflight is answered 404 (no OPTIONS route)',
      request: { method: 'DELETE', headers: [], credentials: false },
      handler: handWritten(
        { status: 404, headers: { 'Access-Control-Allow-Origin': PAGE_ORIGIN } },
        { 'Access-Control-Allow-Origin': PAGE_ORIGIN },
      ),
    },
    {
      path: '/broken/redirect-taints-origin',
      title: 'A redirect to another origin: the browser then sends "Origin: null"',
      request: { method: 'GET', headers: [], credentials: false },
      handler: (req, res) => {
        const allow = { 'Access-Control-Allow-Origin': PAGE_ORIGIN, Vary: 'Origin' };
        if (req.socket.localPort === ports.main()) {
          res.writeHead(302, { ...allow, Location: `${ports.other()}/broken/redirect-taints-origin` }).end();
          return;
        }
        json({ moved: true }, allow)(req, res);
      },
    },
    {
      path: '/broken/method-not-allowed',
      title: 'The method is missing from Access-Control-Allow-Methods',
      request: { method: 'DELETE', headers: [], credentials: false },
      handler: handWritten(
        {
          status: 204,
          headers: {
            'Access-Control-Allow-Origin': PAGE_ORIGIN,
            'Access-Control-Allow-Methods': 'GET, POST',
          },
        },
        { 'Access-Control-Allow-Origin': PAGE_ORIGIN },
      ),
    },
  ];
}

export interface DemoOptions {
  readonly json: boolean;
  readonly style: Style;
  readonly out?: (text: string) => void;
  /** Called with each route's report (tests prove every fix). */
  readonly onReport?: (path: string, report: CheckReport) => void;
}

/** Runs the demo; returns the exit status (0: every diagnosis came out as the demo expects). */
export async function runDemo(opts: DemoOptions): Promise<number> {
  const out = opts.out ?? ((t: string) => process.stdout.write(t));
  let mainPort = 0;
  let otherBase = '';
  const table = routes({ main: () => mainPort, other: () => otherBase });
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const route = table.find((r) => req.url === r.path || req.url?.startsWith(`${r.path}?`));
    if (route === undefined) {
      res.writeHead(404).end();
      return;
    }
    route.handler(req, res);
  };
  const server = createServer(listener);
  const other = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  mainPort = (server.address() as AddressInfo).port;
  otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  const api = `http://127.0.0.1:${mainPort}`;
  const s = opts.style;
  const reports: { route: DemoRoute; report: CheckReport }[] = [];
  try {
    if (!opts.json) {
      out(
        `${s.bold('corskit demo')}: an API on ${api}, called by a page at ${PAGE_ORIGIN}, checked as Chrome would.\n`,
      );
      out(
        s.dim('CORS is a browser policy, not access control: curl would read every one of these routes.\n\n'),
      );
    }
    for (const route of table) {
      const report = await runCheck({
        url: `${api}${route.path}`,
        origin: PAGE_ORIGIN,
        method: route.request.method,
        headers: route.request.headers,
        credentials: route.request.credentials,
        browser: 'chrome',
      });
      reports.push({ route, report });
      opts.onReport?.(route.path, report);
      if (!opts.json)
        out(`${s.bold(`▶ ${route.title}`)}\n${renderCheck(report, { style: s, allFixes: false })}\n\n`);
    }
  } finally {
    await Promise.all([server, other].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
  if (opts.json) {
    out(
      `${JSON.stringify(
        reports.map(({ route, report }) => ({ route: route.path, title: route.title, ...checkJson(report) })),
        null,
        2,
      )}\n`,
    );
  } else {
    const allowed = reports.filter((r) => r.report.verdict === 'allowed').length;
    out(
      `${s.bold('Summary')}: ${allowed} of ${reports.length} routes readable by the page; the others show the classic mistakes.\n`,
    );
    out(
      'Run `corskit check URL --origin ORIGIN` against your own API for the same diagnosis, with the proven fix in corskit, express cors, @fastify/cors, hono/cors, @koa/cors and nginx.\n',
    );
  }
  // The demo succeeds when the good routes pass and the broken ones fail, as designed.
  const asDesigned = reports.every(({ route, report }) =>
    route.path.startsWith('/good/') ? report.verdict === 'allowed' : report.verdict === 'blocked',
  );
  return asDesigned ? 0 : 1;
}
