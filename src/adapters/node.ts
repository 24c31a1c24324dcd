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
    // Answered here and now: no application code runs before the headers are written.
    res.statusCode = decision.status ?? 204;
    res.end();
    return;
  }
  if (vary !== null) appendVaryOnWrite(res, decision.vary, vary);
  next();
}

/** The application may replace Vary after we set it (res.setHeader, or a headers object given to
 *  writeHead): append our tokens again at the moment the headers are written. */
function appendVaryOnWrite(res: ServerResponse, tokens: readonly string[], written: string): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    if (!this.headersSent) {
      // Usually still the value we wrote: then there is nothing to parse again.
      const current = this.getHeader('Vary');
      if (current !== written) this.setHeader('Vary', appendVary(current, tokens));
    }
    const last = args.length - 1;
    const headers = args[last];
    if (last > 0 && typeof headers === 'object' && headers !== null && !Array.isArray(headers)) {
      args[last] = withVary(headers as OutgoingHttpHeaders, tokens);
    }
    return writeHead.apply(this, args as Parameters<ServerResponse['writeHead']>);
  } as ServerResponse['writeHead'];
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
