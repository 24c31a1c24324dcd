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
import { nodeRequestDecider } from '../policy/policy.js';

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
  const decide = nodeRequestDecider(toCorsPolicy(policyOrConfig));
  return (req, res, next) => {
    const decision = decide(req as CorsRequest); // method and headers, read in place
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
  // Each method is looked up on the response once. Under Express every store on a response gives it a
  // map of its own (it has had its prototype swapped), so each lookup after one misses V8's caches:
  // about 0.4 µs instead of 0.05 (bench/express-response.bench.ts); and the first setHeader stores
  // node's header record.
  const setHeader = res.setHeader;
  const getHeader = res.getHeader;
  const headers = decision.headers;
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i] as readonly [string, string];
    setHeader.call(res, name, value);
  }
  // getHeader('vary'), lowercase: node lowercases the name it is given, and for 'Vary' that is a new
  // string every call.
  const vary = decision.vary.length > 0 ? appendVary(getHeader.call(res, 'vary'), decision.vary) : null;
  if (vary !== null) setHeader.call(res, 'Vary', vary);
  if (decision.kind === 'preflight') {
    // Answered here and now: no application code runs before the headers are written. writeHead, not a
    // store to res.statusCode: a store costs most under Express (see above), and writeHead then end()
    // cost about 1.3 µs less there. A 200 states its empty length: with the headers written first,
    // end() could not add it.
    const status = decision.status ?? 204;
    if (status !== 204) setHeader.call(res, 'Content-Length', '0');
    res.writeHead(status);
    res.end();
    return;
  }
  if (vary !== null) appendVaryOnWrite(res, decision.vary, vary, getHeader);
  next();
}

/** What the Vary guard re-appends, the value we wrote, and the response's getHeader (looked up already,
 *  so the guard does not look it up again), per response. */
interface VaryGuard {
  readonly tokens: readonly string[];
  readonly written: string;
  readonly getHeader: ServerResponse['getHeader'];
}
/** Prototypes whose writeHead is the guard (see appendVaryOnWrite). */
const guardedPrototypes = new WeakSet<object>();

/** The application may replace Vary after we set it (res.setHeader, or a headers object given to
 *  writeHead): append our tokens again at the moment the headers are written. */
function appendVaryOnWrite(
  res: ServerResponse,
  tokens: readonly string[],
  written: string,
  getHeader: ServerResponse['getHeader'],
): void {
  // Express gives every response its app's own prototype, and on such an object a property store costs
  // microseconds, against 40 ns on a plain ServerResponse (bench/express-response.bench.ts). So where
  // the response has prototypes below node's ServerResponse.prototype (Express's, shared by all its
  // apps and sub-apps), the guard is installed once on the highest of them and finds its state through
  // guardOf; on a plain response it wraps the response's own writeHead, leaving node's prototype alone.
  if (guardedPrototypeOf(res) !== null) {
    keepGuard(res, tokens, written, getHeader);
    return;
  }
  res.writeHead = wrapperOf(res.writeHead as WriteHead, guardFor(tokens, written, getHeader));
}

/** The last writeHead wrapper made, with what it calls and its guard: a plain response's writeHead is
 *  node's and its guard usually the shared one, so one wrapper serves every response instead of a
 *  closure made per response. */
let lastWrapper: {
  readonly writeHead: WriteHead;
  readonly guard: VaryGuard;
  readonly wrapper: ServerResponse['writeHead'];
} | null = null;

function wrapperOf(writeHead: WriteHead, guard: VaryGuard): ServerResponse['writeHead'] {
  const last = lastWrapper;
  if (last !== null && last.writeHead === writeHead && last.guard === guard) return last.wrapper;
  const wrapper = function (this: ServerResponse, status: number, reason?: unknown, headers?: unknown) {
    return writeHeadWithVary(writeHead, this, status, reason, headers, guard);
  } as ServerResponse['writeHead'];
  lastWrapper = { writeHead, guard, wrapper };
  return wrapper;
}

/** writeHead(status[, reason][, headers]) with its three parameters named: every guarded response goes
 *  through it, and named parameters spare the rest array and apply(). Node reads a missing one as
 *  undefined, as here. */
type WriteHead = (
  this: ServerResponse,
  status: number,
  reason?: unknown,
  headers?: unknown,
) => ServerResponse;

/** The prototype a response had the last time the walk below found the guard, and where it found it:
 *  Express gives all of an app's responses the same prototype, so the walk is done once per app. */
let lastPrototype: object | null = null;
let lastGuarded: object | null = null;

/** The prototype of `res` that carries the guard, installing it on first use; null for a response whose
 *  own prototype defines writeHead (node's ServerResponse.prototype). */
function guardedPrototypeOf(res: ServerResponse): object | null {
  const own = Object.getPrototypeOf(res) as object | null;
  if (own === lastPrototype) return lastGuarded;
  const guarded = findGuardedPrototype(own);
  lastPrototype = own;
  lastGuarded = guarded;
  return guarded;
}

function findGuardedPrototype(own: object | null): object | null {
  let below: object | null = null;
  for (let p = own; p !== null; p = Object.getPrototypeOf(p)) {
    if (guardedPrototypes.has(p)) return p;
    if (Object.hasOwn(p, 'writeHead')) break;
    below = p;
  }
  if (below !== null) guardPrototype(below as ServerResponse);
  return below;
}

function guardPrototype(proto: ServerResponse): void {
  const writeHead = proto.writeHead as WriteHead; // inherited from node's ServerResponse.prototype
  proto.writeHead = function (this: ServerResponse, status: number, reason?: unknown, headers?: unknown) {
    const guard = guardOf(this);
    if (guard === undefined) return writeHead.call(this, status, reason, headers);
    return writeHeadWithVary(writeHead, this, status, reason, headers, guard);
  } as ServerResponse['writeHead'];
  guardedPrototypes.add(proto);
}

/** Where the guard keeps its state on a response with a prototype of its own: in `res.locals`, the
 *  object Express makes for what belongs to one response, under a symbol; where there is none (or it
 *  takes no new key), in a WeakMap. Over HTTP a WeakMap entry per response made Express's actual
 *  requests about 2% dearer (bench/http/compare-builds.ts, in BENCHMARKS.md); V8 keeps each entry
 *  until a collection clears it. An application that replaces res.locals after this middleware turns
 *  the guard off for that response. */
const GUARD = Symbol('corskit.varyGuard');
type GuardHolder = { [GUARD]?: VaryGuard };
const varyGuards = new WeakMap<ServerResponse, VaryGuard>();
/** Whether varyGuards was ever written: until then (under Express, always) it is not looked up. */
let varyGuardsUsed = false;

function guardOf(res: ServerResponse): VaryGuard | undefined {
  try {
    const locals = (res as { locals?: unknown }).locals;
    const kept = typeof locals === 'object' && locals !== null ? (locals as GuardHolder)[GUARD] : undefined;
    if (kept !== undefined) return kept;
  } catch {
    // As in keepGuard.
  }
  return varyGuardsUsed ? varyGuards.get(res) : undefined;
}

/** The last guard made: the tokens (the policy's own frozen list), the value written and getHeader are
 *  usually the same from one response to the next, and a guard is never changed, so it is shared. */
let lastGuard: VaryGuard | null = null;

function guardFor(
  tokens: readonly string[],
  written: string,
  getHeader: ServerResponse['getHeader'],
): VaryGuard {
  const last = lastGuard;
  if (last !== null && last.tokens === tokens && last.written === written && last.getHeader === getHeader)
    return last;
  lastGuard = { tokens, written, getHeader };
  return lastGuard;
}

/** Keeps the guard's state for this response: `res.locals` is read once (a lookup on an Express response
 *  costs about 0.4 µs). A response already guarded (the middleware mounted twice) keeps both lists. */
function keepGuard(
  res: ServerResponse,
  tokens: readonly string[],
  written: string,
  getHeader: ServerResponse['getHeader'],
): void {
  let locals: unknown;
  let before: VaryGuard | undefined;
  try {
    locals = (res as { locals?: unknown }).locals;
    if (typeof locals === 'object' && locals !== null) before = (locals as GuardHolder)[GUARD];
  } catch {
    locals = undefined; // A locals object that throws (a proxy): the WeakMap then.
  }
  if (before === undefined && varyGuardsUsed) before = varyGuards.get(res);
  const guard =
    before === undefined
      ? guardFor(tokens, written, getHeader)
      : { tokens: [...before.tokens, ...tokens], written, getHeader };
  try {
    if (typeof locals === 'object' && locals !== null && Reflect.set(locals, GUARD, guard)) return;
  } catch {
    // As above.
  }
  varyGuardsUsed = true;
  varyGuards.set(res, guard);
}

function writeHeadWithVary(
  writeHead: WriteHead,
  res: ServerResponse,
  status: number,
  reason: unknown,
  headers: unknown,
  { tokens, written, getHeader }: VaryGuard,
): ServerResponse {
  // Usually still the value we wrote: then there is nothing to parse again, and headersSent (one more
  // lookup on the response) is not read.
  const current = getHeader.call(res, 'vary'); // lowercase, as in finish
  if (current !== written && !res.headersSent) res.setHeader('Vary', appendVary(current, tokens));
  // Headers given to writeHead come last: writeHead(status, headers) or writeHead(status, reason, headers).
  if (headers === undefined && typeof reason !== 'string') {
    if (isHeaderRecord(reason)) reason = withVary(reason, tokens);
  } else if (isHeaderRecord(headers)) headers = withVary(headers, tokens);
  return writeHead.call(res, status, reason, headers);
}

function isHeaderRecord(value: unknown): value is OutgoingHttpHeaders {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
