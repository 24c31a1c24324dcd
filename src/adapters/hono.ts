// corskit/hono: Hono 4 middleware. Thin glue: the policy decides, this file only writes its answer.
import type { Context, MiddlewareHandler } from 'hono';
import {
  appendVary,
  type CorsDecision,
  type CorsPolicy,
  type CorsPolicyConfig,
  type CorsRequest,
  toCorsPolicy,
} from '../policy/index.js';
import { nodeRequestDecider } from '../policy/policy.js';

/** Hono middleware: answers preflights with an empty response; adds CORS headers to every other response
 *  (OPTIONS included), also one made by app.onError. Config errors throw here, at startup. */
export function cors(policyOrConfig: CorsPolicy | CorsPolicyConfig): MiddlewareHandler {
  const policy = toCorsPolicy(policyOrConfig);
  const decideNode = nodeRequestDecider(policy);
  return async (c, next) => {
    const incoming = nodeIncoming(c);
    const decided = incoming !== null ? decideNode(incoming) : policy.decide(c.req.raw);
    const decision = decided instanceof Promise ? await decided : decided;
    if (decision.kind === 'preflight') return preflightResponse(c, decision);
    // Before next(): c.header() goes into the headers Hono prepares for the response the handler makes
    // with c.text(), c.json(), ... (and app.onError too), so the usual path writes each header once and
    // leaves the response as Hono built it.
    for (const [name, value] of decision.headers) c.header(name, value);
    const vary = decision.vary.length > 0 ? appendVary(undefined, decision.vary) : null;
    if (vary !== null) c.header('Vary', vary);
    await next();
    // A handler may return its own Response (new Response(), fetch()) or replace Vary: check, and only
    // then write again.
    const headers = c.res.headers;
    const first = decision.headers[0];
    if (
      (first !== undefined && headers.get(first[0]) !== first[1]) ||
      (vary !== null && headers.get('Vary') !== vary)
    ) {
      writeHeaders(c, decision);
    }
  };
}

/** The answer to a preflight, headers as a plain object (no Headers built from pairs). */
function preflightResponse(c: Context, decision: CorsDecision): Response {
  const headers: Record<string, string> = {};
  for (const [name, value] of decision.headers) headers[name] = value;
  if (decision.vary.length > 0) headers.Vary = appendVary(undefined, decision.vary);
  // As in corskit/web: a 200 answer states its empty length instead of being sent chunked.
  if (decision.status === 200) headers['Content-Length'] = '0';
  return c.body(null, (decision.status ?? 204) as 204, headers);
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

/** On @hono/node-server, the Node request that c.req.raw was made from (`c.env.incoming`, as its README
 *  documents), while the method still agrees (a method override re-dispatches with the same env). Its
 *  header record is read directly, instead of through the Fetch Headers view @hono/node-server makes of
 *  it, which checks each name and value again: four reads on a preflight. The decision depends on the
 *  method and the headers only. Elsewhere (Bun, Deno, Workers), null. */
function nodeIncoming(c: Context): CorsRequest | null {
  try {
    const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming as
      | { method?: unknown; rawHeaders?: unknown }
      | null
      | undefined;
    if (typeof incoming !== 'object' || incoming === null || !Array.isArray(incoming.rawHeaders)) return null;
    return incoming.method === c.req.raw.method ? (incoming as CorsRequest) : null;
  } catch {
    return null; // an env whose properties throw (a strict proxy of bindings): c.req.raw then
  }
}
