// The origin comparison the Check and What-if views show: scheme, host and port side by side, same
// origin, same site, and why. Built from src/spec until the doctor's report carries `origins` and
// src/spec exports compareOrigins; this one module is what to swap then.
import {
  isSameOrigin,
  isSameSite,
  isSchemelesslySameSite,
  type Origin,
  originOfUrl,
  registrableDomain,
  serializeOrigin,
} from '../../spec/index.js';

export interface PartComparison {
  readonly page: string;
  readonly target: string;
  readonly equal: boolean;
}

/** The shape of the doctor's `report.origins` (read defensively: every field may be missing). */
export interface OriginComparison {
  readonly page: string;
  readonly target: string;
  readonly scheme: PartComparison;
  readonly host: PartComparison;
  readonly port: PartComparison;
  readonly sameOrigin: boolean;
  readonly sameSite: boolean;
  readonly schemelesslySameSite?: boolean;
  readonly notes: readonly string[];
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443', ws: '80', wss: '443' };

function parts(o: Origin | null): { scheme: string; host: string; port: string } {
  if (o === null || o.type === 'opaque') return { scheme: '(opaque)', host: '(opaque)', port: '(opaque)' };
  const port = o.port === null ? `${DEFAULT_PORTS[o.scheme] ?? ''} (default)` : String(o.port);
  return { scheme: o.scheme, host: o.host, port };
}

/** Compares the page's origin with the URL it fetches, part by part (HTML §7.1 origins, §7.1.1 sites). */
export function compareOrigins(pageOrigin: string, targetUrl: string): OriginComparison | null {
  const page = pageOrigin === 'null' ? null : originOfUrl(pageOrigin);
  const target = originOfUrl(targetUrl);
  if (target === null || (pageOrigin !== 'null' && page === null)) return null;
  const a = parts(page);
  const b = parts(target);
  const part = (k: 'scheme' | 'host' | 'port'): PartComparison => ({
    page: a[k],
    target: b[k],
    equal: page !== null && a[k] === b[k],
  });
  const scheme = part('scheme');
  const host = part('host');
  const port = part('port');
  const sameOrigin = page !== null && isSameOrigin(page, target);
  const sameSite = page !== null && isSameSite(page, target);
  const schemeless = page !== null && isSchemelesslySameSite(page, target);
  const notes: string[] = [];
  if (page === null) {
    notes.push(
      'The page has an opaque origin ("null": a sandboxed iframe, a data: or file: page): it is same origin with nothing, so every request is cross-origin.',
    );
  } else if (sameOrigin) {
    notes.push('Scheme, host and port are all equal: same origin. CORS does not apply.');
  } else {
    const differ = [scheme, host, port].flatMap((p, i) => (p.equal ? [] : [['scheme', 'host', 'port'][i]]));
    notes.push(
      `Cross-origin: the ${differ.join(' and ')} differ${differ.length === 1 ? 's' : ''}, so CORS applies.`,
    );
    if (page.type === 'tuple' && target.type === 'tuple') {
      const sitePage = registrableDomain(page.host) ?? page.host;
      const siteTarget = registrableDomain(target.host) ?? target.host;
      if (sameSite)
        notes.push(
          `Same site (${page.scheme}://${sitePage}): cookies marked SameSite=Lax or Strict are still sent, so CSRF defences cannot rely on SameSite alone.`,
        );
      else if (schemeless)
        notes.push(
          `Schemelessly same site (${sitePage}) but the schemes differ: not same site, SameSite cookies are not sent.`,
        );
      else
        notes.push(
          `Cross-site: the registrable domains differ (${sitePage} and ${siteTarget}); credentialed requests need SameSite=None cookies.`,
        );
    }
  }
  return {
    page: pageOrigin,
    target: serializeOrigin(target),
    scheme,
    host,
    port,
    sameOrigin,
    sameSite,
    schemelesslySameSite: schemeless,
    notes,
  };
}
