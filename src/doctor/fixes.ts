// The fix: the headers a server must send for one request, and how to say it in corskit's policy,
// express `cors`, `@fastify/cors`, `hono/cors` and nginx. Computed from the spec, never guessed.
import {
  BROWSER_PROFILES,
  type BrowserProfile,
  type CredentialsMode,
  corsUnsafeRequestHeaderNames,
  type HeaderList,
  isCorsPreflightNeeded,
  isCorsSafelistedMethod,
  normalizeMethod,
} from '../spec/index.js';

export interface FixRequest {
  /** The page's serialized origin. */
  readonly origin: string;
  readonly url: string;
  readonly method: string;
  readonly headers: HeaderList;
  readonly credentials: CredentialsMode;
  /** Response headers the page needs to read beyond the safelisted ones. */
  readonly exposeHeaders?: readonly string[];
}

export interface Fix {
  /** Headers the answer to the preflight (OPTIONS, status 204) must carry; null when no preflight is sent. */
  readonly preflight: [string, string][] | null;
  /** Headers the actual response must carry. */
  readonly actual: [string, string][];
  readonly corskit: string;
  readonly expressCors: string;
  readonly fastifyCors: string;
  readonly honoCors: string;
  readonly nginx: string;
}

const quote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const list = (xs: readonly string[]): string => `[${xs.map(quote).join(', ')}]`;

/** Header-name case for display: `x-trace` -> `X-Trace`. */
function display(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

export function computeFix(req: FixRequest, profile: BrowserProfile = BROWSER_PROFILES.chrome): Fix {
  const method = normalizeMethod(req.method);
  const unsafe = corsUnsafeRequestHeaderNames(req.headers, profile);
  const credentials = req.credentials === 'include';
  const needsPreflight = isCorsPreflightNeeded(method, unsafe);
  const originValue = req.origin;
  const exposed = (req.exposeHeaders ?? []).map(display);
  const base: [string, string][] = [['Access-Control-Allow-Origin', originValue]];
  if (credentials) base.push(['Access-Control-Allow-Credentials', 'true']);
  const vary: [string, string] = ['Vary', 'Origin'];
  const actual: [string, string][] = [
    ...base,
    ...(exposed.length > 0
      ? [['Access-Control-Expose-Headers', exposed.join(', ')] as [string, string]]
      : []),
    vary,
  ];
  const preflight: [string, string][] | null = needsPreflight
    ? [
        ...base,
        ['Access-Control-Allow-Methods', method],
        ...(unsafe.length > 0
          ? [['Access-Control-Allow-Headers', unsafe.map(display).join(', ')] as [string, string]]
          : []),
        ['Access-Control-Max-Age', '7200'],
        vary,
      ]
    : null;
  const methods = isCorsSafelistedMethod(method) ? [] : [method];
  const headers = unsafe.map(display);

  const corskitLines = [
    `createCorsPolicy({`,
    `  origins: [${quote(originValue)}],`,
    ...(credentials ? ['  credentials: true,'] : []),
    ...(methods.length > 0 ? [`  methods: ${list(methods)},`] : []),
    ...(headers.length > 0 ? [`  requestHeaders: ${list(headers)},`] : []),
    ...(exposed.length > 0 ? [`  exposedHeaders: ${list(exposed)},`] : []),
    ...(needsPreflight ? ['  maxAge: 7200,'] : []),
    `})`,
  ];
  const peer = (name: string, originKey: string, extra: string[]): string =>
    [
      `${name}({`,
      `  ${originKey}: [${quote(originValue)}],`,
      ...(credentials ? ['  credentials: true,'] : []),
      ...extra,
      `})`,
    ].join('\n');
  const expressCors = peer('cors', 'origin', [
    ...(methods.length > 0 ? [`  methods: ${list(['GET', 'HEAD', 'POST', ...methods])},`] : []),
    ...(headers.length > 0 ? [`  allowedHeaders: ${list(headers)},`] : []),
    ...(exposed.length > 0 ? [`  exposedHeaders: ${list(exposed)},`] : []),
    ...(needsPreflight ? ['  maxAge: 7200,'] : []),
  ]);
  const fastifyCors = `await fastify.register(fastifyCors, ${peer('', 'origin', [
    ...(methods.length > 0 ? [`  methods: ${list(['GET', 'HEAD', 'POST', ...methods])},`] : []),
    ...(headers.length > 0 ? [`  allowedHeaders: ${list(headers)},`] : []),
    ...(exposed.length > 0 ? [`  exposedHeaders: ${list(exposed)},`] : []),
    ...(needsPreflight ? ['  maxAge: 7200,'] : []),
  ]).slice(1, -1)})`;
  const honoCors = peer('cors', 'origin', [
    ...(methods.length > 0 ? [`  allowMethods: ${list(['GET', 'HEAD', 'POST', ...methods])},`] : []),
    ...(headers.length > 0 ? [`  allowHeaders: ${list(headers)},`] : []),
    ...(exposed.length > 0 ? [`  exposeHeaders: ${list(exposed)},`] : []),
    ...(needsPreflight ? ['  maxAge: 7200,'] : []),
  ]);
  const nginx = nginxSnippet(originValue, actual, preflight);
  return { preflight, actual, corskit: corskitLines.join('\n'), expressCors, fastifyCors, honoCors, nginx };
}

function nginxSnippet(
  origin: string,
  actual: [string, string][],
  preflight: [string, string][] | null,
): string {
  // `always` keeps the headers on error statuses too; a map keeps other origins out.
  const lines = [
    `# in http {}: allow exactly this origin`,
    `map $http_origin $cors_origin { default ""; ${JSON.stringify(origin)} $http_origin; }`,
    `# in the location {}:`,
  ];
  if (preflight !== null) {
    lines.push(`if ($request_method = OPTIONS) {`);
    for (const [n, v] of preflight)
      lines.push(
        `  add_header ${n} ${n === 'Access-Control-Allow-Origin' ? '$cors_origin' : JSON.stringify(v)} always;`,
      );
    lines.push(`  return 204;`, `}`);
  }
  for (const [n, v] of actual)
    lines.push(
      `add_header ${n} ${n === 'Access-Control-Allow-Origin' ? '$cors_origin' : JSON.stringify(v)} always;`,
    );
  return lines.join('\n');
}
