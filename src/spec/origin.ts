// Origins and sites: HTML Standard §7.1 "Origins" and §7.1.1 "Sites", URL Standard §4 "origin".
// Host parsing (IDNA, IPv4 number forms, IPv6 compression) is left to WHATWG `URL`; registrable
// domains come from the Public Suffix List through tldts. Nothing here touches the network or Node.
import { getDomain } from 'tldts';

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

export type Origin = TupleOrigin | OpaqueOrigin;

/** HTML §7.1.1: a site is an opaque origin or a scheme-and-host. */
export type Site =
  | OpaqueOrigin
  | { readonly type: 'scheme-and-host'; readonly scheme: string; readonly host: string };

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

/**
 * URL Standard §3.2 "registrable domain" of a host, or null (IP addresses, public suffixes, hosts with
 * no registrable domain). A trailing dot is kept: `example.com.` has registrable domain `example.com.`.
 * Uses the Public Suffix List including its private section (github.io is a public suffix).
 */
export function registrableDomain(host: string): string | null {
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

/** HTML §7.1.1 "obtain a site". */
export function obtainSite(origin: Origin): Site {
  if (origin.type === 'opaque') return origin;
  const domain = registrableDomain(origin.host);
  return Object.freeze({
    type: 'scheme-and-host' as const,
    scheme: origin.scheme,
    host: domain ?? origin.host,
  });
}

/** HTML §7.1.1 "same site": the sites of both origins are equal. */
export function isSameSite(a: Origin, b: Origin): boolean {
  const sa = obtainSite(a);
  const sb = obtainSite(b);
  if (sa.type === 'opaque' || sb.type === 'opaque') return sa === sb;
  return sa.scheme === sb.scheme && sa.host === sb.host;
}

/** HTML §7.1.1 "schemelessly same site": same site ignoring the scheme. */
export function isSchemelesslySameSite(a: Origin, b: Origin): boolean {
  if (a.type === 'opaque' || b.type === 'opaque') return a === b;
  const ha = registrableDomain(a.host) ?? a.host;
  const hb = registrableDomain(b.host) ?? b.host;
  return ha === hb;
}

/** HTML §7.1.1 "serialize a site". */
export function serializeSite(site: Site): string {
  if (site.type === 'opaque') return 'null';
  return `${site.scheme}://${site.host}`;
}

/** One part of two origins side by side: the page's, the target's, and whether they are equal. */
export interface OriginPartComparison {
  readonly page: string | null;
  readonly target: string | null;
  readonly equal: boolean;
}

/** Two origins compared part by part, with the rules of the URL and HTML standards that applied. */
export interface OriginComparison {
  /** The page's serialized origin (`null` when opaque). */
  readonly page: string;
  /** The target's serialized origin. */
  readonly target: string;
  readonly scheme: OriginPartComparison;
  readonly host: OriginPartComparison;
  /** The effective port: the scheme's default when the URL names none. */
  readonly port: OriginPartComparison;
  readonly sameOrigin: boolean;
  readonly sameSite: boolean;
  readonly schemelesslySameSite: boolean;
  readonly notes: string[];
}

export interface CompareOriginsOptions {
  /** A cross-origin redirect made the request's origin opaque (Fetch §4.4 step 14: "tainted origin"). */
  readonly taintedBy?: string;
}

/** The host and port exactly as written in a URL string, before any parsing rule (linear, no regex). */
function writtenHostAndPort(input: string): { host: string; port: string } | null {
  const start = input.indexOf('://');
  if (start < 0) return null;
  let end = input.length;
  for (let i = start + 3; i < input.length; i++) {
    const c = input[i];
    if (c === '/' || c === '?' || c === '#' || c === '\\') {
      end = i;
      break;
    }
  }
  let authority = input.slice(start + 3, end);
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) return { host: authority, port: '' };
    const rest = authority.slice(close + 1);
    return { host: authority.slice(0, close + 1), port: rest.startsWith(':') ? rest.slice(1) : '' };
  }
  const colon = authority.lastIndexOf(':');
  return colon < 0
    ? { host: authority, port: '' }
    : { host: authority.slice(0, colon), port: authority.slice(colon + 1) };
}

const isAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
};

/** Notes on what URL parsing changed in one side: default port dropped, IDNA, IPv4 forms, case. */
function parsingNotes(side: 'page' | 'target', input: string, url: URL, out: string[]): void {
  const written = writtenHostAndPort(input);
  if (written === null) return;
  const scheme = url.protocol.slice(0, -1);
  const port = defaultPort(scheme);
  if (written.port !== '' && url.port === '' && port !== null)
    out.push(
      `${side}: port ${written.port} is the default port of ${scheme} and is dropped (URL Standard: the origin has no port)`,
    );
  const host = url.hostname;
  if (written.host === host) return;
  if (!isAscii(written.host))
    out.push(`${side}: host ${written.host} becomes ${host} (IDNA: Unicode names are compared in punycode)`);
  else if (isIpAddress(host) && !host.startsWith('[') && written.host.toLowerCase() !== host)
    out.push(
      `${side}: host ${written.host} is the IPv4 address ${host} (URL Standard: IPv4 numbers in any form are folded to dotted decimal)`,
    );
  else if (written.host.toLowerCase() === host)
    out.push(`${side}: host ${written.host} is lowercased to ${host}`);
  else out.push(`${side}: host ${written.host} is parsed as ${host}`);
}

/**
 * Compares the page's origin with a target URL's origin part by part (HTML §7.1 "same origin", §7.1.1
 * "same site" and "schemelessly same site"), saying which rules applied. `page` is a serialized origin,
 * a URL, or `null`; `target` is a URL. Pure: runs in a browser too.
 */
export function compareOrigins(
  page: string,
  target: string,
  options: CompareOriginsOptions = {},
): OriginComparison {
  const notes: string[] = [];
  const pageUrl = page === 'null' ? null : toURL(page);
  const targetUrl = toURL(target);
  let pageOrigin: Origin = pageUrl === null ? createOpaqueOrigin() : (originOfUrl(pageUrl) as Origin);
  const targetOrigin: Origin = targetUrl === null ? createOpaqueOrigin() : (originOfUrl(targetUrl) as Origin);
  if (pageUrl !== null) parsingNotes('page', page, pageUrl, notes);
  if (targetUrl !== null) parsingNotes('target', target, targetUrl, notes);
  if (page === 'null')
    notes.push(
      'the page has an opaque origin ("null": a sandboxed iframe, a data: URL, a file): it is same origin with nothing, not even another "null"',
    );
  else if (pageUrl === null) notes.push(`the page origin "${page}" is not a URL: it is treated as opaque`);
  if (options.taintedBy !== undefined && pageOrigin.type === 'tuple') {
    notes.push(
      `the redirect to ${options.taintedBy} crossed origins, so the request's origin is now opaque: the browser sends "Origin: null" (Fetch: tainted origin)`,
    );
    pageOrigin = createOpaqueOrigin();
  }
  if (targetOrigin.type === 'opaque')
    notes.push(
      `the target ${target} has an opaque origin: only http(s), ws(s) and ftp URLs have a tuple origin`,
    );
  const part = (pick: (o: TupleOrigin) => string): OriginPartComparison => {
    const a = pageOrigin.type === 'tuple' ? pick(pageOrigin) : null;
    const b = targetOrigin.type === 'tuple' ? pick(targetOrigin) : null;
    return { page: a, target: b, equal: a !== null && a === b };
  };
  const effectivePort = (o: TupleOrigin): string => String(o.port ?? defaultPort(o.scheme) ?? '');
  const sameSite = isSameSite(pageOrigin, targetOrigin);
  if (pageOrigin.type === 'tuple' && targetOrigin.type === 'tuple') {
    const a = serializeSite(obtainSite(pageOrigin));
    const b = serializeSite(obtainSite(targetOrigin));
    notes.push(
      a === b
        ? `both are on the site ${a} (scheme and registrable domain)`
        : `sites differ: ${a} and ${b} (scheme and registrable domain)`,
    );
  }
  return {
    page: serializeOrigin(pageOrigin),
    target: serializeOrigin(targetOrigin),
    scheme: part((o) => o.scheme),
    host: part((o) => o.host),
    port: part(effectivePort),
    sameOrigin: isSameOrigin(pageOrigin, targetOrigin),
    sameSite,
    schemelesslySameSite: isSchemelesslySameSite(pageOrigin, targetOrigin),
    notes,
  };
}
