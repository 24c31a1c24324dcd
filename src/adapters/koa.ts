// corskit/koa: Koa 3 middleware. Thin glue: the policy decides, this file only writes its answer.
import type { Context, Middleware, Next } from 'koa';
import {
  appendVary,
  type CorsDecision,
  type CorsPolicy,
  type CorsPolicyConfig,
  type CorsRequest,
  toCorsPolicy,
} from '../policy/index.js';
import { nodeRequestDecider } from '../policy/policy.js';

/** Koa middleware: answers preflights with an empty response; sets CORS headers on every other request
 *  (OPTIONS included), also when a later middleware throws. Config errors throw here, at startup. */
export function cors(policyOrConfig: CorsPolicy | CorsPolicyConfig): Middleware {
  const decide = nodeRequestDecider(toCorsPolicy(policyOrConfig));
  return (ctx, next) => {
    const decision = decide(ctx.req as CorsRequest); // method and headers, read in place
    // A decision is a promise only with an originLookup: otherwise no await, no extra tick.
    return decision instanceof Promise
      ? decision.then((d) => respond(ctx, next, d))
      : respond(ctx, next, decision);
  };
}

function respond(ctx: Context, next: Next, decision: CorsDecision): Promise<void> | undefined {
  const res = ctx.res;
  // ctx.set(name, value) is res.setHeader after a headersSent check, through two arrays and two
  // callbacks per call: the check once, then setHeader, is the same and costs a fraction.
  if (!res.headersSent) {
    const headers = decision.headers;
    for (let i = 0; i < headers.length; i++) {
      const [name, value] = headers[i] as readonly [string, string];
      res.setHeader(name, value);
    }
  }
  if (decision.kind === 'preflight') {
    writeVary(ctx, decision.vary);
    // A 204 has no body; a 200 needs an explicit empty one first (Koa would write the status text).
    if (decision.status !== 204) ctx.body = null;
    ctx.status = decision.status ?? 204;
    return undefined;
  }
  return afterNext(ctx, next, decision);
}

/** Vary is written once, after the rest of the app ran: appended to whatever it set. */
async function afterNext(ctx: Context, next: Next, decision: CorsDecision): Promise<void> {
  try {
    await next();
  } catch (error) {
    throw withErrorHeaders(error, decision);
  }
  writeVary(ctx, decision.vary);
}

/** Nothing once the headers are sent (a streamed or hand-written response), as ctx.set would do. */
function writeVary(ctx: Context, tokens: readonly string[]): void {
  const res = ctx.res;
  // getHeader('vary'), lowercase: node lowercases the name it is given (for 'Vary', a new string each call).
  if (tokens.length > 0 && !res.headersSent) res.setHeader('Vary', appendVary(res.getHeader('vary'), tokens));
}

/** Koa's error handler removes every response header and then sets `err.headers`: put ours there. */
function withErrorHeaders(error: unknown, decision: CorsDecision): unknown {
  if (typeof error !== 'object' || error === null || !Object.isExtensible(error)) return error;
  const target = error as { headers?: Record<string, string | string[]> };
  const headers: Record<string, string | string[]> = { ...target.headers };
  for (const [name, value] of decision.headers) headers[name] = value;
  if (decision.vary.length > 0) {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === 'vary') ?? 'Vary';
    headers[key] = appendVary(headers[key], decision.vary);
  }
  try {
    target.headers = headers;
  } catch {
    // A read-only `headers` property: nothing we can do without replacing the error.
  }
  return error;
}
