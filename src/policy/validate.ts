// Validation of a policy configuration: every problem at once, each with the field and the fix.
import {
  isCorsSafelistedResponseHeaderName,
  isForbiddenRequestHeaderName,
  isForbiddenResponseHeaderName,
  isHeaderName,
} from '../spec/headers.js';
import { MAX_AGE_CAPS } from '../spec/max-age-caps.js';
import { isForbiddenMethod, isMethod, normalizeMethod } from '../spec/methods.js';
import { asciiLowerCase } from '../spec/tokens.js';
import type { ConfigProblem, ConfigWarning, CorsPolicyConfig, NormalizedCorsConfig } from './config.js';
import {
  formatOriginPattern,
  isLoopbackHost,
  isWildcardOverPublicSuffix,
  MAX_ORIGIN_LENGTH,
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

/** Collects every problem and warning of one validation, so that the user sees them all at once. */
class Findings {
  readonly problems: ConfigProblem[] = [];
  readonly warnings: ConfigWarning[] = [];
  problem(path: string, message: string, fix: string): void {
    this.problems.push({ path, message, fix });
  }
  warn(path: string, message: string): void {
    this.warnings.push({ path, message });
  }
}

type Config = CorsPolicyConfig & Record<string, unknown>;

/** The boolean options, read once: later steps depend on some of them. */
interface Flags {
  readonly credentials: boolean;
  readonly privateNetworkAccess: boolean;
  readonly varyPreflight: boolean;
  readonly allowInsecure: boolean;
  readonly allowPublicSuffix: boolean;
}

/** Validates a configuration. Returns the compiled form, or the list of problems. */
export function validateConfig(
  input: unknown,
): { ok: true; value: CompiledConfig } | { ok: false; problems: ConfigProblem[] } {
  const found = new Findings();
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    found.problem(
      '(config)',
      'the configuration must be an object',
      "pass an object such as { origins: ['https://app.example.com'] }",
    );
    return { ok: false, problems: found.problems };
  }
  const config = input as Config;
  checkKnownKeys(config, found);
  const flags = readFlags(config, found);
  const { origins, patterns } = readOrigins(config, flags, found);
  const methods = readMethods(config, found);
  const requestHeaders = readHeaderList(config, 'requestHeaders', found);
  const exposedHeaders = readHeaderList(config, 'exposedHeaders', found);
  if (exposedHeaders === '*' && flags.credentials) {
    found.problem(
      'exposedHeaders',
      '"*" does not expose anything when credentials are included: browsers then read it as a header literally named "*"',
      'list the response headers pages may read',
    );
  }
  const maxAge = readMaxAge(config, found);
  const preflightStatus = readPreflightStatus(config, found);
  const originLookup = readOriginLookup(config, found);
  const requestHeadersLimit = readRequestHeadersLimit(config, found);
  if (config.onDenied !== undefined && typeof config.onDenied !== 'function') {
    found.problem(
      'onDenied',
      'must be a function',
      'write onDenied: (explanation) => console.warn(explanation.message)',
    );
  }

  if (found.problems.length > 0) return { ok: false, problems: found.problems };
  const normalized: NormalizedCorsConfig = deepFreeze({
    origins,
    credentials: flags.credentials,
    methods,
    requestHeaders,
    exposedHeaders,
    maxAge,
    preflightStatus,
    privateNetworkAccess: flags.privateNetworkAccess,
    varyPreflight: flags.varyPreflight,
    originLookup,
    dangerouslyAllowInsecureOriginsWithCredentials: flags.allowInsecure,
    dangerouslyAllowWildcardOverPublicSuffix: flags.allowPublicSuffix,
    requestHeadersLimit,
    warnings: found.warnings,
  });
  return {
    ok: true,
    value: { normalized, patterns, matcher: origins === '*' ? null : new OriginMatcher(patterns, origins) },
  };
}

/** Unknown options, with the name we use when it is a known misspelling or another library's name. */
function checkKnownKeys(config: Config, found: Findings): void {
  for (const key of Object.keys(config)) {
    if ((KNOWN_KEYS as readonly string[]).includes(key)) continue;
    const alias = ALIASES[key];
    found.problem(
      key,
      `unknown option "${key}"`,
      alias !== undefined ? `rename it to "${alias}"` : `use one of: ${KNOWN_KEYS.join(', ')}`,
    );
  }
}

function readFlags(config: Config, found: Findings): Flags {
  const bool = (key: keyof CorsPolicyConfig): boolean => {
    const v = config[key];
    if (v === undefined) return false;
    if (typeof v !== 'boolean') {
      found.problem(
        key,
        `must be true or false, not ${describeValue(v)}`,
        `write ${key}: ${v ? 'true' : 'false'}`,
      );
      return false;
    }
    return v;
  };
  return {
    credentials: bool('credentials'),
    privateNetworkAccess: bool('privateNetworkAccess'),
    varyPreflight: bool('varyPreflight'),
    allowInsecure: bool('dangerouslyAllowInsecureOriginsWithCredentials'),
    allowPublicSuffix: bool('dangerouslyAllowWildcardOverPublicSuffix'),
  };
}

/** `origins`: '*', or each entry parsed, checked against the risky cases, and de-duplicated. */
function readOrigins(
  config: Config,
  flags: Flags,
  found: Findings,
): { origins: '*' | string[]; patterns: OriginPattern[] } {
  const rawOrigins = config.origins as unknown;
  const hasLookup = config.originLookup !== undefined;
  if (rawOrigins === '*') {
    if (flags.credentials) {
      found.problem(
        'origins',
        '"*" cannot be combined with credentials: true; browsers refuse that answer, and echoing every origin instead would hand every site your users\' sessions',
        'list the origins that may send credentials, or set credentials: false for a public resource',
      );
    }
    if (hasLookup)
      found.problem(
        'originLookup',
        'an origin lookup is pointless with origins: "*"',
        'remove originLookup or list origins',
      );
    return { origins: '*', patterns: [] };
  }
  if (rawOrigins === undefined || (Array.isArray(rawOrigins) && rawOrigins.length === 0 && !hasLookup)) {
    found.problem(
      'origins',
      'no origins are allowed, so every cross-origin read would be blocked',
      "list the origins of your front ends, e.g. origins: ['https://app.example.com'], or '*' for a public API without credentials",
    );
    return { origins: [], patterns: [] };
  }
  if (!Array.isArray(rawOrigins)) {
    found.problem(
      'origins',
      `must be an array of origins or "*", not ${describeValue(rawOrigins)}`,
      "write origins: ['https://app.example.com']",
    );
    return { origins: [], patterns: [] };
  }
  const seen = new Map<string, number>();
  const list: string[] = [];
  const patterns: OriginPattern[] = [];
  rawOrigins.forEach((entry: unknown, i: number) => {
    const path = `origins[${i}]`;
    const parsed = readOriginEntry(entry, path, flags, found);
    if (parsed === null) return;
    const key = formatOriginPattern(parsed);
    const first = seen.get(key);
    if (first !== undefined) {
      found.warn(path, `"${entry}" repeats origins[${first}]`);
      return;
    }
    seen.set(key, i);
    patterns.push(parsed);
    // The entry itself rather than an equal copy (an exact origin is accepted only in canonical form):
    // the matcher keeps the same string (see OriginMatcher), so a policy adds no string per origin.
    list.push(key === entry ? (entry as string) : key);
  });
  warnCoveredByPattern(patterns, seen, found);
  return { origins: list, patterns };
}

/** One entry of `origins`, or null after reporting why it cannot be allowed. */
function readOriginEntry(entry: unknown, path: string, flags: Flags, found: Findings): OriginPattern | null {
  if (typeof entry !== 'string') {
    found.problem(
      path,
      `must be a string, not ${describeValue(entry)}`,
      'write the origin as a string such as "https://app.example.com"',
    );
    return null;
  }
  if (entry === '*') {
    found.problem(
      path,
      '"*" must stand alone, not inside a list',
      'write origins: "*" (no credentials), or remove it from the list',
    );
    return null;
  }
  const parsed = parseOriginPattern(entry);
  if ('message' in parsed) {
    found.problem(path, parsed.message, parsed.fix);
    return null;
  }
  if (!parsed.subdomains && formatOriginPattern(parsed).length > MAX_ORIGIN_LENGTH) {
    found.problem(
      path,
      `"${entry}" is longer than any origin a browser sends (${MAX_ORIGIN_LENGTH} characters; a host has at most 255)`,
      'check the host name',
    );
    return null;
  }
  if (parsed.subdomains && !flags.allowPublicSuffix) {
    const overPublicSuffix = isWildcardOverPublicSuffix(parsed);
    if (overPublicSuffix === null) {
      found.problem(
        path,
        `"${entry}" cannot be checked against the Public Suffix List: this runtime cannot load it synchronously`,
        `pass tldts's getDomain to usePublicSuffixList() once before createCorsPolicy (import { getDomain } from 'tldts'), or list the subdomains one by one`,
      );
      return null;
    }
    if (overPublicSuffix) {
      found.problem(
        path,
        `"${entry}" covers every subdomain of the public suffix "${parsed.host}", where anyone can register one`,
        `list your own subdomains (e.g. "${parsed.scheme}://yourname.${parsed.host}"), or set dangerouslyAllowWildcardOverPublicSuffix: true if you accept that risk`,
      );
      return null;
    }
  }
  if (flags.credentials && parsed.scheme === 'http' && !isLoopbackHost(parsed.host) && !flags.allowInsecure) {
    found.problem(
      path,
      `"${entry}" is plain http with credentials: anyone on the network path can inject script into that origin and read your users' data through it`,
      `use "${formatOriginPattern({ ...parsed, scheme: 'https', port: parsed.port === 80 ? null : parsed.port })}", or set dangerouslyAllowInsecureOriginsWithCredentials: true if you accept that risk`,
    );
    return null;
  }
  return parsed;
}

/** Exact entries that a wildcard entry already covers. */
function warnCoveredByPattern(
  patterns: readonly OriginPattern[],
  seen: ReadonlyMap<string, number>,
  found: Findings,
): void {
  const matcher = new OriginMatcher(patterns.filter((p) => p.subdomains || p.port === '*'));
  for (const p of patterns) {
    if (matcher.coveredByPattern(p)) {
      found.warn(
        `origins[${seen.get(formatOriginPattern(p))}]`,
        `"${p.source}" is already covered by a wildcard entry`,
      );
    }
  }
}

/** `methods`: '*', or method names beyond the safelisted ones, normalized as browsers do. */
function readMethods(config: Config, found: Findings): '*' | string[] {
  const rawMethods = config.methods as unknown;
  if (rawMethods === '*') return '*';
  if (rawMethods === undefined) return [];
  if (!Array.isArray(rawMethods)) {
    found.problem(
      'methods',
      `must be an array of method names or "*", not ${describeValue(rawMethods)}`,
      "write methods: ['PUT', 'DELETE']",
    );
    return [];
  }
  const list: string[] = [];
  rawMethods.forEach((m: unknown, i: number) => {
    const path = `methods[${i}]`;
    if (typeof m !== 'string' || !isMethod(m)) {
      found.problem(
        path,
        `${describeValue(m)} is not a method name (an HTTP token)`,
        'write a method such as "PUT" or "PATCH"',
      );
      return;
    }
    if (m === '*') {
      found.problem(path, '"*" must stand alone', 'write methods: "*" to allow any method');
      return;
    }
    if (isForbiddenMethod(m)) {
      found.problem(path, `${m} is a forbidden method: browsers never let a page send it`, `remove "${m}"`);
      return;
    }
    const normalized = normalizeMethod(m);
    if (normalized !== m) {
      found.warn(path, `"${m}" is normalized to "${normalized}" (browsers uppercase it)`);
    } else if (m !== m.toUpperCase()) {
      found.warn(
        path,
        `"${m}" is case-sensitive: browsers send it exactly as the page wrote it, and fetch() only uppercases DELETE, GET, HEAD, OPTIONS, POST and PUT; pages that write "${m.toUpperCase()}" will be refused`,
      );
    }
    if (list.includes(normalized)) found.warn(path, `"${m}" is listed twice`);
    else list.push(normalized);
  });
  return list;
}

/** `requestHeaders` or `exposedHeaders`: '*', or lowercase header names a page may send or read. */
function readHeaderList(
  config: Config,
  key: 'requestHeaders' | 'exposedHeaders',
  found: Findings,
): '*' | string[] {
  const raw = config[key] as unknown;
  if (raw === undefined) return [];
  if (raw === '*') return '*';
  if (!Array.isArray(raw)) {
    found.problem(
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
      found.problem(
        path,
        `${describeValue(h)} is not a header name (an HTTP token)`,
        'write a header name such as "X-Request-Id"',
      );
      return;
    }
    if (h === '*') {
      found.problem(path, '"*" must stand alone', `write ${key}: "*"`);
      return;
    }
    const lower = asciiLowerCase(h);
    if (lower.startsWith('access-control-')) {
      found.problem(
        path,
        key === 'requestHeaders'
          ? `"${h}" is a CORS header the browser manages; pages cannot send it`
          : `"${h}" is a CORS header that corskit writes; exposing it to the page is not what it is for`,
        `remove "${h}" from ${key}`,
      );
      return;
    }
    if (key === 'requestHeaders' && isForbiddenRequestHeaderName(lower)) {
      found.problem(
        path,
        `"${h}" is a forbidden request header: browsers never let a page set it`,
        `remove "${h}"`,
      );
      return;
    }
    if (key === 'exposedHeaders' && isForbiddenResponseHeaderName(lower)) {
      found.problem(path, `"${h}" is never readable by script, whatever the server says`, `remove "${h}"`);
      return;
    }
    if (key === 'exposedHeaders' && isCorsSafelistedResponseHeaderName(lower, NOTHING_EXPOSED)) {
      found.warn(path, `"${h}" is always readable; listing it changes nothing`);
    }
    if (out.includes(lower)) found.warn(path, `"${h}" is listed twice`);
    else out.push(lower);
  });
  return out;
}

function readMaxAge(config: Config, found: Findings): number | null {
  if (config.maxAge === undefined) return null;
  const v = config.maxAge as unknown;
  const caps = `Chrome caps it at ${MAX_AGE_CAPS.chrome}, Firefox at ${MAX_AGE_CAPS.firefox}, Safari at ${MAX_AGE_CAPS.safari}`;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 86_400) {
    found.problem(
      'maxAge',
      `must be a whole number of seconds from 0 to 86400, not ${describeValue(v)} (${caps})`,
      "write maxAge: 7200 (two hours, Chrome's cap)",
    );
    return null;
  }
  return v;
}

function readPreflightStatus(config: Config, found: Findings): 200 | 204 {
  if (config.preflightStatus === undefined) return 204;
  if (config.preflightStatus !== 200 && config.preflightStatus !== 204) {
    found.problem(
      'preflightStatus',
      `must be 204 or 200, not ${describeValue(config.preflightStatus)}`,
      'write preflightStatus: 204, or 200 for old clients that mishandle 204',
    );
    return 204;
  }
  return config.preflightStatus;
}

function readOriginLookup(config: Config, found: Findings): { dependsOn: string[] } | null {
  if (config.originLookup === undefined) return null;
  const l = config.originLookup as unknown as Record<string, unknown>;
  if (l === null || typeof l !== 'object' || typeof l.lookup !== 'function') {
    found.problem(
      'originLookup',
      'must be an object with a lookup(origin, request) function',
      'write originLookup: { lookup: async (origin) => tenants.has(origin), dependsOn: [] }',
    );
    return null;
  }
  if (!Array.isArray(l.dependsOn) || !l.dependsOn.every((h) => typeof h === 'string' && isHeaderName(h))) {
    found.problem(
      'originLookup.dependsOn',
      'must list the request headers the lookup reads besides Origin, so caches keep answers apart (Vary)',
      "write dependsOn: [] when it reads only the origin, or e.g. dependsOn: ['Host']",
    );
    return null;
  }
  return { dependsOn: (l.dependsOn as string[]).map(asciiLowerCase) };
}

function readRequestHeadersLimit(config: Config, found: Findings): { maxNames: number; maxBytes: number } {
  const rawLimit = (config.requestHeadersLimit ?? {}) as Record<string, unknown>;
  const limitNumber = (key: 'maxNames' | 'maxBytes', dflt: number, max: number): number => {
    const v = rawLimit[key];
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
      found.problem(
        `requestHeadersLimit.${key}`,
        `must be a whole number from 1 to ${max}`,
        `remove it to use ${dflt}`,
      );
      return dflt;
    }
    return v;
  };
  return {
    maxNames: limitNumber('maxNames', 64, 1024),
    maxBytes: limitNumber('maxBytes', 4096, 65_536),
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
