// One proven fix said six ways: corskit's policy, express `cors`, `@fastify/cors`, `hono/cors`,
// `@koa/cors` and nginx. Each snippet is code a user pastes as is (test/doctor/fix-snippets.test.ts runs
// every one against the real package, or nginx, and has the simulator judge the answers).
import type { CorsPolicyConfig } from '../policy/index.js';
import {
  isCorsNonWildcardRequestHeaderName,
  isCorsSafelistedMethod,
  isCorsSafelistedResponseHeaderName,
} from '../spec/index.js';

/** What the fixed answers say; header lists are built from it, and so is every snippet. */
export interface FixSpec {
  /** The page's origin, or `*` kept from a server that already answered `*` without credentials. */
  readonly origin: string;
  readonly credentials: boolean;
  /** Access-Control-Allow-Methods: the recorded items, widened. */
  readonly methods: readonly string[];
  /** Access-Control-Allow-Headers: the recorded items, widened. */
  readonly headers: readonly string[];
  /** Access-Control-Expose-Headers, as recorded. */
  readonly exposed: readonly string[];
  /** Access-Control-Max-Age as recorded, or null. */
  readonly maxAge: string | null;
  /** Whether the request meets a preflight. */
  readonly preflight: boolean;
  readonly varyPreflight: readonly string[];
  readonly varyActual: readonly string[];
}

export interface Snippets {
  /** The corskit config the snippet holds (validated by the builder before it is offered). */
  readonly config: CorsPolicyConfig;
  readonly corskit: string;
  readonly expressCors: string;
  readonly fastifyCors: string;
  readonly honoCors: string;
  readonly koaCors: string;
  readonly nginx: string;
}

const quote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const list = (xs: readonly string[]): string => `[${xs.map(quote).join(', ')}]`;

/** No exposed names: what remains readable is only Fetch's "CORS-safelisted response-header name" list. */
const NONE_EXPOSED: ReadonlySet<string> = new Set();

/** `*` counts as a wildcard only without credentials; with them it is a literal name that nobody uses. */
const named = (xs: readonly string[], credentials: boolean): readonly string[] | '*' =>
  !credentials && xs.includes('*') ? '*' : xs.filter((x) => x !== '*');

function maxAgeSeconds(spec: FixSpec): number | null {
  if (spec.maxAge === null || !/^\d{1,6}$/.test(spec.maxAge)) return null;
  const n = Number(spec.maxAge);
  return n <= 86_400 ? n : null;
}

function corskitConfig(spec: FixSpec): CorsPolicyConfig {
  const methods = named(spec.methods, spec.credentials);
  const extraMethods = methods === '*' ? '*' : methods.filter((m) => !isCorsSafelistedMethod(m));
  let headers = named(spec.headers, spec.credentials);
  // corskit's '*' never covers Authorization (as the standard says): list the names instead.
  if (headers === '*' && spec.headers.some(isCorsNonWildcardRequestHeaderName))
    headers = spec.headers.filter((h) => h !== '*');
  const exposed = named(spec.exposed, spec.credentials);
  const readable =
    exposed === '*' ? '*' : exposed.filter((h) => !isCorsSafelistedResponseHeaderName(h, NONE_EXPOSED));
  const maxAge = maxAgeSeconds(spec);
  return {
    origins: spec.origin === '*' ? '*' : [spec.origin],
    ...(spec.credentials ? { credentials: true } : {}),
    ...(extraMethods === '*' || extraMethods.length > 0 ? { methods: extraMethods } : {}),
    ...(headers === '*' || headers.length > 0 ? { requestHeaders: headers } : {}),
    ...(readable === '*' || readable.length > 0 ? { exposedHeaders: readable } : {}),
    ...(maxAge !== null ? { maxAge } : {}),
  };
}

const value = (v: '*' | readonly string[]): string => (v === '*' ? `'*'` : list(v));

/** The options object of a peer library, one option a line. */
function options(lines: readonly (string | null)[]): string {
  return ['{', ...lines.filter((l): l is string => l !== null).map((l) => `  ${l},`), '}'].join('\n');
}

function peerOptions(
  spec: FixSpec,
  keys: { methods: string; headers: string; exposed: string },
  origin: string,
): string {
  const methods = spec.methods.filter((m) => m !== '*' || !spec.credentials);
  const headers = spec.headers.filter((h) => h !== '*' || !spec.credentials);
  const maxAge = maxAgeSeconds(spec);
  return options([
    `origin: ${origin}`,
    spec.credentials ? 'credentials: true' : null,
    spec.preflight && methods.length > 0 ? `${keys.methods}: ${list(methods)}` : null,
    spec.preflight && headers.length > 0 ? `${keys.headers}: ${list(headers)}` : null,
    spec.exposed.length > 0 ? `${keys.exposed}: ${list(spec.exposed)}` : null,
    spec.preflight && maxAge !== null ? `maxAge: ${maxAge}` : null,
  ]);
}

function nginxSnippet(spec: FixSpec): string {
  const named = spec.origin !== '*';
  const lines = named
    ? [
        '# in http {}: answer exactly this origin',
        'map $http_origin $cors_origin {',
        '    default "";',
        `    ${JSON.stringify(spec.origin)} $http_origin;`,
        '}',
      ]
    : ['# in http {}: nothing'];
  lines.push('# in the location {}:');
  // `always` keeps the headers on every status; an empty $cors_origin sends no header at all.
  const header = (n: string, v: string, pad = ''): string =>
    `${pad}add_header ${n} ${n === 'Access-Control-Allow-Origin' && named ? '$cors_origin' : JSON.stringify(v)} always;`;
  const origin = spec.origin;
  const common: [string, string][] = [['Access-Control-Allow-Origin', origin]];
  if (spec.credentials) common.push(['Access-Control-Allow-Credentials', 'true']);
  if (spec.preflight) {
    lines.push('if ($request_method = OPTIONS) {');
    const pre: [string, string][] = [...common];
    if (spec.methods.length > 0) pre.push(['Access-Control-Allow-Methods', spec.methods.join(', ')]);
    if (spec.headers.length > 0) pre.push(['Access-Control-Allow-Headers', spec.headers.join(', ')]);
    if (spec.maxAge !== null) pre.push(['Access-Control-Max-Age', spec.maxAge]);
    if (spec.varyPreflight.length > 0) pre.push(['Vary', spec.varyPreflight.join(', ')]);
    for (const [n, v] of pre) lines.push(header(n, v, '    '));
    lines.push('    return 204;', '}');
  }
  const actual: [string, string][] = [...common];
  if (spec.exposed.length > 0) actual.push(['Access-Control-Expose-Headers', spec.exposed.join(', ')]);
  if (spec.varyActual.length > 0) actual.push(['Vary', spec.varyActual.join(', ')]);
  for (const [n, v] of actual) lines.push(header(n, v));
  return lines.join('\n');
}

/** Every snippet of a spec. */
export function snippetsOf(spec: FixSpec): Snippets {
  const config = corskitConfig(spec);
  const configText = options([
    `origins: ${value(config.origins)}`,
    config.credentials === true ? 'credentials: true' : null,
    config.methods !== undefined ? `methods: ${value(config.methods)}` : null,
    config.requestHeaders !== undefined ? `requestHeaders: ${value(config.requestHeaders)}` : null,
    config.exposedHeaders !== undefined ? `exposedHeaders: ${value(config.exposedHeaders)}` : null,
    config.maxAge !== undefined ? `maxAge: ${config.maxAge}` : null,
  ]);
  const origin = spec.origin === '*' ? `'*'` : list([spec.origin]);
  const peer = (keys: { methods: string; headers: string; exposed: string }, o = origin) =>
    peerOptions(spec, keys, o);
  const express = { methods: 'methods', headers: 'allowedHeaders', exposed: 'exposedHeaders' };
  const hono = { methods: 'allowMethods', headers: 'allowHeaders', exposed: 'exposeHeaders' };
  return {
    config,
    corskit: `import { createCorsPolicy } from 'corskit';\n\nexport const corsPolicy = createCorsPolicy(${configText});`,
    expressCors: `import cors from 'cors';\n\napp.use(cors(${peer(express)}));`,
    fastifyCors: `import fastifyCors from '@fastify/cors';\n\nawait fastify.register(fastifyCors, ${peer(express)});`,
    honoCors: `import { cors } from 'hono/cors';\n\napp.use('*', cors(${peer(hono)}));`,
    // @koa/cors sends its `origin` string as is: one origin, never an echo.
    koaCors: `import cors from '@koa/cors';\n\napp.use(cors(${peer(hono, quote(spec.origin))}));`,
    nginx: nginxSnippet(spec),
  };
}
