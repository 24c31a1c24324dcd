// How each implementation is driven in-process, as cheaply as it honestly can be:
//  - corskit: policy.decide() on the Node-style request; and decide() plus writing the decision into the
//    same minimal response object the express `cors` middleware writes into (what an adapter does).
//  - express `cors`: the (req, res, next) middleware on a minimal req and a recording res, no Express.
//  - hono/cors: the middleware on a real hono Context built per request (as Hono's dispatch does) over a
//    Request built once, with a no-op next; no routing.
//  - @fastify/cors: only runs inside fastify (its hook needs fastify's request and reply), so through
//    fastify.inject(), with and without the plugin; the difference is the plugin's share.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import fastifyCors from '@fastify/cors';
import cors from 'cors';
import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify';
import { Context } from 'hono';
import { cors as honoCors } from 'hono/cors';
import { do_not_optimize } from 'mitata';
import { appendVary, type CorsDecision, type CorsPolicy, type CorsPolicyConfig } from '../src/index.js';
import {
  ALL_METHODS,
  ALLOWED_HEADERS,
  EXTRA_METHODS,
  MAX_AGE,
  REQUEST_PATH,
  REQUEST_URL,
  type RequestFixture,
} from './fixtures.js';
import type { Row } from './harness.js';

/** What a driver produced for one request: status if it answered itself, and lowercase headers. */
export interface Observed {
  readonly status: number | null;
  readonly headers: Readonly<Record<string, string>>;
}

export interface Driver {
  readonly name: string;
  /** A closure doing the work for one request, to be timed. May return a promise. */
  prepare(request: RequestFixture): () => unknown;
  /** Runs one request and reports the response headers, for the pre-timing sanity checks. */
  observe(request: RequestFixture): Promise<Observed>;
}

export function corskitConfig(
  origins: readonly string[],
  extra: Partial<CorsPolicyConfig> = {},
): CorsPolicyConfig {
  return {
    origins,
    credentials: true,
    methods: EXTRA_METHODS,
    requestHeaders: ALLOWED_HEADERS,
    maxAge: MAX_AGE,
    ...extra,
  };
}

/** The response object the express `cors` middleware (and `vary`) writes into: records headers. */
export class FakeResponse {
  statusCode = 200;
  ended = false;
  headers: Record<string, string | number | readonly string[]> = {};
  setHeader(name: string, value: string | number | readonly string[]): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }
  getHeader(name: string): string | number | readonly string[] | undefined {
    return this.headers[name.toLowerCase()];
  }
  end(): this {
    this.ended = true;
    return this;
  }
  reset(): void {
    this.statusCode = 200;
    this.ended = false;
    this.headers = {};
  }
}

const noop = (): void => {};

function flatten(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

/** Writes a corskit decision into a Node-style response, as a framework adapter would. */
export function applyDecision(decision: CorsDecision, res: FakeResponse): void {
  for (const [name, value] of decision.headers) res.setHeader(name, value);
  if (decision.vary.length > 0) res.setHeader('Vary', appendVary(res.getHeader('Vary'), decision.vary));
  if (decision.status !== null) {
    res.statusCode = decision.status;
    res.setHeader('Content-Length', '0');
    res.end();
  }
}

export function corskitDecide(policy: CorsPolicy): Driver {
  return {
    name: 'corskit decide()',
    prepare(request) {
      return () => do_not_optimize(policy.decide(request));
    },
    async observe(request) {
      const d = await policy.decide(request);
      const headers: Record<string, string> = {};
      for (const [k, v] of d.headers) headers[k.toLowerCase()] = v;
      if (d.vary.length > 0) headers.vary = d.vary.join(', ');
      return { status: d.status, headers };
    },
  };
}

export function corskitApply(policy: CorsPolicy): Driver {
  return {
    name: 'corskit decide()+write',
    prepare(request) {
      const res = new FakeResponse();
      return () => {
        res.reset();
        applyDecision(policy.decide(request) as CorsDecision, res);
        return do_not_optimize(res);
      };
    },
    async observe(request) {
      const res = new FakeResponse();
      applyDecision(await policy.decide(request), res);
      return { status: res.ended ? res.statusCode : null, headers: flatten(res.headers) };
    },
  };
}

export function expressCors(origins: readonly string[], allowedHeaders = true): Driver {
  const middleware = cors({
    origin: [...origins],
    credentials: true,
    methods: [...ALL_METHODS],
    ...(allowedHeaders ? { allowedHeaders: [...ALLOWED_HEADERS] } : {}),
    maxAge: MAX_AGE,
  });
  return {
    name: allowedHeaders ? 'express cors' : 'express cors (reflect ACRH)',
    prepare(request) {
      const req = { method: request.method, headers: request.headers };
      const res = new FakeResponse();
      return () => {
        res.reset();
        middleware(req, res, noop);
        return do_not_optimize(res);
      };
    },
    async observe(request) {
      const res = new FakeResponse();
      middleware({ method: request.method, headers: request.headers }, res, noop);
      return { status: res.ended ? res.statusCode : null, headers: flatten(res.headers) };
    },
  };
}

export function honoCorsDriver(origins: readonly string[], allowHeaders = true): Driver {
  const middleware = honoCors({
    origin: [...origins],
    credentials: true,
    allowMethods: [...ALL_METHODS],
    ...(allowHeaders ? { allowHeaders: [...ALLOWED_HEADERS] } : {}),
    maxAge: MAX_AGE,
  });
  const next = async (): Promise<void> => {};
  const toRequest = (r: RequestFixture): Request =>
    new Request(REQUEST_URL, { method: r.method, headers: r.headers });
  return {
    name: allowHeaders ? 'hono cors' : 'hono cors (reflect ACRH)',
    prepare(request) {
      const raw = toRequest(request);
      return () => middleware(new Context(raw), next);
    },
    async observe(request) {
      const c = new Context(toRequest(request));
      const answer = await middleware(c, next);
      const response = answer instanceof Response ? answer : c.res;
      return {
        status: answer instanceof Response ? answer.status : null,
        headers: Object.fromEntries(response.headers),
      };
    },
  };
}

/** The reply methods @fastify/cors calls (header, getHeader, code/status, type, send), recording. */
class FakeReply {
  statusCode = 200;
  sent = false;
  headers: Record<string, string> = {};
  header(name: string, value: string): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }
  getHeader(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }
  code(status: number): this {
    this.statusCode = status;
    return this;
  }
  status(status: number): this {
    return this.code(status);
  }
  type(_type: string): this {
    return this;
  }
  send(): this {
    this.sent = true;
    return this;
  }
  reset(): void {
    this.statusCode = 200;
    this.sent = false;
    this.headers = {};
  }
}

type CorsHook = (req: unknown, reply: FakeReply, next: (err?: unknown) => void) => void;

/**
 * @fastify/cors's own onRequest hook, taken from the plugin by registering it on a stand-in for the
 * fastify instance (it only calls decorateRequest, addHook and options), then called with a minimal
 * request and a recording reply: the same method as for express `cors`, without fastify around it.
 */
export function fastifyCorsHook(origins: readonly string[]): Driver {
  let hook: CorsHook | undefined;
  const instance = {
    decorateRequest: noop,
    options: noop,
    addHook(name: string, fn: CorsHook) {
      if (name === 'onRequest') hook = fn;
    },
  };
  const plugin = fastifyCors as unknown as (
    instance: unknown,
    opts: Record<string, unknown>,
    done: (err?: unknown) => void,
  ) => void;
  plugin(
    instance,
    {
      origin: [...origins],
      credentials: true,
      methods: [...ALL_METHODS],
      allowedHeaders: [...ALLOWED_HEADERS],
      maxAge: MAX_AGE,
    },
    (err) => {
      if (err !== undefined) throw err;
    },
  );
  if (hook === undefined) throw new Error('@fastify/cors registered no onRequest hook');
  const run = hook;
  const toRequest = (r: RequestFixture) => ({
    headers: r.headers,
    raw: { method: r.method },
    method: r.method,
    routeOptions: { config: {} },
    corsPreflightEnabled: false,
  });
  return {
    name: '@fastify/cors hook',
    prepare(request) {
      const req = toRequest(request);
      const reply = new FakeReply();
      return () => {
        reply.reset();
        req.corsPreflightEnabled = false;
        run(req, reply, noop);
        return do_not_optimize(reply);
      };
    },
    async observe(request) {
      const reply = new FakeReply();
      let nextCalled = false;
      run(toRequest(request), reply, () => {
        nextCalled = true;
      });
      if (!nextCalled && !reply.sent) throw new Error('@fastify/cors hook neither replied nor called next');
      return { status: reply.sent ? reply.statusCode : null, headers: { ...reply.headers } };
    },
  };
}

/** A fastify app with one GET route; with @fastify/cors registered, or with a plain OPTIONS route. */
export async function fastifyApp(
  origins: readonly string[] | null,
  allowedHeaders = true,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  if (origins !== null) {
    await app.register(fastifyCors, {
      origin: [...origins],
      credentials: true,
      methods: [...ALL_METHODS],
      ...(allowedHeaders ? { allowedHeaders: [...ALLOWED_HEADERS] } : {}),
      maxAge: MAX_AGE,
    });
  } else {
    app.options('*', (_req, reply) => {
      reply.code(204).send();
    });
  }
  app.get(REQUEST_PATH, (_req, reply) => {
    reply.send('ok');
  });
  await app.ready();
  return app;
}

export function fastifyInject(app: FastifyInstance, name: string): Driver {
  const optionsOf = (r: RequestFixture): InjectOptions => ({
    method: r.method,
    url: REQUEST_PATH,
    headers: r.headers,
  });
  return {
    name,
    prepare(request) {
      const options = optionsOf(request);
      // inject() returns a thenable chain, not a Promise, so mitata would not wait for it: await it.
      return async () => do_not_optimize(await app.inject(options));
    },
    async observe(request) {
      const res = await app.inject(optionsOf(request));
      return {
        status: request.method === 'OPTIONS' ? res.statusCode : null,
        headers: flatten(res.headers),
      };
    },
  };
}

/** A connect-style middleware for node:http, as corskit/node and `cors` are. */
export type NodeMw = (req: IncomingMessage, res: ServerResponse, next: (e?: unknown) => void) => void;

/** One request through a node:http middleware (or none), on a real IncomingMessage and a fresh
 *  ServerResponse per run, whose headers are then written (writeHead) as the application would. */
export function nodeRow(name: string, mw: NodeMw | null, r: RequestFixture): Row {
  const req = new IncomingMessage(new Socket());
  req.method = r.method;
  req.headers = { ...r.headers };
  return {
    name,
    run() {
      const res = new ServerResponse(req);
      if (mw === null) res.writeHead(200);
      else mw(req, res, () => res.writeHead(200));
      return res;
    },
  };
}
