// corskit/hono: Hono 4 middleware. Thin glue: the policy decides, this file only writes its answer.
import type { Context, MiddlewareHandler } from 'hono';
import {
  appendVary,
  type CorsDecision,
  type CorsPolicy,
  type CorsPolicyConfig,
  toCorsPolicy,
} from '../policy/index.js';

/** Hono middleware: answers preflights with an empty response; adds CORS headers to every other response
 *  (OPTIONS included), also one made by app.onError. Config errors throw here, at startup. */
export function cors(policyOrConfig: CorsPolicy | CorsPolicyConfig): MiddlewareHandler {
  const policy = toCorsPolicy(policyOrConfig);
  return async (c, next) => {
    const decision = await policy.decide(c.req.raw);
    if (decision.kind === 'preflight') {
      const headers = Object.fromEntries(decision.headers);
      if (decision.vary.length > 0) headers.Vary = appendVary(undefined, decision.vary);
      // As in corskit/web: a 200 answer states its empty length instead of being sent chunked.
      if (decision.status === 200) headers['Content-Length'] = '0';
      return c.body(null, (decision.status ?? 204) as 204, headers);
    }
    // Hono hands a thrown Error to app.onError inside next() and stores its response in c.res, so
    // writing after next() covers error responses too.
    await next();
    writeHeaders(c, decision);
  };
}

function writeHeaders(c: Context, decision: CorsDecision): void {
  try {
    writeTo(c.res.headers, decision);
  } catch {
    // Immutable headers (a response from fetch()): the c.res setter keeps a mutable copy.
    c.res = new Response(c.res.body, c.res);
    writeTo(c.res.headers, decision);
  }
}

function writeTo(headers: Headers, decision: CorsDecision): void {
  for (const [name, value] of decision.headers) headers.set(name, value);
  if (decision.vary.length > 0) headers.set('Vary', appendVary(headers.get('Vary'), decision.vary));
}
