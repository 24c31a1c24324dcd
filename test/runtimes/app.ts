// The application every runtime serves: corskit/web under /web/ and corskit/hono under /hono/, with the
// same policies. Bundled by esbuild for Bun, Deno and workerd; imported as is on Node for the expected
// answers.
import { Hono } from 'hono';
import { cors as honoCors } from '../../src/adapters/hono.js';
import { withCors } from '../../src/adapters/web.js';
import { type CorsPolicyConfig, createCorsPolicy } from '../../src/index.js';

export const APP_ORIGIN = 'https://app.example.com';

const CONFIG: CorsPolicyConfig = {
  origins: [APP_ORIGIN, 'http://localhost:*'],
  credentials: true,
  methods: ['PUT', 'DELETE'],
  requestHeaders: ['content-type', 'x-request-id'],
  exposedHeaders: ['x-request-id'],
  maxAge: 600,
};
const PUBLIC: CorsPolicyConfig = { origins: '*', exposedHeaders: '*' };

function web(config: CorsPolicyConfig) {
  return withCors(
    (request: Request) => {
      const path = new URL(request.url).pathname;
      if (path.endsWith('/boom')) throw new Error('boom');
      return new Response('web', { headers: { 'x-request-id': '1', vary: 'Accept-Encoding' } });
    },
    createCorsPolicy(config),
    { onError: () => new Response('error', { status: 500 }) },
  );
}

function hono(config: CorsPolicyConfig, base: string) {
  const app = new Hono().basePath(base);
  app.onError((err, c) => c.text(err.message, 500));
  app.use(honoCors(createCorsPolicy(config)));
  app.get('/items', (c) => {
    c.header('x-request-id', '1');
    return c.text('hono');
  });
  app.get('/raw', () => new Response('raw', { headers: { vary: 'Accept' } }));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  return app;
}

const routes: [string, (request: Request) => Response | Promise<Response>][] = [
  ['/web/public/', web(PUBLIC)],
  ['/web/', web(CONFIG)],
  ['/hono/public/', hono(PUBLIC, '/hono/public').fetch],
  ['/hono/', hono(CONFIG, '/hono').fetch],
];

export async function handle(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  for (const [prefix, handler] of routes) if (path.startsWith(prefix)) return handler(request);
  return new Response('not found', { status: 404 });
}
