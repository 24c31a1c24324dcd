// The origins `corskit audit` sends: the trusted ones (given, or derived from the target), and attacker
// origins built from the target and the trusted hosts with the Public Suffix List, so that each attacker
// domain is one an attacker could register. Random labels are fresh on every run.

import { UsageError } from '../doctor/usage.js';
import { isLoopbackHost, OriginMatcher, type OriginPattern, parseOriginPattern } from '../policy/origins.js';
import { isIpAddress, parseOriginHeader, registrableDomain } from '../spec/index.js';
import type { AuditFindingId } from './classes.js';

/** The classes proven by sending a crafted Origin (the others are about the answer's shape). */
export type OriginClassId = Exclude<
  AuditFindingId,
  | 'wildcard-origin'
  | 'wildcard-with-credentials'
  | 'invalid-allow-origin'
  | 'missing-vary-origin'
  | 'preflight-reflects-method'
  | 'preflight-reflects-headers'
>;

/** What a server that accepts a probe accepts in general: lets a broad flaw hide its mere consequences. */
export type Acceptance =
  | { readonly kind: 'any' }
  | { readonly kind: 'contains' | 'prefix' | 'host-suffix'; readonly text: string };

export interface OriginProbe {
  readonly id: OriginClassId;
  /** The Origin header value, exactly as sent. */
  readonly origin: string;
  readonly accepts?: Acceptance;
  /** special-chars: the character after the trusted host, and the browsers that keep it in a host. */
  readonly char?: string;
  readonly browsers?: readonly string[];
}

/** The origins the site legitimately allows. */
export interface TrustedOrigins {
  readonly patterns: readonly OriginPattern[];
  /** Concrete origins to send: each exact entry, and one example for each pattern. */
  readonly examples: readonly string[];
  /** True when none were given and one was derived from the target. */
  readonly derived: boolean;
  readonly matcher: OriginMatcher;
}

interface Base {
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly port: number | null;
  readonly registrable: string | null;
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = `${LOWER}0123456789`;

/** An 8-character DNS label, starting with a letter, from the platform's CSPRNG. */
export function randomLabel(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(8));
  let s = LOWER[(bytes[0] as number) % 26] as string;
  for (let i = 1; i < bytes.length; i++) s += ALNUM[(bytes[i] as number) % 36];
  return s;
}

/**
 * Characters put right after a trusted host (`https://app.example.com_.attacker.com`) and the browsers
 * whose URL parsers keep them in a host, so that a page there sends them in its Origin. From published
 * measurements (Corben Leo, "Advanced CORS exploitation", 2018; PortSwigger's URL validation bypass
 * cheat sheet): `_` and `-` everywhere, the rest only in Safari. `%60` is sent both raw and encoded.
 */
export const SPECIAL_HOST_CHARS: ReadonlyArray<{ readonly char: string; readonly browsers: string[] }> = [
  { char: '_', browsers: ['Chrome', 'Firefox', 'Safari'] },
  { char: '-', browsers: ['Chrome', 'Firefox', 'Safari'] },
  ...['`', '%60', '"', '{', '}', '+', '^', '!', '~', ';', '|', '&', "'", '(', ')', '*', ',', '$', '='].map(
    (char) => ({ char, browsers: ['Safari'] }),
  ),
];

/** Hosts where anyone can publish a page: exact origins, and public suffixes of hosting services. */
export const THIRD_PARTY_ORIGINS: readonly string[] = [
  'https://codepen.io',
  'https://cdpn.io',
  'https://jsfiddle.net',
  'https://fiddle.jshell.net',
  'http://jsbin.com',
  'https://output.jsbin.com',
];
export const THIRD_PARTY_SUFFIXES: readonly string[] = [
  'github.io',
  'gitlab.io',
  'netlify.app',
  'vercel.app',
  'pages.dev',
  'herokuapp.com',
  'web.app',
  'csb.app',
];

const LOCAL_ORIGINS: readonly string[] = [
  'http://localhost',
  'http://localhost:3000',
  'http://localhost:5173',
  'http://localhost:8080',
  'http://127.0.0.1',
  'http://127.0.0.1:3000',
  'http://[::1]:3000',
];

const MAX_BASES = 6;

/** A plausible front end of the target: www on the same registrable domain, or the target itself. */
export function deriveTrustedOrigin(target: URL): string {
  const host = target.hostname;
  const registrable = isLoopbackHost(host) ? null : registrableDomain(host);
  if (registrable === null) return target.origin;
  return host === `www.${registrable}` ? `https://${registrable}` : `https://www.${registrable}`;
}

/** Parses the trusted origins (exact or `https://*.example.com`, `http://localhost:*`); derives one if none. */
export function trustedOrigins(target: URL, given: readonly string[]): TrustedOrigins {
  const derived = given.length === 0;
  const sources = derived ? [deriveTrustedOrigin(target)] : given;
  const patterns = sources.map((source) => {
    const p = parseOriginPattern(source);
    if ('message' in p) throw new UsageError(`--origin ${source}: ${p.message}; ${p.fix}`);
    return p;
  });
  const examples = [...new Set(patterns.map(exampleOf))];
  return { patterns, examples, derived, matcher: new OriginMatcher(patterns) };
}

function exampleOf(p: OriginPattern): string {
  const host = p.subdomains ? `www.${p.host}` : p.host;
  const port = typeof p.port === 'number' ? `:${p.port}` : '';
  return `${p.scheme}://${host}${port}`;
}

/** The public suffix an attacker registers under: the target's, or `com` for IPs and local names. */
export function attackerSuffix(host: string): string {
  const registrable = isLoopbackHost(host) ? null : registrableDomain(host);
  if (registrable === null) return 'com';
  const dot = registrable.indexOf('.');
  return dot === -1 ? 'com' : registrable.slice(dot + 1);
}

function bases(target: URL, trusted: TrustedOrigins): Base[] {
  const out = new Map<string, Base>();
  const add = (scheme: string, host: string, port: number | null) => {
    if (scheme !== 'http' && scheme !== 'https') return;
    const key = `${scheme}://${host}:${port}`;
    if (out.has(key) || out.size >= MAX_BASES) return;
    const registrable = isLoopbackHost(host) ? null : registrableDomain(host);
    out.set(key, { scheme, host, port, registrable });
  };
  add(target.protocol.slice(0, -1), target.hostname, target.port === '' ? null : Number(target.port));
  for (const p of trusted.patterns) add(p.scheme, p.host, typeof p.port === 'number' ? p.port : null);
  return [...out.values()];
}

const portSuffix = (port: number | null): string => (port === null ? '' : `:${port}`);
const isNamed = (host: string): boolean => !isIpAddress(host) && !host.startsWith('[');

function prefixProbes(b: Base, label: () => string, suffix: string): OriginProbe[] {
  const accepts: Acceptance = { kind: 'prefix', text: `${b.scheme}://${b.host}` };
  return [
    { id: 'prefix-match', origin: `${b.scheme}://${b.host}.${label()}.${suffix}`, accepts },
    { id: 'prefix-match', origin: `${b.scheme}://${b.host}${label()}.${suffix}`, accepts },
  ];
}

function suffixProbes(b: Base, label: () => string): OriginProbe[] {
  if (!isNamed(b.host)) return [];
  const names = [...new Set([b.registrable, b.host].filter((n): n is string => n !== null))];
  return names.map((name) => ({
    id: 'suffix-match',
    origin: `${b.scheme}://${label()}${name}${portSuffix(b.port)}`,
    accepts: { kind: 'host-suffix', text: name },
  }));
}

function substringProbes(b: Base, label: () => string, suffix: string): OriginProbe[] {
  const out: OriginProbe[] = [
    {
      id: 'substring-match',
      origin: `${b.scheme}://${label()}${b.host}.${label()}.${suffix}`,
      accepts: { kind: 'contains', text: b.host },
    },
  ];
  if (!isNamed(b.host) || b.registrable === null) return out;
  // Truncations an attacker can register: a check like `allowed.includes(origin)` admits them.
  for (const host of [b.host.slice(0, -1), b.registrable.slice(1)]) {
    const domain = registrableDomain(host);
    if (domain !== null && domain !== b.registrable && !host.startsWith('.')) {
      out.push({ id: 'substring-match', origin: `${b.scheme}://${host}` });
    }
  }
  return out;
}

function unescapedDotProbes(b: Base, label: () => string): OriginProbe[] {
  if (!isNamed(b.host)) return [];
  const out: OriginProbe[] = [];
  for (let i = 0; i < b.host.length; i++) {
    if (b.host[i] !== '.') continue;
    const host = `${b.host.slice(0, i)}${label()[0]}${b.host.slice(i + 1)}`;
    out.push({ id: 'unescaped-dot', origin: `${b.scheme}://${host}${portSuffix(b.port)}` });
  }
  return out;
}

function specialCharProbes(b: Base, label: () => string, suffix: string): OriginProbe[] {
  return SPECIAL_HOST_CHARS.map(({ char, browsers }) => ({
    id: 'special-chars',
    origin: `${b.scheme}://${b.host}${char}.${label()}.${suffix}`,
    char,
    browsers,
  }));
}

function subdomainProbes(b: Base, label: () => string): OriginProbe[] {
  if (!isNamed(b.host) || isLoopbackHost(b.host)) return [];
  const names = [...new Set([b.host, b.registrable].filter((n): n is string => n !== null))];
  return names.map((name) => ({
    id: 'any-subdomain',
    origin: `${b.scheme}://${label()}.${name}${portSuffix(b.port)}`,
    accepts: { kind: 'host-suffix', text: `.${name}` },
  }));
}

function schemeAndPortProbes(b: Base): OriginProbe[] {
  const out: OriginProbe[] = [];
  if (b.scheme === 'https' && !isLoopbackHost(b.host)) {
    out.push({ id: 'http-origin-trusted', origin: `http://${b.host}${portSuffix(b.port)}` });
  }
  out.push({ id: 'other-port-trusted', origin: `${b.scheme}://${b.host}:${otherPort(b)}` });
  return out;
}

function otherPort(b: Base): number {
  if (b.port === null) return b.scheme === 'https' ? 8443 : 8080;
  return b.port < 65535 ? b.port + 1 : b.port - 1;
}

function thirdPartyProbes(label: () => string): OriginProbe[] {
  return [...THIRD_PARTY_SUFFIXES.map((s) => `https://${label()}.${s}`), ...THIRD_PARTY_ORIGINS].map(
    (origin) => ({ id: 'third-party-origin', origin }),
  );
}

/**
 * Every attacker origin for one target, in class order, without duplicates, without the target's own
 * origin and without anything the trusted origins legitimately allow. Options for tests: `label`.
 */
export function originProbes(
  target: URL,
  trusted: TrustedOrigins,
  label: () => string = randomLabel,
): OriginProbe[] {
  const suffix = attackerSuffix(target.hostname);
  const all: OriginProbe[] = [
    { id: 'reflect-any-origin', origin: `https://${label()}.${suffix}`, accepts: { kind: 'any' } },
    { id: 'null-origin', origin: 'null' },
  ];
  for (const b of bases(target, trusted)) {
    all.push(
      ...prefixProbes(b, label, suffix),
      ...suffixProbes(b, label),
      ...substringProbes(b, label, suffix),
      ...unescapedDotProbes(b, label),
      ...specialCharProbes(b, label, suffix),
      ...subdomainProbes(b, label),
      ...schemeAndPortProbes(b),
    );
  }
  all.push(
    ...thirdPartyProbes(label),
    ...LOCAL_ORIGINS.map((origin) => ({ id: 'localhost-trusted' as const, origin })),
  );
  return keepSendable(all, target.origin, trusted.matcher);
}

function keepSendable(all: OriginProbe[], targetOrigin: string, matcher: OriginMatcher): OriginProbe[] {
  const seen = new Set<string>([targetOrigin]);
  return all.filter((p) => {
    if (seen.has(p.origin) || matcher.matches(p.origin)) return false;
    // Every probe but special-chars must be an origin some browser sends exactly so.
    if (p.id !== 'special-chars' && p.origin !== 'null' && !parseOriginHeader(p.origin).ok) return false;
    seen.add(p.origin);
    return true;
  });
}

/** The host of a serialized origin, without a URL parse (special-chars probes do not parse). */
export function hostOfOrigin(origin: string): string {
  const start = origin.indexOf('://');
  if (start === -1) return origin;
  const rest = origin.slice(start + 3);
  if (rest.startsWith('[')) return rest.slice(0, rest.indexOf(']') + 1);
  const colon = rest.lastIndexOf(':');
  return colon === -1 ? rest : rest.slice(0, colon);
}

/** Whether a server that showed `a` would also accept `origin`. */
export function acceptanceCovers(a: Acceptance, origin: string): boolean {
  if (origin === 'null') return false;
  switch (a.kind) {
    case 'any':
      return true;
    case 'contains':
      return origin.includes(a.text);
    case 'prefix':
      return origin.startsWith(a.text);
    case 'host-suffix':
      return hostOfOrigin(origin).endsWith(a.text);
  }
}
