// Headers: Fetch §2.2.2 "Headers". Every parser here walks its input once, with no regular expression,
// and the list parsers stop at a cap on elements and bytes: header values come from attackers.
import { isForbiddenMethod } from './methods.js';
import {
  asciiCaseInsensitiveEquals,
  asciiLowerCase,
  isHttpTabOrSpace,
  isHttpWhitespace,
  isToken,
} from './tokens.js';

/** A header list: ordered (name, value) pairs, duplicates kept, names in the case given. */
export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

/** Fetch §2.2.2 "header name": a `field-name` token. */
export function isHeaderName(name: string): boolean {
  return isToken(name);
}

/**
 * Fetch §2.2.2 "header value": no leading or trailing HTTP tab or space, and no NUL, CR or LF.
 * Code points above 0xFF are not bytes, so they are refused too.
 */
export function isHeaderValue(value: string): boolean {
  const n = value.length;
  if (n > 0 && (isHttpTabOrSpace(value.charCodeAt(0)) || isHttpTabOrSpace(value.charCodeAt(n - 1)))) {
    return false;
  }
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x00 || c === 0x0a || c === 0x0d || c > 0xff) return false;
  }
  return true;
}

/** Fetch §2.2.2 "normalize" a byte sequence: strip leading and trailing HTTP whitespace bytes. */
export function normalizeHeaderValue(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isHttpWhitespace(value.charCodeAt(start))) start++;
  while (end > start && isHttpWhitespace(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/**
 * Fetch §2.2.2 "get" a header: the values of every header named `name` (case-insensitively), joined
 * with `, `; null when there is none. Two Access-Control-Allow-Origin lines therefore become one value.
 */
export function getHeader(list: HeaderList, name: string): string | null {
  let out: string | null = null;
  for (const [n, v] of list) {
    if (n.length === name.length && asciiCaseInsensitiveEquals(n, name))
      out = out === null ? v : `${out}, ${v}`;
  }
  return out;
}

/** Every value of the headers named `name`, in order (one per header line). */
export function getHeaderValues(list: HeaderList, name: string): string[] {
  const out: string[] = [];
  for (const [n, v] of list) if (n.length === name.length && asciiCaseInsensitiveEquals(n, name)) out.push(v);
  return out;
}

/** Fetch §2.2.2 "CORS-unsafe request-header byte". */
export function isCorsUnsafeRequestHeaderByte(c: number): boolean {
  if (c < 0x20) return c !== 0x09;
  switch (c) {
    case 0x22: // "
    case 0x28: // (
    case 0x29: // )
    case 0x3a: // :
    case 0x3c: // <
    case 0x3e: // >
    case 0x3f: // ?
    case 0x40: // @
    case 0x5b: // [
    case 0x5c: // \
    case 0x5d: // ]
    case 0x7b: // {
    case 0x7d: // }
    case 0x7f:
      return true;
    default:
      return false;
  }
}

/** The byte length of a header value, counting each code point as one byte (isomorphic encoding). */
export function byteLength(value: string): number {
  return value.length;
}

/** A parsed `Range: bytes=start-end` value (Fetch §2.2.2 "simple range header value"). */
export interface SingleRange {
  readonly start: bigint | null;
  readonly end: bigint | null;
}

/** Fetch §2.2.2 "parse a single range header value" (`bytes=N-`, `bytes=N-M`, `bytes=-N`). */
export function parseSingleRangeHeaderValue(
  value: string,
  allowWhitespace: boolean,
  unitCaseInsensitive = false,
): SingleRange | null {
  const unit = value.slice(0, 5);
  if (unitCaseInsensitive ? asciiLowerCase(unit) !== 'bytes' : unit !== 'bytes') return null;
  let pos = 5;
  const n = value.length;
  const skipWhitespace = (): void => {
    if (allowWhitespace) while (pos < n && isHttpTabOrSpace(value.charCodeAt(pos))) pos++;
  };
  const collectDigits = (): bigint | null => {
    const from = pos;
    while (pos < n && value.charCodeAt(pos) >= 0x30 && value.charCodeAt(pos) <= 0x39) pos++;
    return pos === from ? null : BigInt(value.slice(from, pos));
  };
  skipWhitespace();
  if (value.charCodeAt(pos) !== 0x3d) return null;
  pos++;
  skipWhitespace();
  const start = collectDigits();
  skipWhitespace();
  if (value.charCodeAt(pos) !== 0x2d) return null;
  pos++;
  skipWhitespace();
  const end = collectDigits();
  if (pos < n) return null;
  if (start === null && end === null) return null;
  if (start !== null && end !== null && start > end) return null;
  return { start, end };
}

/** Fetch §2.2.2 "CORS non-wildcard request-header name": `*` in Allow-Headers never covers it. */
export function isCorsNonWildcardRequestHeaderName(name: string): boolean {
  return asciiLowerCase(name) === 'authorization';
}

/** Fetch §2.2.2 "privileged no-CORS request-header name". */
export function isPrivilegedNoCorsRequestHeaderName(name: string): boolean {
  return asciiLowerCase(name) === 'range';
}

/** Fetch §2.2.2 "no-CORS-safelisted request-header name". */
export function isNoCorsSafelistedRequestHeaderName(name: string): boolean {
  const lower = asciiLowerCase(name);
  return (
    lower === 'accept' ||
    lower === 'accept-language' ||
    lower === 'content-language' ||
    lower === 'content-type'
  );
}

const FORBIDDEN_REQUEST_HEADER_NAMES = new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
]);

const METHOD_OVERRIDE_HEADER_NAMES = new Set([
  'x-http-method',
  'x-http-method-override',
  'x-method-override',
]);

/** Fetch §2.2.2 "forbidden request-header" (name, value): headers a page's script cannot set. */
export function isForbiddenRequestHeader(name: string, value: string): boolean {
  const lower = asciiLowerCase(name);
  if (FORBIDDEN_REQUEST_HEADER_NAMES.has(lower)) return true;
  if (lower.startsWith('proxy-') || lower.startsWith('sec-')) return true;
  if (METHOD_OVERRIDE_HEADER_NAMES.has(lower)) {
    for (const method of getDecodeSplit(value)) if (isForbiddenMethod(method)) return true;
  }
  return false;
}

/** The forbidden request-header names, for tools that list them (the method-override names excluded). */
export function isForbiddenRequestHeaderName(name: string): boolean {
  const lower = asciiLowerCase(name);
  return FORBIDDEN_REQUEST_HEADER_NAMES.has(lower) || lower.startsWith('proxy-') || lower.startsWith('sec-');
}

/** Fetch §2.2.2 "forbidden response-header name": script never reads these. */
export function isForbiddenResponseHeaderName(name: string): boolean {
  const lower = asciiLowerCase(name);
  return lower === 'set-cookie' || lower === 'set-cookie2';
}

/** Fetch §2.2.2 "request-body-header name": dropped when a redirect turns a request into a GET. */
export function isRequestBodyHeaderName(name: string): boolean {
  const lower = asciiLowerCase(name);
  return (
    lower === 'content-encoding' ||
    lower === 'content-language' ||
    lower === 'content-location' ||
    lower === 'content-type'
  );
}

/** Fetch §2.2.2 "collect an HTTP quoted string" (extract-value false); returns the new position. */
function collectHttpQuotedString(input: string, start: number): number {
  let pos = start + 1;
  const n = input.length;
  while (pos < n) {
    const c = input.charCodeAt(pos);
    if (c === 0x22) return pos + 1;
    if (c === 0x5c) {
      if (pos + 1 >= n) return n;
      pos += 2;
      continue;
    }
    pos++;
  }
  return n;
}

/** Fetch §2.2.2 "get, decode, and split" of one value: split on commas outside quoted strings. */
export function getDecodeSplit(value: string): string[] {
  const values: string[] = [];
  let temporary = '';
  let pos = 0;
  const n = value.length;
  for (;;) {
    const from = pos;
    while (pos < n && value.charCodeAt(pos) !== 0x22 && value.charCodeAt(pos) !== 0x2c) pos++;
    temporary += value.slice(from, pos);
    if (pos < n && value.charCodeAt(pos) === 0x22) {
      const end = collectHttpQuotedString(value, pos);
      temporary += value.slice(pos, end);
      pos = end;
      if (pos < n) continue;
    }
    values.push(trimTabOrSpace(temporary));
    temporary = '';
    if (pos >= n) return values;
    pos++; // the comma
  }
}

function trimTabOrSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isHttpTabOrSpace(s.charCodeAt(start))) start++;
  while (end > start && isHttpTabOrSpace(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

/** Caps on a header list an attacker controls. */
export interface HeaderListLimits {
  /** Most elements accepted (after empty ones are skipped). */
  readonly maxElements?: number;
  /** Most bytes accepted, all lines together. */
  readonly maxBytes?: number;
  /** When given, counts the characters examined: tests use it to prove the work is linear. */
  readonly counter?: { steps: number };
}

/** Caps on a header list corskit parses: element count and total bytes. */
export const DEFAULT_HEADER_LIST_LIMITS = { maxElements: 1024, maxBytes: 65_536 } as const;

/** The values of a header list, or why it could not be parsed. */
export type HeaderListValues =
  | { readonly ok: true; readonly values: string[] }
  | {
      readonly ok: false;
      readonly reason: 'not-a-token' | 'too-many-elements' | 'too-many-bytes';
      readonly element?: string;
    };

/**
 * Fetch §2.2.2 "extract header list values" for a `#token` list (Access-Control-Allow-Methods,
 * -Allow-Headers, -Expose-Headers, -Request-Headers): `values` holds one entry per header line, or null
 * when the header is absent (then the result is null). Elements are split on commas, trimmed of tabs
 * and spaces, empty ones skipped (RFC 9110 §5.6.1), and each must be a token. One pass over the input.
 */
export function extractHeaderListValues(
  values: readonly string[] | string | null,
  limits: HeaderListLimits = DEFAULT_HEADER_LIST_LIMITS,
): HeaderListValues | null {
  if (values === null) return null;
  const lines = typeof values === 'string' ? [values] : values;
  if (lines.length === 0) return null;
  const maxElements = limits.maxElements ?? DEFAULT_HEADER_LIST_LIMITS.maxElements;
  const maxBytes = limits.maxBytes ?? DEFAULT_HEADER_LIST_LIMITS.maxBytes;
  const counter = limits.counter;
  let totalBytes = 0;
  for (const line of lines) totalBytes += line.length;
  if (totalBytes > maxBytes) return { ok: false, reason: 'too-many-bytes' };
  const out: string[] = [];
  for (const line of lines) {
    const n = line.length;
    let pos = 0;
    while (pos <= n) {
      let start = pos;
      while (pos < n && line.charCodeAt(pos) !== 0x2c) pos++;
      let end = pos;
      if (counter !== undefined) counter.steps += pos - start + 1;
      while (start < end && isHttpTabOrSpace(line.charCodeAt(start))) start++;
      while (end > start && isHttpTabOrSpace(line.charCodeAt(end - 1))) end--;
      if (end > start) {
        const element = line.slice(start, end);
        if (!isToken(element)) return { ok: false, reason: 'not-a-token', element };
        if (out.length >= maxElements) return { ok: false, reason: 'too-many-elements' };
        out.push(element);
      }
      pos++; // past the comma (or past the end)
    }
  }
  return { ok: true, values: out };
}

/**
 * The field names a response varies on (RFC 9110 §12.5.5), lowercased; `*` included as is. Fetch §3.2.6
 * asks servers whose CORS answer depends on Origin to list it, so shared caches keep answers apart.
 */
export function varyFieldNames(headers: HeaderList): string[] {
  const parsed = extractHeaderListValues(getHeaderValues(headers, 'Vary'), {
    maxElements: Number.POSITIVE_INFINITY,
    maxBytes: Number.POSITIVE_INFINITY,
  });
  return parsed === null || !parsed.ok ? [] : parsed.values.map(asciiLowerCase);
}

/** Whether a response varies on Origin (or on everything, `*`). */
export function variesOnOrigin(headers: HeaderList): boolean {
  const names = varyFieldNames(headers);
  return names.includes('origin') || names.includes('*');
}

// Fetch §2.2.2: the names a page's script may always read from a CORS response.
const SAFELISTED_RESPONSE_HEADER_NAMES = new Set([
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
]);

/** Fetch §2.2.2 "CORS-safelisted response-header name" given the exposed list. */
export function isCorsSafelistedResponseHeaderName(name: string, exposed: ReadonlySet<string>): boolean {
  const lower = asciiLowerCase(name);
  if (SAFELISTED_RESPONSE_HEADER_NAMES.has(lower)) return true;
  return exposed.has(lower) && !isForbiddenResponseHeaderName(lower);
}
