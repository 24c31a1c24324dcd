// corskit/web: CORS for Fetch-API handlers (Request in, Response out): Hono, Next.js route handlers,
// Cloudflare Workers, Deno, Bun. Thin glue: the policy decides, this file only writes its answer.
import {
  appendVary,
  type CorsDecision,
  type CorsPolicy,
  type CorsPolicyConfig,
  toCorsPolicy,
} from '../policy/index.js';

/** A Fetch-API handler: a `Request` in, a `Response` out (extra arguments, such as env and ctx, pass through). */
export type FetchHandler<Rest extends unknown[] = unknown[]> = (
  request: Request,
  ...rest: Rest
) => Response | Promise<Response>;

/** Options of `withCors` beyond the policy. */
export interface WithCorsOptions {
  /** Turns an error thrown by the handler into a response (CORS headers are added to it). Default: log
   *  with console.error and answer 500, so the page can read the failure instead of a CORS error. */
  readonly onError?: (error: unknown, request: Request) => Response | Promise<Response>;
}

/** Wraps a handler: preflights are answered without calling it, every other response gets CORS headers. */
export function withCors<Rest extends unknown[]>(
  handler: FetchHandler<Rest>,
  policyOrConfig: CorsPolicy | CorsPolicyConfig,
  options: WithCorsOptions = {},
): (request: Request, ...rest: Rest) => Promise<Response> {
  const policy = toCorsPolicy(policyOrConfig);
  const onError = options.onError ?? internalServerError;
  return async (request, ...rest) => {
    const { decision, response } = await corsResponse(request, policy);
    if (response !== null) return response;
    let answer: Response;
    try {
      answer = await handler(request, ...rest);
    } catch (error) {
      answer = await onError(error, request);
    }
    return applyCors(decision, answer);
  };
}

/** Decides a request. `response` is the finished preflight answer, or null when the application answers
 *  (then pass its response and `decision` to applyCors). */
export async function corsResponse(
  request: Request,
  policy: CorsPolicy,
): Promise<{ decision: CorsDecision; response: Response | null }> {
  const decision = await policy.decide(request);
  if (decision.kind !== 'preflight') return { decision, response: null };
  const headers = new Headers(decision.headers as [string, string][]);
  writeVary(headers, decision.vary);
  // A 200 answer needs an explicit empty length, or servers stream it chunked; old clients choke on that.
  if (decision.status === 200) headers.set('Content-Length', '0');
  return { decision, response: new Response(null, { status: decision.status ?? 204, headers }) };
}

/** Adds the decision's headers to `response`, copying it first when its headers are immutable
 *  (responses from fetch() or Response.redirect()). */
export function applyCors(decision: CorsDecision, response: Response): Response {
  if (decision.headers.length === 0 && decision.vary.length === 0) return response;
  try {
    writeHeaders(response.headers, decision);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    writeHeaders(copy.headers, decision);
    return copy;
  }
}

function writeHeaders(headers: Headers, decision: CorsDecision): void {
  for (const [name, value] of decision.headers) headers.set(name, value);
  writeVary(headers, decision.vary);
}

function writeVary(headers: Headers, tokens: readonly string[]): void {
  if (tokens.length > 0) headers.set('Vary', appendVary(headers.get('Vary'), tokens));
}

function internalServerError(error: unknown): Response {
  console.error(error);
  return new Response('Internal Server Error', { status: 500 });
}
