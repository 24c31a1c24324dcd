// The origin comparison the Check and What-if views show when a report does not carry one: src/spec's
// compareOrigins (the single source of the rules), plus a first line in plain words for learners.
import { compareOrigins as compareInSpec, type OriginComparison } from '../../spec/index.js';

export type { OriginComparison };

/** What the comparison means for the page, in words: does CORS apply, and what happens to cookies. */
export function plainNotes(c: OriginComparison): string[] {
  if (c.sameOrigin) return ['Scheme, host and port are all equal: same origin. CORS does not apply.'];
  const differ = (['scheme', 'host', 'port'] as const).filter((k) => !c[k].equal);
  const lead =
    c.scheme.page === null
      ? 'Cross-origin: an opaque origin is same origin with nothing, so CORS applies to every request.'
      : `Cross-origin: the ${differ.join(' and ')} differ${differ.length === 1 ? 's' : ''}, so CORS applies.`;
  const cookies = c.sameSite
    ? 'Same site: cookies marked SameSite=Lax or Strict are still sent, so CSRF defences cannot rely on SameSite alone.'
    : 'Cross-site: credentialed requests carry only SameSite=None cookies.';
  return c.scheme.page === null ? [lead] : [lead, cookies];
}

/** Compares the page's origin with the URL it fetches; null when the URL does not parse. */
export function compareOrigins(pageOrigin: string, targetUrl: string): OriginComparison | null {
  if (!URL.canParse(targetUrl)) return null;
  const c = compareInSpec(pageOrigin, targetUrl);
  return { ...c, notes: [...plainNotes(c), ...c.notes] };
}

/** A report's comparison (read defensively: fields may be missing) with the plain-words lines first. */
export function withPlainNotes(
  c: Partial<OriginComparison> | null | undefined,
): Partial<OriginComparison> | null {
  if (c === null || c === undefined || typeof c !== 'object') return null;
  const complete = (['scheme', 'host', 'port'] as const).every(
    (k) => typeof c[k] === 'object' && c[k] !== null,
  );
  if (!complete || typeof c.sameOrigin !== 'boolean' || typeof c.sameSite !== 'boolean') return c;
  const notes = Array.isArray(c.notes) ? c.notes : [];
  return { ...c, notes: [...plainNotes(c as OriginComparison), ...notes] };
}
