// The rules that `check` and `audit` share: what an observed answer reveals about the server (an origin
// reflected whatever it is, "null" allowed, `*` with credentials, a missing `Vary: Origin`, an
// Access-Control-Allow-Origin no browser accepts). One place decides; audit turns a hit into a finding,
// check into a warning, so the two never disagree on the same server.
import type { IncomingResponse, SimResult } from '../browser/index.js';
import {
  getHeader,
  getHeaderValues,
  type HeaderList,
  parseOriginHeader,
  variesOnOrigin,
} from '../spec/index.js';

/** One request sent with an Origin, and the server's answer. */
export interface ObservedExchange {
  /** `actual` for a request, the others for a preflight (audit asks preflights for odd methods too). */
  readonly kind: 'actual' | 'preflight' | 'preflight-method' | 'preflight-headers';
  /** The Origin header sent, exactly. */
  readonly origin: string;
  /** The origin was made up by the prober (an attacker's, a random one); null for the page's or a trusted one. */
  readonly probe: unknown;
  readonly response: IncomingResponse;
}

export type Answer = { readonly status: number; readonly headers: HeaderList };

/** The HTTP answer, or null for a network failure. */
export function answerOf(e: ObservedExchange): Answer | null {
  return 'networkError' in e.response ? null : e.response;
}

/** Access-Control-Allow-Origin of the answer (several lines joined, as browsers read it). */
export function allowOriginOf(e: ObservedExchange): string | null {
  const a = answerOf(e);
  return a === null ? null : getHeader(a.headers, 'Access-Control-Allow-Origin');
}

/** The answer allows exactly the origin sent, byte for byte. */
export function reflects(e: ObservedExchange): boolean {
  return allowOriginOf(e) === e.origin;
}

/** Access-Control-Allow-Credentials is exactly `true`. */
export function allowsCredentials(e: ObservedExchange): boolean {
  const a = answerOf(e);
  return a !== null && getHeader(a.headers, 'Access-Control-Allow-Credentials') === 'true';
}

/** Answers that allow the origin "null". */
export function allowsNullOrigin<E extends ObservedExchange>(exchanges: readonly E[]): E[] {
  return exchanges.filter((e) => e.origin === 'null' && reflects(e));
}

/** Made-up origins the server allowed: it reflects whatever it gets. */
export function reflectedProbes<E extends ObservedExchange>(exchanges: readonly E[]): E[] {
  return exchanges.filter((e) => e.probe !== null && e.origin !== 'null' && reflects(e));
}

/** Answers of `*` with credentials: broken for credentialed requests, and a sign of a fallback echo. */
export function wildcardWithCredentials<E extends ObservedExchange>(exchanges: readonly E[]): E[] {
  return exchanges.filter((e) => allowOriginOf(e) === '*' && allowsCredentials(e));
}

/** Why an Access-Control-Allow-Origin value is not one a browser can match, or null when it is fine. */
export function invalidAllowOriginReason(values: readonly string[]): string | null {
  if (values.length === 0) return null;
  if (values.length > 1) return `${values.length} Access-Control-Allow-Origin headers in one response`;
  const v = values[0] as string;
  if (v === '*' || v === 'null') return null;
  if (v.includes('*')) return `a pattern ("${v}"), which browsers compare literally`;
  if (parseOriginHeader(v).ok) return null;
  if (v.includes(',') || v.trim().includes(' ')) return `a list of origins ("${v}")`;
  if (v.endsWith('/')) return `a trailing slash ("${v}")`;
  return `"${v}", which is not a serialized origin`;
}

/** Answers whose Access-Control-Allow-Origin no browser accepts (an echo is judged as a reflection). */
export function invalidAllowOrigin<E extends ObservedExchange>(exchanges: readonly E[]): E[] {
  return exchanges.filter((e) => {
    const a = answerOf(e);
    return (
      a !== null &&
      !reflects(e) &&
      invalidAllowOriginReason(getHeaderValues(a.headers, 'Access-Control-Allow-Origin')) !== null
    );
  });
}

/**
 * A missing `Vary: Origin`, proven: an actual answer allowed its origin without Vary, and another
 * origin got a different Access-Control-Allow-Origin. A fixed value that never changes needs no Vary.
 */
export function missingVaryOrigin<E extends ObservedExchange>(
  exchanges: readonly E[],
): { readonly first: E; readonly other: E; readonly note: string } | null {
  const actual = exchanges.filter((e) => e.kind === 'actual' && answerOf(e) !== null);
  const allowing = actual.filter(reflects);
  const lacking = allowing.filter((e) => {
    const a = answerOf(e);
    return a !== null && !variesOnOrigin(a.headers);
  });
  if (lacking.length === 0) return null;
  const first = lacking.find((e) => e.probe === null) ?? (lacking[0] as E);
  const other =
    allowing.find((e) => e.origin !== first.origin && e.probe === null) ??
    allowing.find((e) => e.origin !== first.origin) ??
    actual.find((e) => allowOriginOf(e) !== allowOriginOf(first));
  if (other === undefined) return null;
  const answer = allowOriginOf(other);
  const note = `Access-Control-Allow-Origin was ${first.origin} for Origin ${first.origin} and ${answer === null ? 'absent' : answer} for Origin ${other.origin}, and the response for ${first.origin} has no "Vary: Origin".`;
  return { first, other, note };
}

/** A risk check reports: the audit's finding id, and what it means for the user. */
export interface Risk {
  readonly id:
    | 'reflect-any-origin'
    | 'null-origin'
    | 'wildcard-with-credentials'
    | 'invalid-allow-origin'
    | 'missing-vary-origin';
  readonly credentials: boolean;
  readonly message: string;
}

/** The shared rules over what was observed, as check reports them (audit runs the same predicates). */
export function observedRisks(exchanges: readonly ObservedExchange[], url: string): Risk[] {
  const out: Risk[] = [];
  const audit = `Run \`corskit audit ${url}\` for the whole picture.`;
  const reflected = reflectedProbes(exchanges);
  if (reflected.length > 0) {
    const e = reflected[0] as ObservedExchange;
    const creds = allowsCredentials(e);
    out.push({
      id: 'reflect-any-origin',
      credentials: creds,
      message: `The server also allowed ${e.origin}, an origin nobody configured: it reflects any Origin${creds ? " with credentials, so any site can read your users' data" : ''}. ${audit}`,
    });
  }
  const nulls = allowsNullOrigin(exchanges);
  if (nulls.length > 0) {
    const creds = nulls.some(allowsCredentials);
    out.push({
      id: 'null-origin',
      credentials: creds,
      message: `The server allows the origin "null"${creds ? ' with credentials' : ''}: any site can send "Origin: null" from a sandboxed iframe or a data: URL${creds ? " and read your users' data" : ''}. Serve the page from a real origin and allow only that. ${audit}`,
    });
  }
  const star = wildcardWithCredentials(exchanges);
  if (star.length > 0)
    out.push({
      id: 'wildcard-with-credentials',
      credentials: true,
      message:
        'The server sends "Access-Control-Allow-Origin: *" with "Access-Control-Allow-Credentials: true": browsers refuse that for credentialed requests, and servers that try it often fall back to reflecting any origin.',
    });
  const invalid = invalidAllowOrigin(exchanges);
  if (invalid.length > 0) {
    const a = answerOf(invalid[0] as ObservedExchange);
    const reason = invalidAllowOriginReason(getHeaderValues(a?.headers ?? [], 'Access-Control-Allow-Origin'));
    out.push({
      id: 'invalid-allow-origin',
      credentials: allowsCredentials(invalid[0] as ObservedExchange),
      message: `The server sent ${reason} in Access-Control-Allow-Origin: no browser matches it. Send exactly one serialized origin, or "*".`,
    });
  }
  const vary = missingVaryOrigin(exchanges);
  if (vary !== null)
    out.push({
      id: 'missing-vary-origin',
      credentials: allowsCredentials(vary.first),
      message: `${vary.note} A shared cache can serve one origin's answer to another: add "Vary: Origin" to every response whose CORS headers depend on Origin.`,
    });
  return out;
}

/** The page's requests in a simulated run and the answers to them, as these rules read them. */
export function observedExchanges(result: SimResult): ObservedExchange[] {
  const out: ObservedExchange[] = [];
  let origin: string | null = null;
  let kind: ObservedExchange['kind'] = 'actual';
  for (const e of result.events) {
    if (e.step === 'request' || e.step === 'preflight-request') {
      origin = getHeader(e.headers, 'Origin');
      kind = e.step === 'request' ? 'actual' : 'preflight';
    }
    if ((e.step === 'response' || e.step === 'preflight-response') && origin !== null) {
      out.push({ kind, origin, probe: null, response: { status: e.status, headers: e.headers } });
      origin = null;
    }
  }
  return out;
}
