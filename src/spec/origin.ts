// Origins and sites: HTML Standard §7.1 "Origins" and §7.1.1 "Sites", URL Standard §4 "origin".
// Host parsing (IDNA, IPv4 number forms, IPv6 compression) is left to WHATWG `URL`; registrable
// domains (the Public Suffix List, a large table) are in site.ts so that importing origins stays cheap.
// Nothing here touches the network or Node.

/** A tuple origin: (scheme, host, port). `port` is null when it is the scheme's default. */
export interface TupleOrigin {
  readonly type: 'tuple';
  readonly scheme: string;
  readonly host: string;
  readonly port: number | null;
}

/** An opaque origin: serializes to `null` and is same origin only with itself (object identity). */
export interface OpaqueOrigin {
  readonly type: 'opaque';
}

/** HTML §7.1.1 origin: a tuple (scheme, host, port) or an opaque origin. */
export type Origin = TupleOrigin | OpaqueOrigin;

/** URL Standard "special scheme" default ports. */
const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, ws: 80, wss: 443, ftp: 21 };

/** Schemes whose URLs have a tuple origin (URL Standard §4.2 "origin"). */
const TUPLE_ORIGIN_SCHEMES = new Set(['http', 'https', 'ws', 'wss', 'ftp']);

/** Creates a new opaque origin; every call returns a distinct one. */
export function createOpaqueOrigin(): OpaqueOrigin {
  return Object.freeze({ type: 'opaque' as const });
}

/** The scheme's default port, or null (URL Standard "default port"). */
export function defaultPort(scheme: string): number | null {
  return DEFAULT_PORTS[scheme] ?? null;
}

function toURL(input: string | URL): URL | null {
  if (input instanceof URL) return input;
  try {
    return new URL(input);
  } catch {
    return null;
  }
}

/** Tuple origins of recently seen URL strings: parsing a URL is the costliest step of a simulated
 *  fetch, and tuple origins are frozen values. Opaque origins are never cached (each is distinct). */
const ORIGIN_MEMO = new Map<string, TupleOrigin>();
const ORIGIN_MEMO_LIMIT = 1024;

/** URL Standard §4 "origin" of a URL. Returns null when `input` is not a valid absolute URL. */
export function originOfUrl(input: string | URL): Origin | null {
  if (typeof input === 'string') {
    const known = ORIGIN_MEMO.get(input);
    if (known !== undefined) return known;
    const origin = computeOriginOfUrl(input);
    if (origin?.type === 'tuple') {
      if (ORIGIN_MEMO.size >= ORIGIN_MEMO_LIMIT) ORIGIN_MEMO.clear();
      ORIGIN_MEMO.set(input, origin);
    }
    return origin;
  }
  return computeOriginOfUrl(input);
}

function computeOriginOfUrl(input: string | URL): Origin | null {
  const url = toURL(input);
  if (url === null) return null;
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'blob') {
    // A blob URL's origin is its inner URL's origin when that is http(s); `file:` is
    // implementation-defined and treated as opaque here, like every other scheme.
    const inner = toURL(url.pathname);
    if (inner !== null && (inner.protocol === 'http:' || inner.protocol === 'https:')) {
      return computeOriginOfUrl(inner);
    }
    return createOpaqueOrigin();
  }
  if (!TUPLE_ORIGIN_SCHEMES.has(scheme)) return createOpaqueOrigin();
  const port = url.port === '' ? null : Number(url.port);
  return Object.freeze({ type: 'tuple' as const, scheme, host: url.hostname, port });
}

/** HTML §7.1 "ASCII serialization of an origin": `scheme://host[:port]`, or `null` when opaque. */
export function serializeOrigin(origin: Origin): string {
  if (origin.type === 'opaque') return 'null';
  return origin.port === null
    ? `${origin.scheme}://${origin.host}`
    : `${origin.scheme}://${origin.host}:${origin.port}`;
}

/** An `Origin` header, parsed: a serialized origin, `null`, or invalid. */
export type OriginHeaderParse =
  | { readonly ok: true; readonly origin: Origin }
  | { readonly ok: false; readonly reason: string };

/**
 * Parses an `Origin` request-header value (Fetch §3.2.5 "`Origin` header"; RFC 6454 §7). `null` gives a
 * fresh opaque origin. Anything else must be exactly the ASCII serialization of a tuple origin: no
 * path, no trailing slash, lowercase, no default port, canonical host, as browsers send it.
 */
export function parseOriginHeader(value: string): OriginHeaderParse {
  if (value === 'null') return { ok: true, origin: createOpaqueOrigin() };
  if (value.length === 0) return { ok: false, reason: 'the value is empty' };
  if (value.length > 2048) return { ok: false, reason: 'the value is longer than 2048 bytes' };
  const origin = originOfUrl(value);
  if (origin === null) return { ok: false, reason: 'the value is not an absolute URL' };
  if (origin.type === 'opaque') return { ok: false, reason: 'the scheme has no tuple origin' };
  const serialized = serializeOrigin(origin);
  if (serialized !== value) {
    return {
      ok: false,
      reason: `the value is not a serialized origin (it would serialize as ${serialized})`,
    };
  }
  return { ok: true, origin };
}

/** HTML §7.1 "same origin". */
export function isSameOrigin(a: Origin, b: Origin): boolean {
  if (a.type === 'opaque' || b.type === 'opaque') return a === b;
  return a.scheme === b.scheme && a.host === b.host && a.port === b.port;
}

/** True when `host` (as `URL.hostname` gives it) is an IPv4 or IPv6 address. */
export function isIpAddress(host: string): boolean {
  if (host.startsWith('[')) return true;
  // After WHATWG host parsing an IPv4 address is always four dotted decimal numbers.
  const parts = host.split('.');
  if (parts.length !== 4) return false;
  for (const part of parts) {
    if (part.length === 0 || part.length > 3) return false;
    for (let i = 0; i < part.length; i++) {
      const c = part.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return false;
    }
  }
  return true;
}

/** tldts's `getDomain`: the registrable domain by the Public Suffix List. */
export type PublicSuffixListDomain = (
  hostname: string,
  options: { allowPrivateDomains: boolean; validateHostname: boolean; extractHostname: boolean },
) => string | null;

/**
 * URL Standard §3.2 "registrable domain" of a host, or null (IP addresses, public suffixes, hosts with
 * no registrable domain). A trailing dot is kept: `example.com.` has registrable domain `example.com.`.
 * Uses the Public Suffix List including its private section (github.io is a public suffix), through
 * `getDomain` (tldts's), so that callers choose when the list is loaded.
 */
export function registrableDomainWith(getDomain: PublicSuffixListDomain, host: string): string | null {
  if (host.length === 0 || isIpAddress(host)) return null;
  const trailingDot = host.endsWith('.');
  const bare = trailingDot ? host.slice(0, -1) : host;
  if (bare.length === 0 || bare.endsWith('.')) return null;
  const domain = getDomain(bare, {
    allowPrivateDomains: true,
    validateHostname: false,
    extractHostname: false,
  });
  if (domain === null || domain === '') return null;
  return trailingDot ? `${domain}.` : domain;
}
