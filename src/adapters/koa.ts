// corskit/koa: Koa 3 middleware. Thin glue: the policy decides, this file only writes its answer.
import type { Context, Middleware } from 'koa';
import {
  appendVary,
  type CorsDecision,
  type CorsPolicy,
  type CorsPolicyConfig,
  toCorsPolicy,
} from '../policy/index.js';

/** Koa middleware: answers preflights with an empty response; sets CORS headers on every other request
 *  (OPTIONS included), also when a later middleware throws. Config errors throw here, at startup. */
export function cors(policyOrConfig: CorsPolicy | CorsPolicyConfig): Middleware {
  const policy = toCorsPolicy(policyOrConfig);
  return async (ctx, next) => {
    const decision = await policy.decide({ method: ctx.method, headers: ctx.headers });
    writeHeaders(ctx, decision);
    if (decision.kind === 'preflight') {
      ctx.body = null; // explicit empty body: Koa would otherwise write the status text
      ctx.status = decision.status ?? 204;
      return;
    }
    try {
      await next();
    } catch (error) {
      throw withErrorHeaders(error, decision);
    }
    // The application may have replaced Vary: append ours again.
    if (!ctx.headerSent) writeVary(ctx, decision.vary);
  };
}

function writeHeaders(ctx: Context, decision: CorsDecision): void {
  for (const [name, value] of decision.headers) ctx.set(name, value);
  writeVary(ctx, decision.vary);
}

function writeVary(ctx: Context, tokens: readonly string[]): void {
  if (tokens.length > 0) ctx.set('Vary', appendVary(ctx.response.get('Vary'), tokens));
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
