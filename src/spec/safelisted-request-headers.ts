// CORS-safelisted request-headers: Fetch §2.2.2 "CORS-safelisted request-header" and "CORS-unsafe
// request-header names". Apart from headers.ts because Content-Type needs a MIME parser (whatwg-mimetype),
// which the server policy never uses and should not pay for at startup.
import MIMETypeModule from 'whatwg-mimetype';
import {
  byteLength,
  type HeaderList,
  isCorsUnsafeRequestHeaderByte,
  isNoCorsSafelistedRequestHeaderName,
  parseSingleRangeHeaderValue,
} from './headers.js';
import { asciiLowerCase } from './tokens.js';

const { MIMEType } = MIMETypeModule;

function hasCorsUnsafeRequestHeaderByte(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (isCorsUnsafeRequestHeaderByte(value.charCodeAt(i))) return true;
  return false;
}

/** The bytes allowed in Accept-Language and Content-Language values: `0-9A-Za-z`, space, `*,-.;=`. */
function isLanguageValueByte(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x20 ||
    c === 0x2a ||
    c === 0x2c ||
    c === 0x2d ||
    c === 0x2e ||
    c === 0x3b ||
    c === 0x3d
  );
}

/**
 * Value rules for request headers that a browser safelists beyond the standard (Chromium's legacy
 * client hints). Which names use which rule is profile data in browsers.ts.
 */
export type ExtraSafelistedValueRule = 'decimal' | 'integer' | 'effective-connection-type' | 'on';

/** Options that carry a browser profile's departures into the header rules. */
export interface RequestHeaderRuleOptions {
  /** Extra safelisted request-header names (lowercase) and the rule their value must meet. */
  readonly extraSafelistedRequestHeaders?: Readonly<Record<string, ExtraSafelistedValueRule>>;
  /** Largest Range position the browser can represent; beyond it the header is not safelisted. */
  readonly rangeMaxPosition?: bigint | null;
  /** Whether the Range unit `bytes` matches in any case (WebKit). */
  readonly rangeUnitCaseInsensitive?: boolean;
  /** Whether a Content-Type read as a comma-separated list must end with a safelisted type too (Firefox). */
  readonly contentTypeLastListedTypeMustBeSafelisted?: boolean;
}

function isSafelistedContentTypeEssence(essence: string): boolean {
  return (
    essence === 'application/x-www-form-urlencoded' ||
    essence === 'multipart/form-data' ||
    essence === 'text/plain'
  );
}

/** What follows the last comma (a safelisted Content-Type holds no `"`, so no comma is quoted). */
function lastListElement(value: string): string {
  return value.slice(value.lastIndexOf(',') + 1);
}

function isDigits(value: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function meetsExtraValueRule(rule: ExtraSafelistedValueRule, value: string): boolean {
  switch (rule) {
    case 'integer':
      return isDigits(value, 0, value.length);
    case 'decimal': {
      const dot = value.indexOf('.');
      if (dot === -1) return isDigits(value, 0, value.length);
      return isDigits(value, 0, dot) && isDigits(value, dot + 1, value.length);
    }
    case 'effective-connection-type':
      return value === 'slow-2g' || value === '2g' || value === '3g' || value === '4g';
    case 'on':
      return asciiLowerCase(value) === 'on';
  }
}

/** Fetch §2.2.2 "CORS-safelisted request-header" (name, value), with a profile's extra names. */
export function isCorsSafelistedRequestHeader(
  name: string,
  value: string,
  options: RequestHeaderRuleOptions = {},
): boolean {
  if (byteLength(value) > 128) return false;
  const lower = asciiLowerCase(name);
  switch (lower) {
    case 'accept':
      return !hasCorsUnsafeRequestHeaderByte(value);
    case 'accept-language':
    case 'content-language':
      for (let i = 0; i < value.length; i++) if (!isLanguageValueByte(value.charCodeAt(i))) return false;
      return true;
    case 'content-type': {
      if (hasCorsUnsafeRequestHeaderByte(value)) return false;
      const mimeType = parseMimeType(value);
      if (mimeType === null || !isSafelistedContentTypeEssence(mimeType.essence)) return false;
      if (options.contentTypeLastListedTypeMustBeSafelisted !== true) return true;
      // Firefox also reads the value as a comma-separated list and judges the last type in it.
      const last = parseMimeType(lastListElement(value));
      return last !== null && isSafelistedContentTypeEssence(last.essence);
    }
    case 'range': {
      const range = parseSingleRangeHeaderValue(value, false, options.rangeUnitCaseInsensitive ?? false);
      if (range === null || range.start === null) return false;
      const max = options.rangeMaxPosition ?? null;
      if (max !== null && (range.start > max || (range.end !== null && range.end > max))) return false;
      return true;
    }
    default: {
      const rule = options.extraSafelistedRequestHeaders?.[lower];
      return rule !== undefined && meetsExtraValueRule(rule, value);
    }
  }
}

/** MIME Sniffing §4.4 "parse a MIME type", through whatwg-mimetype; null on failure. */
export function parseMimeType(value: string): { essence: string } | null {
  const known = MIME_MEMO.get(value);
  if (known !== undefined) return known;
  const parsed = MIMEType.parse(value);
  const result = parsed === null ? null : Object.freeze({ essence: parsed.essence });
  // Content-Type values repeat from request to request; values here are at most 128 bytes.
  if (MIME_MEMO.size >= 256) MIME_MEMO.clear();
  MIME_MEMO.set(value, result);
  return result;
}

const MIME_MEMO = new Map<string, { readonly essence: string } | null>();

/** Sorts names by their bytes, as Fetch's "byte-lowercased, sorted" lists require. */
function byteLess(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Fetch §2.2.2 "CORS-unsafe request-header names": the names of headers that are not safelisted, plus
 * every safelisted one when the safelisted values add up to more than 1024 bytes; lowercased, unique,
 * sorted by bytes.
 */
export function corsUnsafeRequestHeaderNames(
  headers: HeaderList,
  options: RequestHeaderRuleOptions = {},
): string[] {
  const unsafe = new Set<string>();
  const potentiallyUnsafe: string[] = [];
  let safelistValueSize = 0;
  for (const [name, value] of headers) {
    if (!isCorsSafelistedRequestHeader(name, value, options)) {
      unsafe.add(asciiLowerCase(name));
    } else {
      potentiallyUnsafe.push(asciiLowerCase(name));
      safelistValueSize += byteLength(value);
    }
  }
  if (safelistValueSize > 1024) for (const name of potentiallyUnsafe) unsafe.add(name);
  return [...unsafe].sort(byteLess);
}

/** Fetch §2.2.2 "no-CORS-safelisted request-header". */
export function isNoCorsSafelistedRequestHeader(name: string, value: string): boolean {
  return isNoCorsSafelistedRequestHeaderName(name) && isCorsSafelistedRequestHeader(name, value);
}
