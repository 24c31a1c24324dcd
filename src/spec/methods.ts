// Methods: Fetch §2.2.1 "Methods".
import { asciiUpperCase, isToken } from './tokens.js';

const NORMALIZED_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'] as const;

/** Fetch §2.2.1: a method is a byte sequence that matches the `method` token production. */
export function isMethod(value: string): boolean {
  return isToken(value);
}

/** Fetch §2.2.1 "normalize a method": the six methods above are uppercased; others keep their case. */
export function normalizeMethod(method: string): string {
  if (method.length > 7) return method;
  const upper = asciiUpperCase(method);
  for (const m of NORMALIZED_METHODS) if (m === upper) return m;
  return method;
}

/** Fetch §2.2.1 "CORS-safelisted method": `GET`, `HEAD` or `POST`, compared byte for byte. */
export function isCorsSafelistedMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'POST';
}

/** Fetch §2.2.1 "forbidden method": `CONNECT`, `TRACE` or `TRACK`, case-insensitively. */
export function isForbiddenMethod(method: string): boolean {
  if (method.length !== 5 && method.length !== 7) return false;
  const upper = asciiUpperCase(method);
  return upper === 'CONNECT' || upper === 'TRACE' || upper === 'TRACK';
}
