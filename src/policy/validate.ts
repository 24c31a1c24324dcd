// Validation of a policy configuration: every problem at once, each with the field and the fix.
import {
  asciiLowerCase,
  BROWSER_PROFILES,
  isCorsSafelistedResponseHeaderName,
  isForbiddenMethod,
  isForbiddenRequestHeaderName,
  isForbiddenResponseHeaderName,
  isHeaderName,
  isMethod,
  normalizeMethod,
} from '../spec/index.js';
import type { ConfigProblem, ConfigWarning, CorsPolicyConfig, NormalizedCorsConfig } from './config.js';
import {
  formatOriginPattern,
  isLoopbackHost,
  isWildcardOverPublicSuffix,
  OriginMatcher,
  type OriginPattern,
  parseOriginPattern,
} from './origins.js';

const KNOWN_KEYS = [
  'origins',
  'credentials',
  'methods',
  'requestHeaders',
  'exposedHeaders',
  'maxAge',
  'preflightStatus',
  'privateNetworkAccess',
  'varyPreflight',
  'originLookup',
  'dangerouslyAllowInsecureOriginsWithCredentials',
  'dangerouslyAllowWildcardOverPublicSuffix',
  'requestHeadersLimit',
  'onDenied',
] as const;

/** Common misspellings and other libraries' names for our options. */
const ALIASES: Readonly<Record<string, string>> = {
  origin: 'origins',
  allowedOrigins: 'origins',
  allowOrigins: 'origins',
  allowedMethods: 'methods',
  allowMethods: 'methods',
  allowedHeaders: 'requestHeaders',
  allowHeaders: 'requestHeaders',
  headers: 'requestHeaders',
  exposeHeaders: 'exposedHeaders',
  exposedHeader: 'exposedHeaders',
  allowCredentials: 'credentials',
  optionsSuccessStatus: 'preflightStatus',
  preflightContinue: 'preflightStatus',
  maxage: 'maxAge',
  max_age: 'maxAge',
  allowPrivateNetwork: 'privateNetworkAccess',
};

/** Asking the spec with nothing exposed tells whether a name is always readable. */
const NOTHING_EXPOSED: ReadonlySet<string> = new Set();

export interface CompiledConfig {
  readonly normalized: NormalizedCorsConfig;
  readonly patterns: readonly OriginPattern[];
  readonly matcher: OriginMatcher | null;
}

const describeValue = (v: unknown): string => {
  if (typeof v === 'string') return `"${v}"`;
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'function') return 'a function';
  return String(v);
};

/** Validates a configuration. Returns the compiled form, or the list of problems. */
export function validateConfig(
  input: unknown,
): { ok: true; value: CompiledConfig } | { ok: false; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const warnings: ConfigWarning[] = [];
  const problem = (path: string, message: string, fix: string): void => {
    problems.push({ path, message, fix });
  };
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    problem(
      '(config)',
      'the configuration must be an object',
      "pass an object such as { origins: ['https://app.example.com'] }",
    );
    return { ok: false, problems };
  }
  const config = input as CorsPolicyConfig & Record<string, unknown>;
  for (const key of Object.keys(config)) {
    if ((KNOWN_KEYS as readonly string[]).includes(key)) continue;
    const alias = ALIASES[key];
    problem(
      key,
      `unknown option "${key}"`,
      alias !== undefined ? `rename it to "${alias}"` : `use one of: ${KNOWN_KEYS.join(', ')}`,
    );
  }

  const bool = (key: keyof CorsPolicyConfig): boolean => {
    const v = config[key];
    if (v === undefined) return false;
    if (typeof v !== 'boolean') {
      problem(key, `must be true or false, not ${describeValue(v)}`, `write ${key}: ${v ? 'true' : 'false'}`);
      return false;
    }
    return v;
  };
  const credentials = bool('credentials');
  const privateNetworkAccess = bool('privateNetworkAccess');
  const varyPreflight = bool('varyPreflight');
  const allowInsecure = bool('dangerouslyAllowInsecureOriginsWithCredentials');
  const allowPublicSuffix = bool('dangerouslyAllowWildcardOverPublicSuffix');

  // origins
  let origins: '*' | string[] = [];
  const patterns: OriginPattern[] = [];
  const rawOrigins = config.origins as unknown;
  const hasLookup = config.originLookup !== undefined;
  if (rawOrigins === '*') {
    origins = '*';
    if (credentials) {
      problem(
        'origins',
        '"*" cannot be combined with credentials: true; browsers refuse that answer, and echoing every origin instead would hand every site your users\' sessions',
        'list the origins that may send credentials, or set credentials: false for a public resource',
      );
    }
    if (hasLookup)
      problem(
        'originLookup',
        'an origin lookup is pointless with origins: "*"',
        'remove originLookup or list origins',
      );
  } else if (
    rawOrigins === undefined ||
    (Array.isArray(rawOrigins) && rawOrigins.length === 0 && !hasLookup)
  ) {
    problem(
      'origins',
      'no origins are allowed, so every cross-origin read would be blocked',
      "list the origins of your front ends, e.g. origins: ['https://app.example.com'], or '*' for a public API without credentials",
    );
  } else if (!Array.isArray(rawOrigins)) {
    problem(
      'origins',
      `must be an array of origins or "*", not ${describeValue(rawOrigins)}`,
      "write origins: ['https://app.example.com']",
    );
  } else {
    const seen = new Map<string, number>();
    const list: string[] = [];
    origins = list;
    rawOrigins.forEach((entry: unknown, i: number) => {
      const path = `origins[${i}]`;
      if (typeof entry !== 'string') {
        problem(
          path,
          `must be a string, not ${describeValue(entry)}`,
          'write the origin as a string such as "https://app.example.com"',
        );
        return;
      }
      if (entry === '*') {
        problem(
          path,
          '"*" must stand alone, not inside a list',
          'write origins: "*" (no credentials), or remove it from the list',
        );
        return;
      }
      const parsed = parseOriginPattern(entry);
      if ('message' in parsed) {
        problem(path, parsed.message, parsed.fix);
        return;
      }
      if (parsed.subdomains && isWildcardOverPublicSuffix(parsed) && !allowPublicSuffix) {
        problem(
          path,
          `"${entry}" covers every subdomain of the public suffix "${parsed.host}", where anyone can register one`,
          `list your own subdomains (e.g. "${parsed.scheme}://yourname.${parsed.host}"), or set dangerouslyAllowWildcardOverPublicSuffix: true if you accept that risk`,
        );
        return;
      }
      if (credentials && parsed.scheme === 'http' && !isLoopbackHost(parsed.host) && !allowInsecure) {
        problem(
          path,
          `"${entry}" is plain http with credentials: anyone on the network path can inject script into that origin and read your users' data through it`,
          `use "${formatOriginPattern({ ...parsed, scheme: 'https', port: parsed.port === 80 ? null : parsed.port })}", or set dangerouslyAllowInsecureOriginsWithCredentials: true if you accept that risk`,
        );
        return;
      }
      const key = formatOriginPattern(parsed);
      const first = seen.get(key);
      if (first !== undefined) {
        warnings.push({ path, message: `"${entry}" repeats origins[${first}]` });
        return;
      }
      seen.set(key, i);
      patterns.push(parsed);
      list.push(key);
    });
    // Entries that a pattern already covers.
    const matcher = new OriginMatcher(patterns.filter((p) => p.subdomains || p.port === '*'));
    patterns.forEach((p) => {
      if (matcher.coveredByPattern(p)) {
        warnings.push({
          path: `origins[${seen.get(formatOriginPattern(p))}]`,
          message: `"${p.source}" is already covered by a wildcard entry`,
        });
      }
    });
  }

  // methods
  let methods: '*' | string[] = [];
  const rawMethods = config.methods as unknown;
  if (rawMethods === '*') methods = '*';
  else if (rawMethods !== undefined && !Array.isArray(rawMethods)) {
    problem(
      'methods',
      `must be an array of method names or "*", not ${describeValue(rawMethods)}`,
      "write methods: ['PUT', 'DELETE']",
    );
  } else if (Array.isArray(rawMethods)) {
    const list: string[] = [];
    rawMethods.forEach((m: unknown, i: number) => {
      const path = `methods[${i}]`;
      if (typeof m !== 'string' || !isMethod(m)) {
        problem(
          path,
          `${describeValue(m)} is not a method name (an HTTP token)`,
          'write a method such as "PUT" or "PATCH"',
        );
        return;
      }
      if (m === '*') {
        problem(path, '"*" must stand alone', 'write methods: "*" to allow any method');
        return;
      }
      if (isForbiddenMethod(m)) {
        problem(path, `${m} is a forbidden method: browsers never let a page send it`, `remove "${m}"`);
        return;
      }
      const normalized = normalizeMethod(m);
      if (normalized !== m) {
        warnings.push({ path, message: `"${m}" is normalized to "${normalized}" (browsers uppercase it)` });
      } else if (m !== m.toUpperCase()) {
        warnings.push({
          path,
          message: `"${m}" is case-sensitive: browsers send it exactly as the page wrote it, and fetch() only uppercases DELETE, GET, HEAD, OPTIONS, POST and PUT; pages that write "${m.toUpperCase()}" will be refused`,
        });
      }
      if (list.includes(normalized)) warnings.push({ path, message: `"${m}" is listed twice` });
      else list.push(normalized);
    });
    methods = list;
  }

  // request headers
  const headerList = (key: 'requestHeaders' | 'exposedHeaders'): '*' | string[] => {
    const raw = config[key] as unknown;
    if (raw === undefined) return [];
    if (raw === '*') return '*';
    if (!Array.isArray(raw)) {
      problem(
        key,
        `must be an array of header names or "*", not ${describeValue(raw)}`,
        `write ${key}: ['X-Request-Id']`,
      );
      return [];
    }
    const out: string[] = [];
    raw.forEach((h: unknown, i: number) => {
      const path = `${key}[${i}]`;
      if (typeof h !== 'string' || !isHeaderName(h)) {
        problem(
          path,
          `${describeValue(h)} is not a header name (an HTTP token)`,
          'write a header name such as "X-Request-Id"',
        );
        return;
      }
      if (h === '*') {
        problem(path, '"*" must stand alone', `write ${key}: "*"`);
        return;
      }
      const lower = asciiLowerCase(h);
      if (lower.startsWith('access-control-')) {
        problem(
          path,
          key === 'requestHeaders'
            ? `"${h}" is a CORS header the browser manages; pages cannot send it`
            : `"${h}" is a CORS header that corskit writes; exposing it to the page is not what it is for`,
          `remove "${h}" from ${key}`,
        );
        return;
      }
      if (key === 'requestHeaders' && isForbiddenRequestHeaderName(lower)) {
        problem(
          path,
          `"${h}" is a forbidden request header: browsers never let a page set it`,
          `remove "${h}"`,
        );
        return;
      }
      if (key === 'exposedHeaders' && isForbiddenResponseHeaderName(lower)) {
        problem(path, `"${h}" is never readable by script, whatever the server says`, `remove "${h}"`);
        return;
      }
      if (key === 'exposedHeaders' && isCorsSafelistedResponseHeaderName(lower, NOTHING_EXPOSED)) {
        warnings.push({ path, message: `"${h}" is always readable; listing it changes nothing` });
      }
      if (out.includes(lower)) warnings.push({ path, message: `"${h}" is listed twice` });
      else out.push(lower);
    });
    return out;
  };
  const requestHeaders = headerList('requestHeaders');
  const exposedHeaders = headerList('exposedHeaders');
  if (exposedHeaders === '*' && credentials) {
    problem(
      'exposedHeaders',
      '"*" does not expose anything when credentials are included: browsers then read it as a header literally named "*"',
      'list the response headers pages may read',
    );
  }

  // max-age
  let maxAge: number | null = null;
  if (config.maxAge !== undefined) {
    const v = config.maxAge as unknown;
    const caps = `Chrome caps it at ${BROWSER_PROFILES.chrome.maxAgeCap}, Firefox at ${BROWSER_PROFILES.firefox.maxAgeCap}, Safari at ${BROWSER_PROFILES.safari.maxAgeCap}`;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 86_400) {
      problem(
        'maxAge',
        `must be a whole number of seconds from 0 to 86400, not ${describeValue(v)} (${caps})`,
        "write maxAge: 7200 (two hours, Chrome's cap)",
      );
    } else {
      maxAge = v;
    }
  }

  // preflight status
  let preflightStatus: 200 | 204 = 204;
  if (config.preflightStatus !== undefined) {
    if (config.preflightStatus !== 200 && config.preflightStatus !== 204) {
      problem(
        'preflightStatus',
        `must be 204 or 200, not ${describeValue(config.preflightStatus)}`,
        'write preflightStatus: 204, or 200 for old clients that mishandle 204',
      );
    } else preflightStatus = config.preflightStatus;
  }

  // origin lookup
  let originLookup: { dependsOn: string[] } | null = null;
  if (hasLookup) {
    const l = config.originLookup as unknown as Record<string, unknown>;
    if (l === null || typeof l !== 'object' || typeof l.lookup !== 'function') {
      problem(
        'originLookup',
        'must be an object with a lookup(origin, request) function',
        'write originLookup: { lookup: async (origin) => tenants.has(origin), dependsOn: [] }',
      );
    } else if (
      !Array.isArray(l.dependsOn) ||
      !l.dependsOn.every((h) => typeof h === 'string' && isHeaderName(h))
    ) {
      problem(
        'originLookup.dependsOn',
        'must list the request headers the lookup reads besides Origin, so caches keep answers apart (Vary)',
        "write dependsOn: [] when it reads only the origin, or e.g. dependsOn: ['Host']",
      );
    } else {
      originLookup = { dependsOn: (l.dependsOn as string[]).map(asciiLowerCase) };
    }
  }

  // limits
  const rawLimit = (config.requestHeadersLimit ?? {}) as Record<string, unknown>;
  const limitNumber = (key: 'maxNames' | 'maxBytes', dflt: number, max: number): number => {
    const v = rawLimit[key];
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
      problem(
        `requestHeadersLimit.${key}`,
        `must be a whole number from 1 to ${max}`,
        `remove it to use ${dflt}`,
      );
      return dflt;
    }
    return v;
  };
  const requestHeadersLimit = {
    maxNames: limitNumber('maxNames', 64, 1024),
    maxBytes: limitNumber('maxBytes', 4096, 65_536),
  };

  if (config.onDenied !== undefined && typeof config.onDenied !== 'function') {
    problem(
      'onDenied',
      'must be a function',
      'write onDenied: (explanation) => console.warn(explanation.message)',
    );
  }

  if (problems.length > 0) return { ok: false, problems };
  const normalized: NormalizedCorsConfig = deepFreeze({
    origins,
    credentials,
    methods,
    requestHeaders,
    exposedHeaders,
    maxAge,
    preflightStatus,
    privateNetworkAccess,
    varyPreflight,
    originLookup,
    dangerouslyAllowInsecureOriginsWithCredentials: allowInsecure,
    dangerouslyAllowWildcardOverPublicSuffix: allowPublicSuffix,
    requestHeadersLimit,
    warnings,
  });
  return {
    ok: true,
    value: { normalized, patterns, matcher: origins === '*' ? null : new OriginMatcher(patterns) },
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
