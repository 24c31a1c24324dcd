// Sites: HTML Standard §7.1.1 "Sites", over the Public Suffix List (tldts). Apart from origin.ts because
// loading the list costs tens of milliseconds, which importers of origins alone should not pay.
import { getDomain } from 'tldts';
import { type OpaqueOrigin, type Origin, registrableDomainWith } from './origin.js';

/** HTML §7.1.1: a site is an opaque origin or a scheme-and-host. */
export type Site =
  | OpaqueOrigin
  | { readonly type: 'scheme-and-host'; readonly scheme: string; readonly host: string };

/** URL Standard §3.2 "registrable domain" of a host, or null; see registrableDomainWith. */
export function registrableDomain(host: string): string | null {
  return registrableDomainWith(getDomain, host);
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
