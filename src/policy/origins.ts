// Allowed-origin patterns: parsing and validation of the configured strings, and the matcher that
// answers in time independent of how many origins are configured (a hash set for exact origins, a
// reversed-label trie for `*.` subdomain patterns).
import { defaultPort, isIpAddress, originOfUrl, serializeOrigin } from '../spec/origin.js';
import { registrableDomainOf } from './public-suffix.js';

/** One configured origin, parsed. `host` is canonical (lowercase ASCII, punycode). */
export interface OriginPattern {
  readonly source: string;
  readonly scheme: 'http' | 'https';
  /** The host, or for a wildcard the base domain after `*.`. */
  readonly host: string;
  /** True for `scheme://*.host`: one or more labels before `host`. */
  readonly subdomains: boolean;
  /** A port number, null for the scheme's default, or '*' for any port. */
  readonly port: number | null | '*';
}

export interface PatternProblem {
  readonly message: string;
  readonly fix: string;
}

const PLACEHOLDER_LABEL = 'corskit-wildcard-label';

/** True for hosts that only this machine reaches: localhost, *.localhost, 127.0.0.0/8, [::1]. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '[::1]') return true;
  return isIpAddress(host) && host.startsWith('127.');
}

/**
 * Parses a configured origin (`https://app.example.com`, `https://*.example.com`, `http://localhost:*`)
 * and refuses anything a browser would never send as an Origin, each with a fix.
 */
export function parseOriginPattern(source: string): OriginPattern | PatternProblem {
  if (source === 'null') {
    return {
      message:
        "'null' is the origin of sandboxed iframes, data: URLs, file: pages and redirected requests: any site can produce it, so allowing it allows everyone",
      fix: 'remove "null"; serve the page from a real origin and list that origin instead',
    };
  }
  if (source.trim() !== source) {
    return {
      message: `"${source}" has spaces around it; the Origin header never does`,
      fix: `write "${source.trim()}"`,
    };
  }
  const sep = source.indexOf('://');
  if (sep <= 0) {
    return {
      message: `"${source}" is not an origin: an origin is scheme://host[:port]`,
      fix: `write it as "https://${source.replace(/^\/*/, '')}"`,
    };
  }
  const writtenScheme = source.slice(0, sep);
  const scheme = writtenScheme.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') {
    return {
      message: `the scheme "${writtenScheme}:" cannot be allowed: browsers send Origin "null" for ${scheme === 'file' ? 'file: pages' : `${writtenScheme}: pages`}, and CORS applies to http and https only`,
      fix: 'serve the page over http(s) and list that origin',
    };
  }
  let rest = source.slice(sep + 3);
  let subdomains = false;
  if (rest.startsWith('*.')) {
    subdomains = true;
    rest = `${PLACEHOLDER_LABEL}.${rest.slice(2)}`;
  }
  let anyPort = false;
  if (rest.endsWith(':*')) {
    anyPort = true;
    rest = rest.slice(0, -2);
  }
  if (rest.includes('*')) {
    return {
      message: `"${source}" has a wildcard that is not one leading "*." label (or a ":*" port)`,
      fix: 'write "https://*.example.com" for every subdomain of example.com, "https://example.com:*" for any port, or list the origins one by one',
    };
  }
  let url: URL;
  try {
    url = new URL(`${scheme}://${rest}`);
  } catch {
    return {
      message: `"${source}" is not a valid origin: its host does not parse`,
      fix: 'check the spelling of the host',
    };
  }
  const canonicalHost = subdomains ? url.hostname.slice(PLACEHOLDER_LABEL.length + 1) : url.hostname;
  const canonical = `${scheme}://${subdomains ? '*.' : ''}${canonicalHost}${url.port === '' ? '' : `:${url.port}`}${anyPort ? ':*' : ''}`;
  if (url.username !== '' || url.password !== '') {
    return {
      message: `"${source}" contains a user name or password; origins never do`,
      fix: `write "${canonical}"`,
    };
  }
  const authorityEnd = indexOfAny(rest, '/?#');
  if (authorityEnd !== -1) {
    const tail = rest.slice(authorityEnd);
    return {
      message:
        tail === '/'
          ? `"${source}" ends with a slash; the Origin header never does, so it would never match`
          : `"${source}" has a path, query or fragment ("${tail}"); an origin is only scheme://host[:port]`,
      fix: `write "${canonical}"`,
    };
  }
  const writtenHost = hostPart(rest);
  const writtenPort = portPart(rest);
  if (writtenPort !== null && writtenPort !== '' && url.port === '' && !anyPort) {
    return {
      message: `"${source}" writes out the default port ${writtenPort} of ${scheme}; browsers omit it, so it would never match`,
      fix: `write "${canonical}"`,
    };
  }
  if (writtenPort !== null && url.port !== '' && writtenPort !== url.port) {
    return { message: `"${source}" writes the port in a non-canonical form`, fix: `write "${canonical}"` };
  }
  const writtenBase = subdomains ? writtenHost.slice(PLACEHOLDER_LABEL.length + 1) : writtenHost;
  if (writtenBase !== canonicalHost || writtenScheme !== scheme) {
    return { message: nonCanonicalMessage(source, writtenBase, canonicalHost), fix: `write "${canonical}"` };
  }
  if (subdomains && (isIpAddress(canonicalHost) || canonicalHost.startsWith('['))) {
    return {
      message: `"${source}" puts a wildcard in front of an IP address, which has no subdomains`,
      fix: `write "${scheme}://${canonicalHost}"`,
    };
  }
  if (canonicalHost.endsWith('.')) {
    return {
      message: `"${source}" has a trailing dot; "${canonicalHost}" and "${canonicalHost.slice(0, -1)}" are different origins and browsers send the one the page used`,
      fix: `write "${canonical.replace(`${canonicalHost}`, canonicalHost.slice(0, -1))}"`,
    };
  }
  const port = anyPort ? '*' : url.port === '' ? null : Number(url.port);
  return { source, scheme, host: canonicalHost, subdomains, port };
}

function nonCanonicalMessage(source: string, written: string, canonical: string): string {
  for (let i = 0; i < written.length; i++) {
    if (written.charCodeAt(i) > 0x7f) {
      return `"${source}" has a Unicode host; browsers send the punycode form "${canonical}"`;
    }
  }
  if (isIpAddress(canonical) || canonical.startsWith('[')) {
    return `"${source}" writes the IP address in a non-canonical form; browsers send "${canonical}"`;
  }
  if (written.toLowerCase() === canonical)
    return `"${source}" has upper-case letters; browsers send the origin in lower case`;
  return `"${source}" is not written the way browsers send it ("${canonical}")`;
}

function indexOfAny(s: string, chars: string): number {
  for (let i = 0; i < s.length; i++) if (chars.includes(s[i] as string)) return i;
  return -1;
}

function hostPart(authority: string): string {
  if (authority.startsWith('[')) {
    const end = authority.indexOf(']');
    return end === -1 ? authority : authority.slice(0, end + 1);
  }
  const colon = authority.lastIndexOf(':');
  return colon === -1 ? authority : authority.slice(0, colon);
}

function portPart(authority: string): string | null {
  const host = hostPart(authority);
  if (authority.length === host.length) return null;
  return authority.slice(host.length + 1);
}

/** Serializes a pattern the way it should be written in a config. */
export function formatOriginPattern(p: OriginPattern): string {
  const port = p.port === '*' ? ':*' : p.port === null ? '' : `:${p.port}`;
  return `${p.scheme}://${p.subdomains ? '*.' : ''}${p.host}${port}`;
}

/** True when a `*.` pattern's base is a public suffix (`*.github.io`, `*.co.uk`): anyone can register under
 *  it. Null when the Public Suffix List cannot be loaded in this runtime (see public-suffix.ts). */
export function isWildcardOverPublicSuffix(p: OriginPattern): boolean | null {
  // *.localhost is loopback (RFC 6761): nobody can register under it.
  if (!p.subdomains || p.host === 'localhost') return false;
  const domain = registrableDomainOf(p.host);
  return domain === undefined ? null : domain === null;
}

/** The longest Origin a browser sends: `https://`, a 255-character host, `:65535`. Longer values are
 *  refused before they are hashed or scanned. */
export const MAX_ORIGIN_LENGTH = 'https://'.length + 255 + ':65535'.length;

/** An Origin header split into its parts without a URL parse; null when it is not canonical ASCII. */
export interface OriginParts {
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly port: number | null;
}

/**
 * Splits a serialized origin (as browsers send it) in one pass: `http(s)://host[:port]`, host in lowercase
 * ASCII letters, digits, `-` and `.`, or a bracketed IPv6 address. Anything else is not an origin a
 * browser sends and gives null; it then matches no pattern.
 */
export function splitSerializedOrigin(value: string): OriginParts | null {
  const hostEnd = serializedOriginHostEnd(value);
  if (hostEnd < 0) return null;
  const https = value.charCodeAt(4) === 0x73; // 's'
  const host = value.slice(https ? 8 : 7, hostEnd);
  // The port's digits were checked by the scan.
  const port = hostEnd < value.length ? Number(value.slice(hostEnd + 1)) : null;
  return { scheme: https ? 'https' : 'http', host, port };
}

/** Whether the value is a serialized origin as splitSerializedOrigin reads it, with nothing made: a
 *  refused origin needs no parts, only to know whether it was malformed. */
export function isSerializedOrigin(value: string): boolean {
  return serializedOriginHostEnd(value) >= 0;
}

/** The scan behind both: where the host ends (the ':' before the port, or the end), or -1. */
function serializedOriginHostEnd(value: string): number {
  let scheme: 'http' | 'https';
  let i: number;
  if (value.startsWith('https://')) {
    scheme = 'https';
    i = 8;
  } else if (value.startsWith('http://')) {
    scheme = 'http';
    i = 7;
  } else return -1;
  const n = value.length;
  if (n > MAX_ORIGIN_LENGTH) return -1;
  const hostStart = i;
  if (value.charCodeAt(i) === 0x5b) {
    while (i < n && value.charCodeAt(i) !== 0x5d) {
      const c = value.charCodeAt(i);
      if (!(c === 0x5b || c === 0x3a || c === 0x2e || (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)))
        return -1;
      i++;
    }
    if (i === n) return -1;
    i++;
  } else {
    while (i < n && value.charCodeAt(i) !== 0x3a) {
      const c = value.charCodeAt(i);
      if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0x5f))
        return -1;
      i++;
    }
  }
  if (i === hostStart) return -1;
  const hostEnd = i;
  if (i < n) {
    i++; // ':'
    // Canonical ports have no leading zero (port 0 itself is written "0").
    if (i === n || n - i > 5 || (value.charCodeAt(i) === 0x30 && n - i > 1)) return -1;
    let p = 0;
    for (; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return -1;
      p = p * 10 + (c - 0x30);
    }
    if (p > 65535 || p === defaultPort(scheme)) return -1;
  }
  return hostEnd;
}

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  /** Ports for which `*.<labels to here>` is allowed: numbers, null (default) or '*'. */
  readonly wildcardPorts: Set<number | null | '*'>;
}

function newNode(): TrieNode {
  return { children: new Map(), wildcardPorts: new Set() };
}

/**
 * The compiled allowlist. `matches` costs one hash lookup for exact origins, one for any-port hosts, and
 * a walk of at most as many trie nodes as the request's host has labels: never the number configured.
 */
export class OriginMatcher {
  readonly #exact = new Set<string>();
  /** `scheme://host` for `:*` entries. */
  readonly #anyPort = new Set<string>();
  /** One trie per scheme, keyed by labels from the right. */
  readonly #tries: Record<'http' | 'https', TrieNode> = { http: newNode(), https: newNode() };
  #hasPatterns = false;

  /** `keys[i]`, when given, is `formatOriginPattern(patterns[i])`: an exact origin is kept as that very
   *  string, shared with the normalized config, rather than as a copy. At 10,000 origins a policy held
   *  2.2 MiB of heap with a copy in each, 0.4 MiB now (bench/policy-heap.bench.ts): live heap that every
   *  collection pays for in a framework that makes the collector run often (Express). */
  constructor(patterns: readonly OriginPattern[], keys?: readonly string[]) {
    for (let i = 0; i < patterns.length; i++) {
      const p = patterns[i] as OriginPattern;
      if (p.subdomains) {
        this.#hasPatterns = true;
        let node = this.#tries[p.scheme];
        const labels = p.host.split('.');
        for (let j = labels.length - 1; j >= 0; j--) {
          const label = labels[j] as string;
          let next = node.children.get(label);
          if (next === undefined) {
            next = newNode();
            node.children.set(label, next);
          }
          node = next;
        }
        node.wildcardPorts.add(p.port);
      } else if (p.port === '*') {
        this.#hasPatterns = true;
        this.#anyPort.add(`${p.scheme}://${p.host}`);
      } else {
        this.#exact.add(keys?.[i] ?? formatOriginPattern(p));
      }
    }
  }

  /** Whether the Origin header value is allowed. */
  matches(origin: string): boolean {
    if (this.#exact.has(origin)) return true;
    if (!this.#hasPatterns) return false;
    const parts = splitSerializedOrigin(origin);
    if (parts === null) return false;
    if (this.#anyPort.size > 0 && this.#anyPort.has(`${parts.scheme}://${parts.host}`)) return true;
    if (parts.host.startsWith('[')) return false;
    return this.#matchesWildcard(parts);
  }

  #matchesWildcard(parts: OriginParts): boolean {
    const host = parts.host;
    if (!hasOnlyNonEmptyLabels(host)) return false;
    let node: TrieNode | undefined = this.#tries[parts.scheme];
    let end = host.length;
    // Walk labels right to left. A wildcard stored at a node matches when labels remain to its left
    // (one or more: all are non-empty, checked above).
    for (let i = host.length - 1; i >= 0; i--) {
      if (host.charCodeAt(i) !== 0x2e) continue;
      node = node.children.get(host.slice(i + 1, end));
      if (node === undefined) return false;
      end = i;
      const ports = node.wildcardPorts;
      if (ports.size > 0 && (ports.has('*') || ports.has(parts.port))) return true;
    }
    return false;
  }

  /** True when an exact origin is also covered by a pattern (for the duplicate warning). */
  coveredByPattern(p: OriginPattern): boolean {
    if (p.subdomains || p.port === '*') return false;
    if (this.#anyPort.has(`${p.scheme}://${p.host}`)) return true;
    return (
      !isIpAddress(p.host) &&
      !p.host.startsWith('[') &&
      this.#matchesWildcard({ scheme: p.scheme, host: p.host, port: p.port })
    );
  }
}

/** No leading, trailing or doubled dot. */
function hasOnlyNonEmptyLabels(host: string): boolean {
  const n = host.length;
  if (n === 0 || host.charCodeAt(0) === 0x2e || host.charCodeAt(n - 1) === 0x2e) return false;
  for (let i = 1; i < n; i++)
    if (host.charCodeAt(i) === 0x2e && host.charCodeAt(i - 1) === 0x2e) return false;
  return true;
}

/** Canonical serialization of a tuple origin string, or null: used to normalize dynamic-lookup input. */
export function canonicalOrigin(value: string): string | null {
  const o = originOfUrl(value);
  return o === null || o.type === 'opaque' ? null : serializeOrigin(o);
}
