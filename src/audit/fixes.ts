// The concrete fix for each class, with the allowlist written as corskit policy config.
import type { AuditFindingId } from './classes.js';

export interface FixContext {
  /** The origins the site legitimately allows (as given, or derived: then marked as an example). */
  readonly trusted: readonly string[];
  readonly derived: boolean;
  readonly credentials: boolean;
  /** The origin that proved the finding. */
  readonly origin: string;
}

function policyLine(ctx: FixContext): string {
  const origins = ctx.trusted.map((o) => `'${o}'`).join(', ');
  const creds = ctx.credentials ? ', credentials: true' : '';
  const example = ctx.derived ? " (put your front ends' origins in the list)" : '';
  return `In corskit: createCorsPolicy({ origins: [${origins}]${creds} })${example}.`;
}

const EXACT =
  'Compare the Origin header byte for byte with an allowlist (a Set lookup, never startsWith, endsWith, includes or a regular expression) and answer Access-Control-Allow-Origin only for a listed origin, with Vary: Origin.';

const TEXT: Readonly<Record<AuditFindingId, (ctx: FixContext) => string>> = {
  'reflect-any-origin': (c) => `Stop echoing the Origin header. ${EXACT} ${policyLine(c)}`,
  'null-origin': (c) =>
    `Remove "null" from the allowed origins: sandboxed iframes and data: URLs of any site send it. Serve the page from a real origin and list that. ${policyLine(c)}`,
  'prefix-match': (c) =>
    `The check admits ${c.origin} because it only looks at the start. ${EXACT} ${policyLine(c)}`,
  'suffix-match': (c) =>
    `The check admits ${c.origin} because it only looks at the end, with no dot boundary. ${EXACT} For subdomains, list them; if you must match a suffix, require the dot (host === "example.com" || host.endsWith(".example.com")). ${policyLine(c)}`,
  'substring-match': (c) =>
    `The check admits ${c.origin} because it looks for a substring (includes, indexOf, "in"). ${EXACT} ${policyLine(c)}`,
  'unescaped-dot': (c) =>
    `Escape every dot in the regular expression (^https://app\\.example\\.com$), or better, replace it with an exact allowlist. ${policyLine(c)}`,
  'special-chars': (c) =>
    `Do not cut the host out of the Origin with a pattern that stops at unexpected characters: ${c.origin} passed. Compare the whole Origin value exactly. ${policyLine(c)}`,
  'any-subdomain': (c) =>
    `List the subdomains that serve your front ends instead of trusting all of them (${c.origin} was allowed). ${policyLine(c)}`,
  'http-origin-trusted': (c) =>
    `Remove ${c.origin}: allow only the https origin, and redirect http to https with HSTS. ${policyLine(c)}`,
  'third-party-origin': (c) =>
    `Remove ${c.origin}: anyone can publish a page there. Allow only origins you control. ${policyLine(c)}`,
  'localhost-trusted': (c) =>
    `Remove ${c.origin} from the production allowlist; allow local origins only in development builds (from configuration, not code). ${policyLine(c)}`,
  'other-port-trusted': (c) =>
    `List the exact port of each trusted origin; ${c.origin} was allowed. ${policyLine(c)}`,
  'wildcard-origin': () =>
    'Nothing to do if the resource is public data. If it is private by network position (an intranet, an IP allowlist), replace * with an allowlist of origins.',
  'wildcard-with-credentials': (c) =>
    `Choose one: public data, read without cookies: "Access-Control-Allow-Origin: *" and no Access-Control-Allow-Credentials; private data: the exact origin from an allowlist with "Access-Control-Allow-Credentials: true". Make sure no fallback echoes the Origin. ${policyLine({ ...c, credentials: true })}`,
  'invalid-allow-origin': (c) =>
    `Send exactly one serialized origin (scheme://host[:port]: no path, no trailing slash, no pattern, no list) or "*", chosen per request from an allowlist, once per response. ${policyLine(c)}`,
  'missing-vary-origin': () =>
    'Add "Vary: Origin" to every response whose CORS headers depend on the Origin header, allowed and refused alike (append to an existing Vary, never overwrite it). corskit policies do this for you.',
  'preflight-reflects-method': () =>
    "Answer preflights with the methods the API supports (Access-Control-Allow-Methods: GET, POST, PUT), not with whatever Access-Control-Request-Method asks. In corskit: methods: ['PUT', 'DELETE'].",
  'preflight-reflects-headers': () =>
    "Answer preflights with the request headers the API reads (Access-Control-Allow-Headers: Content-Type, X-Request-Id), not with whatever Access-Control-Request-Headers asks. In corskit: requestHeaders: ['Content-Type', 'X-Request-Id'].",
};

export function fixFor(id: AuditFindingId, ctx: FixContext): string {
  return TEXT[id](ctx);
}
