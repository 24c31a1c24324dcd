// corskit/node: CORS for node:http, as connect-style middleware or as a wrapper around a request listener.
// Thin glue: the policy decides, this file only writes its answer.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import {
  appendVary,
  type CorsDecision,
  type CorsPolicy,
  type CorsPolicyConfig,
  type CorsRequest,
  toCorsPolicy,
} from '../policy/index.js';

/** Connect's `next`: call it to go on, or with an error. */
export type NodeNext = (error?: unknown) => void;
/** A connect-style middleware `(req, res, next)`. */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: NodeNext) => void;
/** A `node:http` request listener, as `createServer` takes. */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => unknown;

/** Options of `withCors` beyond the policy. */
export interface WithCorsOptions {
  /** Answers an error thrown (or rejected) by the listener; CORS headers are already on `res`.
   *  Default: log with console.error and answer 500, so the page can read the failure. */
  readonly onError?: (error: unknown, req: IncomingMessage, res: ServerResponse) => void;
}

/** Connect-style middleware: answers preflights, sets CORS headers on everything else and calls next().
 *  Headers are set before next(), so error handlers further down keep them. */
export function cors(policyOrConfig: CorsPolicy | CorsPolicyConfig): NodeMiddleware {
  const policy = toCorsPolicy(policyOrConfig);
  return (req, res, next) => {
    const decision = policy.decide(req as CorsRequest); // method and headers, read in place
    if (decision instanceof Promise) decision.then((d) => finish(d, res, next), next);
    else finish(decision, res, next);
  };
}

/** Wraps a request listener: preflights are answered without calling it; a throw becomes an error
 *  response that keeps the CORS headers. */
export function withCors(
  listener: NodeListener,
  policyOrConfig: CorsPolicy | CorsPolicyConfig,
  options: WithCorsOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const middleware = cors(policyOrConfig);
  const onError = options.onError ?? internalServerError;
  return (req, res) => {
    middleware(req, res, (failure) => {
      if (failure !== undefined) return onError(failure, req, res);
      try {
        const result = listener(req, res);
        if (isThenable(result)) result.then(undefined, (error: unknown) => onError(error, req, res));
      } catch (error) {
        onError(error, req, res);
      }
    });
  };
}

function finish(decision: CorsDecision, res: ServerResponse, next: NodeNext): void {
  for (const [name, value] of decision.headers) res.setHeader(name, value);
  const vary = decision.vary.length > 0 ? appendVary(res.getHeader('Vary'), decision.vary) : null;
  if (vary !== null) res.setHeader('Vary', vary);
  if (decision.kind === 'preflight') {
    // Answered here and now: no application code runs before the headers are written. writeHead, not a
    // store to res.statusCode: under Express every store on the response takes V8's slow path
    // (bench/express-response.bench.ts), and writeHead then end() cost about 1.3 µs less there.
    // A 200 states its empty length: with the headers written first, end() could not add it.
    const status = decision.status ?? 204;
    if (status !== 204) res.setHeader('Content-Length', '0');
    res.writeHead(status);
    res.end();
    return;
  }
  if (vary !== null) appendVaryOnWrite(res, decision.vary, vary);
  next();
}

/** What the Vary guard re-appends, and the value we wrote, per response. */
interface VaryGuard {
  readonly tokens: readonly string[];
  readonly written: string;
}
const varyGuards = new WeakMap<ServerResponse, VaryGuard>();
/** Prototypes whose writeHead is the guard (see appendVaryOnWrite). */
const guardedPrototypes = new WeakSet<object>();

/** The application may replace Vary after we set it (res.setHeader, or a headers object given to
 *  writeHead): append our tokens again at the moment the headers are written. */
function appendVaryOnWrite(res: ServerResponse, tokens: readonly string[], written: string): void {
  // Express gives every response its app's own prototype, and on such an object any property store
  // takes V8's slow path: about 3.8 µs, against 40 ns on a plain ServerResponse
  // (bench/express-response.bench.ts). So where the response has prototypes below node's
  // ServerResponse.prototype (Express's, shared by all its apps and sub-apps), the guard is installed
  // once on the highest of them and finds its state in a WeakMap; on a plain response it wraps the
  // response's own writeHead, leaving node's prototype alone.
  if (guardedPrototypeOf(res) !== null) {
    const before = varyGuards.get(res);
    varyGuards.set(res, { tokens: before === undefined ? tokens : [...before.tokens, ...tokens], written });
    return;
  }
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    reappendVary(this, args, tokens, written);
    return writeHead.apply(this, args as Parameters<ServerResponse['writeHead']>);
  } as ServerResponse['writeHead'];
}

/** The prototype of `res` that carries the guard, installing it on first use; null for a response whose
 *  own prototype defines writeHead (node's ServerResponse.prototype). */
function guardedPrototypeOf(res: ServerResponse): object | null {
  let below: object | null = null;
  for (let p = Object.getPrototypeOf(res) as object | null; p !== null; p = Object.getPrototypeOf(p)) {
    if (guardedPrototypes.has(p)) return p;
    if (Object.hasOwn(p, 'writeHead')) break;
    below = p;
  }
  if (below !== null) guardPrototype(below as ServerResponse);
  return below;
}

function guardPrototype(proto: ServerResponse): void {
  const writeHead = proto.writeHead; // inherited from node's ServerResponse.prototype
  proto.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    const guard = varyGuards.get(this);
    if (guard !== undefined) reappendVary(this, args, guard.tokens, guard.written);
    return writeHead.apply(this, args as Parameters<ServerResponse['writeHead']>);
  } as ServerResponse['writeHead'];
  guardedPrototypes.add(proto);
}

function reappendVary(
  res: ServerResponse,
  args: unknown[],
  tokens: readonly string[],
  written: string,
): void {
  if (!res.headersSent) {
    // Usually still the value we wrote: then there is nothing to parse again.
    const current = res.getHeader('Vary');
    if (current !== written) res.setHeader('Vary', appendVary(current, tokens));
  }
  const last = args.length - 1;
  const headers = args[last];
  if (last > 0 && typeof headers === 'object' && headers !== null && !Array.isArray(headers)) {
    args[last] = withVary(headers as OutgoingHttpHeaders, tokens);
  }
}

function withVary(headers: OutgoingHttpHeaders, tokens: readonly string[]): OutgoingHttpHeaders {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === 'vary');
  if (key === undefined) return headers;
  return { ...headers, [key]: appendVary(headers[key], tokens) };
}

function internalServerError(error: unknown, _req: IncomingMessage, res: ServerResponse): void {
  console.error(error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = 500;
  res.end('Internal Server Error');
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
