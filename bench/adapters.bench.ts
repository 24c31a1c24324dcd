// Adapter-level benchmark, in process: each corskit adapter against its framework's usual CORS package,
// both invoked the way the framework invokes them, over the framework's own request/response objects
// where they can be made without a socket:
//  - node/express: `(req, res, next)` on a real http.IncomingMessage and a fresh http.ServerResponse,
//    whose headers are then written (writeHead), as Express would. Peer: `cors`.
//  - fastify: the plugin's hooks (onRequest, and onSend for corskit) taken from a stand-in instance and
//    run through Fastify's own hook runners, with a request whose `routeOptions` getter builds the same
//    object Fastify's does, and a recording reply whose send() writes its headers with the writeHead of
//    a fresh http.ServerResponse, as Fastify does. Peer: @fastify/cors's onRequest hook.
//  - koa: the middleware on a real Koa context (app.createContext over real req/res), its result wrapped
//    in Promise.resolve and awaited as koa-compose does. Peer: @koa/cors.
//  - hono: the middleware on a real hono Context over a Request built once, with a next() that makes the
//    handler's response (c.text) as Hono's compose does. Peer: hono/cors.
// Each framework has a "no CORS" row doing the same work without a middleware; "overhead" is a row minus
// it. Numbers are CPU time per request (process.cpuUsage), median and range over interleaved rounds.
// `npm run bench:adapters` runs it under --single-threaded-gc: the rows that allocate most (Hono's Request,
// Response and Headers) pay for their collections on the main thread, where they are counted once,
// instead of on V8's helper threads, whose CPU time is counted too but varied 2× between rounds.
//
//   npx tsx bench/adapters.bench.ts [filter-regexp] [--sample-ms 50] [--rounds 21]   (npm run bench:adapters)
import { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import fastifyCors from '@fastify/cors';
import koaCors from '@koa/cors';
import cors from 'cors';
import { Context } from 'hono';
import { cors as honoCors } from 'hono/cors';
import Koa from 'koa';
import { cors as corskitFastify } from '../src/adapters/fastify.js';
import { cors as corskitHono } from '../src/adapters/hono.js';
import { cors as corskitKoa } from '../src/adapters/koa.js';
import { cors as corskitNode } from '../src/adapters/node.js';
import { type CorsPolicy, createCorsPolicy } from '../src/index.js';
import { corskitConfig, type NodeMw, nodeRow } from './drivers.js';
import {
  ALL_METHODS,
  ALLOWED_HEADERS,
  actualRequest,
  DENIED_ORIGIN,
  MAX_AGE,
  originList,
  preflightRequest,
  REQUEST_PATH,
  REQUEST_URL,
  type RequestFixture,
} from './fixtures.js';
import { formatNs, machine, measure, type Row, type RowResult, ratio } from './harness.js';

const argv = process.argv.slice(2);
const option = (name: string, dflt: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? dflt : Number(argv[i + 1]);
};
const filter = new RegExp(argv.find((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--')) ?? '.');
const SAMPLE_MS = option('sample-ms', 50);
const ROUNDS = option('rounds', 21);
const SIZES = [1, 10_000, 100_000] as const;
type Kase = 'actual allowed' | 'preflight allowed' | 'actual denied';
const KASES: readonly Kase[] = ['actual allowed', 'preflight allowed', 'actual denied'];

function requestOf(kase: Kase, origins: readonly string[]): RequestFixture {
  const allowed = origins[origins.length - 1] as string;
  if (kase === 'actual allowed') return actualRequest(allowed);
  if (kase === 'preflight allowed') return preflightRequest(allowed);
  return actualRequest(DENIED_ORIGIN);
}

const noop = (): void => {};

// node:http / express --------------------------------------------------------------------------------

function peerNode(origins: readonly string[]): NodeMw {
  return cors({
    origin: [...origins],
    credentials: true,
    methods: [...ALL_METHODS],
    allowedHeaders: [...ALLOWED_HEADERS],
    maxAge: MAX_AGE,
  }) as NodeMw;
}

// fastify --------------------------------------------------------------------------------------------

class Reply {
  statusCode = 200;
  sent = false;
  corskitVary: readonly string[] | null = null;
  headers: Record<string, string> = {};
  /** As in Fastify, the Node response, whose writeHead send() calls with the reply's headers. */
  readonly raw: ServerResponse;
  constructor(request: IncomingMessage) {
    this.raw = new ServerResponse(request);
  }
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
  type(): this {
    return this;
  }
  send(): this {
    this.sent = true;
    this.raw.writeHead(this.statusCode, this.headers);
    return this;
  }
}

/** Fastify's Request, as far as CORS plugins read it: routeOptions is a getter building an object. */
class FastifyRequestLike {
  corsPreflightEnabled = false;
  /** As in Fastify, the Node request itself (what corskit reads; @fastify/cors reads its headers). */
  readonly raw: IncomingMessage;
  constructor(r: RequestFixture) {
    this.raw = new IncomingMessage(new Socket());
    this.raw.method = r.method;
    this.raw.url = REQUEST_PATH;
    this.raw.headers = { ...r.headers };
  }
  get headers(): IncomingMessage['headers'] {
    return this.raw.headers;
  }
  get method(): string {
    return this.raw.method as string;
  }
  get routeOptions() {
    return {
      method: 'GET',
      url: '/resource',
      bodyLimit: 1 << 20,
      handlerTimeout: 0,
      attachValidation: false,
      logLevel: '',
      exposeHeadRoute: true,
      prefixTrailingSlash: 'both',
      handler: noop,
      config: {} as Record<string, unknown>,
      schema: undefined,
      version: undefined,
    };
  }
}

type Hook = (...args: unknown[]) => void;

async function fastifyHooks(plugin: unknown, opts: unknown): Promise<{ onRequest: Hook; onSend?: Hook }> {
  const hooks: Record<string, Hook> = {};
  const instance = {
    decorateRequest: noop,
    decorateReply: noop,
    options: noop,
    addHook(name: string, fn: Hook) {
      hooks[name] = fn;
    },
  };
  await new Promise<void>((resolve, reject) => {
    const r = (plugin as (i: unknown, o: unknown, d: (e?: unknown) => void) => unknown)(
      instance,
      opts,
      (e) => (e === undefined ? resolve() : reject(e)),
    );
    if (r instanceof Promise) r.then(() => resolve(), reject);
  });
  if (hooks.onRequest === undefined) throw new Error('no onRequest hook');
  return hooks as { onRequest: Hook; onSend?: Hook };
}

/** Fastify's own hook runners (fastify/lib/hooks.js): each hook costs what the framework's call costs. */
type OnRequestRunner = (fns: Hook[], request: unknown, reply: unknown, cb: (err?: unknown) => void) => void;
type OnSendRunner = (fns: Hook[], request: unknown, reply: unknown, payload: unknown, cb: Hook) => void;
const { onRequestHookRunner, onSendHookRunner } = createRequire(import.meta.url)('fastify/lib/hooks.js') as {
  onRequestHookRunner: OnRequestRunner;
  onSendHookRunner: OnSendRunner;
};

/** As Fastify runs a request: the onRequest hooks through its runner, then the handler unless a hook
 *  answered, then the onSend hooks, if any, for every reply (a preflight answered in a hook too: in
 *  Fastify, reply.send() runs them). Every hook here is synchronous, so the order holds. */
function fastifyRow(name: string, hooks: { onRequest: Hook; onSend?: Hook } | null, r: RequestFixture): Row {
  const request = new FastifyRequestLike(r);
  const onRequest = hooks === null ? null : [hooks.onRequest];
  const onSend = hooks?.onSend === undefined ? null : [hooks.onSend];
  const handler = (reply: Reply) => (err?: unknown) => {
    if (err === undefined && !reply.sent) reply.send();
  };
  return {
    name,
    run() {
      const reply = new Reply(request.raw);
      request.corsPreflightEnabled = false;
      if (onRequest === null) reply.send();
      else onRequestHookRunner(onRequest, request, reply, handler(reply));
      if (onSend !== null) onSendHookRunner(onSend, request, reply, 'ok', noop);
      return reply;
    },
  };
}

// koa ------------------------------------------------------------------------------------------------

type KoaMw = (ctx: Koa.Context, next: () => Promise<void>) => unknown;
const koaApp = new Koa();

function koaRow(name: string, mw: KoaMw | null, r: RequestFixture): Row {
  const req = new IncomingMessage(new Socket());
  req.method = r.method;
  req.url = '/resource';
  req.headers = { ...r.headers };
  return {
    name,
    run() {
      const res = new ServerResponse(req);
      const ctx = koaApp.createContext(req, res);
      if (mw === null) {
        ctx.body = 'ok';
        return Promise.resolve();
      }
      // koa-compose wraps whatever a middleware returns in Promise.resolve, and awaits it.
      return Promise.resolve(
        mw(ctx, () => {
          ctx.body = 'ok';
          return Promise.resolve();
        }),
      );
    },
  };
}

function peerKoa(origins: readonly string[]): KoaMw {
  return koaCors({
    origin: (ctx) => {
      const o = ctx.get('Origin');
      return origins.includes(o) ? o : '';
    },
    credentials: true,
    allowMethods: [...ALL_METHODS],
    allowHeaders: [...ALLOWED_HEADERS],
    maxAge: MAX_AGE,
  }) as KoaMw;
}

// hono -----------------------------------------------------------------------------------------------

type HonoMw = (c: Context, next: () => Promise<void>) => Promise<unknown>;

function honoRow(name: string, mw: HonoMw | null, r: RequestFixture): Row {
  const raw = new Request(REQUEST_URL, { method: r.method, headers: r.headers });
  return {
    name,
    async run() {
      const c = new Context(raw);
      if (mw === null) {
        c.res = c.text('ok');
        return c.res;
      }
      const answer = await mw(c, async () => {
        c.res = c.text('ok');
      });
      return answer instanceof Response ? answer : c.res;
    },
  };
}

function peerHono(origins: readonly string[]): HonoMw {
  return honoCors({
    origin: [...origins],
    credentials: true,
    allowMethods: [...ALL_METHODS],
    allowHeaders: [...ALLOWED_HEADERS],
    maxAge: MAX_AGE,
  }) as HonoMw;
}

// the run --------------------------------------------------------------------------------------------

interface Group {
  readonly framework: string;
  readonly peer: string;
  readonly n: number;
  readonly kase: Kase;
  readonly rows: readonly [Row, Row, Row]; // no CORS, peer, corskit
}

async function groups(): Promise<Group[]> {
  const out: Group[] = [];
  for (const n of SIZES) {
    const origins = originList(n);
    const policy: CorsPolicy = createCorsPolicy(corskitConfig(origins));
    const fastifyPeer = await fastifyHooks(fastifyCors, {
      origin: [...origins],
      credentials: true,
      methods: [...ALL_METHODS],
      allowedHeaders: [...ALLOWED_HEADERS],
      maxAge: MAX_AGE,
    });
    const fastifyOurs = await fastifyHooks(corskitFastify(policy), {});
    const mws = {
      node: [peerNode(origins), corskitNode(policy) as NodeMw],
      koa: [peerKoa(origins), corskitKoa(policy) as unknown as KoaMw],
      hono: [peerHono(origins), corskitHono(policy) as unknown as HonoMw],
    } as const;
    for (const kase of KASES) {
      const r = requestOf(kase, origins);
      const tag = `${kase} N=${n}`;
      out.push({
        framework: 'node:http / Express',
        peer: 'cors',
        n,
        kase,
        rows: [
          nodeRow(`node none ${tag}`, null, r),
          nodeRow(`node cors ${tag}`, mws.node[0], r),
          nodeRow(`node corskit ${tag}`, mws.node[1], r),
        ],
      });
      out.push({
        framework: 'Fastify',
        peer: '@fastify/cors',
        n,
        kase,
        rows: [
          fastifyRow(`fastify none ${tag}`, null, r),
          fastifyRow(`fastify @fastify/cors ${tag}`, fastifyPeer, r),
          fastifyRow(`fastify corskit ${tag}`, fastifyOurs, r),
        ],
      });
      out.push({
        framework: 'Koa',
        peer: '@koa/cors',
        n,
        kase,
        rows: [
          koaRow(`koa none ${tag}`, null, r),
          koaRow(`koa @koa/cors ${tag}`, mws.koa[0], r),
          koaRow(`koa corskit ${tag}`, mws.koa[1], r),
        ],
      });
      out.push({
        framework: 'Hono',
        peer: 'hono/cors',
        n,
        kase,
        rows: [
          honoRow(`hono none ${tag}`, null, r),
          honoRow(`hono hono/cors ${tag}`, mws.hono[0], r),
          honoRow(`hono corskit ${tag}`, mws.hono[1], r),
        ],
      });
    }
  }
  return out.filter((g) => g.rows.some((r) => filter.test(r.name)));
}

async function main(): Promise<void> {
  const header = await machine();
  const all = await groups();
  const started = performance.now();
  // Every row in one interleaved measurement, 100,000 origins included, so that a slower phase of the
  // machine cannot pass for growth with the allowlist (flatness compares rows across sizes).
  const rows = all.flatMap((g) => [...g.rows]);
  const measured = await measure(rows, { rounds: ROUNDS, sampleMs: SAMPLE_MS });
  const results = new Map<Row, RowResult>(rows.map((row, i) => [row, measured[i] as RowResult]));
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  console.log(`\n### Adapters in process (${header}; ${seconds} s)\n`);
  console.log(
    '| framework | origins | request | no CORS | usual package | corskit | corskit − no CORS | package − no CORS | corskit / package (total) | corskit / package (overhead) |',
  );
  console.log('|---|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  const verdicts: string[] = [];
  const corskitBy = new Map<string, number>();
  for (const g of all) {
    const [base, peer, ours] = g.rows.map((r) => results.get(r) as RowResult) as [
      RowResult,
      RowResult,
      RowResult,
    ];
    const cell = (x: RowResult) => `${formatNs(x.median)} (${formatNs(x.low)}–${formatNs(x.high)})`;
    const oursOver = ours.median - base.median;
    const peerOver = peer.median - base.median;
    console.log(
      `| ${g.framework} | ${g.n.toLocaleString('en-US')} | ${g.kase} | ${cell(base)} | ${g.peer}: ${cell(peer)} | ${cell(ours)} | ${formatNs(oursOver)} | ${formatNs(peerOver)} | ${ratio(ours.median, peer.median)} | ${peerOver > 0 && oursOver > 0 ? ratio(oursOver, peerOver) : 'n/a'} |`,
    );
    if (ours.median > peer.median)
      verdicts.push(
        `MISSED: ${g.framework} ${g.kase} N=${g.n}: corskit ${ratio(ours.median, peer.median)} of ${g.peer}`,
      );
    corskitBy.set(`${g.framework}|${g.kase}|${g.n}`, ours.median);
  }
  console.log('\nFlatness (corskit CPU per request at 100,000 origins / at 1, framework work included):\n');
  for (const g of all.filter((x) => x.n === 1)) {
    const one = corskitBy.get(`${g.framework}|${g.kase}|1`);
    const big = corskitBy.get(`${g.framework}|${g.kase}|100000`);
    if (one === undefined || big === undefined) continue;
    const flat = big / one;
    console.log(`- ${g.framework}, ${g.kase}: ${flat.toFixed(2)}×`);
    if (flat > 1.3) verdicts.push(`MISSED flatness: ${g.framework} ${g.kase}: ${flat.toFixed(2)}×`);
  }
  console.log(`\n${verdicts.length === 0 ? 'All in-process targets met.' : verdicts.join('\n')}`);
}

await main();
