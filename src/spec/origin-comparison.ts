// Two origins compared part by part: HTML Standard §7.1 "same origin", §7.1.1 "same site" and
// "schemelessly same site", with the URL Standard's parsing rules that made them equal or not.
// Pure: the UI bundles it for the page.
import {
  createOpaqueOrigin,
  defaultPort,
  isIpAddress,
  isSameOrigin,
  type Origin,
  originOfUrl,
  serializeOrigin,
  type TupleOrigin,
} from './origin.js';
import { isSameSite, isSchemelesslySameSite, obtainSite, serializeSite } from './site.js';

function toURL(input: string): URL | null {
  try {
    return new URL(input);
  } catch {
    return null;
  }
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

/** Options of `compareOrigins`. */
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
