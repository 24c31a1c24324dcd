// How the UI's local API protects itself. A page on any site can make the user's browser send requests
// to 127.0.0.1, and DNS rebinding can make such a page same-origin with it; so every request must name
// exactly our host:port (Host), every API call must carry the per-run token only our own page receives,
// and a request that states an Origin must state ours, judged by corskit's own policy.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type CorsPolicy, createCorsPolicy } from '../../policy/index.js';

/** The request header the page sends the token in. */
export const TOKEN_HEADER = 'X-Corskit-Token';

/** Hosts `corskit ui` agrees to listen on. */
export function isLoopbackListenHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The authority (`host:port`) a URL gives for a listening address; IPv6 in brackets. */
export function authorityOf(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A fresh random token for one run (256 bits, URL-safe). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The one value of a request header, or null when missing or repeated. */
function single(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name.toLowerCase()];
  return typeof v === 'string' ? v : null;
}

/** DNS rebinding defence: the Host header must be exactly the authority we listen on. */
export function hostAllowed(req: IncomingMessage, authority: string): boolean {
  return single(req, 'host')?.toLowerCase() === authority.toLowerCase();
}

/** The token check, in constant time for equal lengths. */
export function tokenValid(req: IncomingMessage, token: string): boolean {
  const given = single(req, TOKEN_HEADER);
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** corskit's own policy for the API: only the UI's origin, only what the page sends. */
export function uiApiPolicy(uiOrigin: string): CorsPolicy {
  return createCorsPolicy({
    origins: [uiOrigin],
    methods: ['POST'],
    requestHeaders: ['Content-Type', TOKEN_HEADER],
    maxAge: 600,
  });
}

/** Whether the request's Origin (when it states one) is the UI's own, as the policy decides it. */
export async function originAllowed(req: IncomingMessage, policy: CorsPolicy): Promise<boolean> {
  if (req.headers.origin === undefined) return true;
  const decision = await policy.decide({ method: req.method ?? '', headers: req.headers });
  return decision.allowed;
}

/** Headers every answer carries: no framing, no sniffing, no referrer, scripts only from us. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};
