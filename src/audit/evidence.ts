// What a finding shows: the request that proved it and the CORS headers of the answer.
import { asciiLowerCase } from '../spec/index.js';
import type { AuditFindingId, AuditSeverity } from './classes.js';
import type { Exchange } from './probe.js';

/** A request the audit sent and the CORS headers of the answer. */
export interface EvidenceExchange {
  readonly request: {
    readonly method: string;
    readonly url: string;
    readonly headers: Readonly<Record<string, string>>;
  };
  /** Status and the CORS-relevant headers (Access-Control-*, Vary), names in lower case. */
  readonly response: {
    readonly status: number;
    readonly headers: Readonly<Record<string, string | string[]>>;
  };
}

/** What proved a finding: the exchanges (or the config entry), and notes. */
export interface AuditEvidence {
  /** Which answer proved it: the actual response, the preflight's, or (static audit) the config. */
  readonly via: 'actual' | 'preflight' | 'config';
  readonly exchanges: readonly EvidenceExchange[];
  /** Static audit: where in the config. */
  readonly config?: { readonly path: string; readonly value: string };
  readonly note?: string;
  /** special-chars: the browsers whose pages can send the origins that worked. */
  readonly browsers?: readonly string[];
  /** Other origins of the same class that were allowed too. */
  readonly alsoProvedBy?: readonly string[];
}

/** One misconfiguration found: `{ id, severity, origin, credentials, evidence, cwe, fix }`. */
export interface AuditFinding {
  readonly id: AuditFindingId;
  readonly severity: AuditSeverity;
  /** The origin that proved it, exactly as sent. */
  readonly origin: string;
  /** Access-Control-Allow-Credentials was exactly `true` in the proving answer. */
  readonly credentials: boolean;
  readonly evidence: AuditEvidence;
  readonly cwe: string;
  readonly fix: string;
  /**
   * Where the trusted origin's own request fails (`*` with credentials, an invalid value): the complete
   * headers that make it pass, proven by the doctor's fix builder (the simulator allowed the replay).
   */
  readonly provenFix?: { readonly origin: string; readonly actual: readonly (readonly [string, string])[] };
}

const SECRET_HEADERS = new Set(['cookie', 'authorization', 'proxy-authorization']);

function isShown(name: string): boolean {
  return name.startsWith('access-control-') || name === 'vary';
}

/** The exchange as evidence; secrets (Cookie, Authorization) are redacted. */
export function evidenceOf(e: Exchange, cookieSent: boolean): EvidenceExchange {
  const headers: Record<string, string> = {};
  for (const [n, v] of e.request.headers) {
    const lower = asciiLowerCase(n);
    headers[n] = SECRET_HEADERS.has(lower) ? '(redacted)' : v;
  }
  if (e.request.credentials && cookieSent) headers.Cookie = '(redacted)';
  const response: Record<string, string | string[]> = {};
  let status = 0;
  if (!('networkError' in e.response)) {
    status = e.response.status;
    for (const [n, v] of e.response.headers) {
      const lower = asciiLowerCase(n);
      if (!isShown(lower)) continue;
      const prev = response[lower];
      response[lower] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
    }
  }
  return {
    request: { method: e.request.method, url: e.request.url, headers },
    response: { status, headers: response },
  };
}

/** Picks the strongest proof: an actual response over a preflight, with credentials over without. */
export function strongest(list: readonly Exchange[], credentials: (e: Exchange) => boolean): Exchange {
  const score = (e: Exchange) => (e.kind === 'actual' ? 2 : 0) + (credentials(e) ? 1 : 0);
  let best = list[0] as Exchange;
  for (const e of list) if (score(e) > score(best)) best = e;
  return best;
}

/** A sentence for proofs that need one: an error page, or a preflight-only flaw. */
export function proofNote(e: Exchange, originClass: boolean): string | undefined {
  const notes: string[] = [];
  if (originClass && e.kind !== 'actual') {
    notes.push(
      'Only the preflight allowed this origin: a page there can send non-simple requests (PUT, DELETE, JSON bodies) that run on the server, though the actual response does not let it read the answer.',
    );
  }
  const status = 'networkError' in e.response ? 0 : e.response.status;
  if (status >= 300) {
    notes.push(
      `The answer has status ${status}; an error or redirect page that allows the origin is as readable as a 200.`,
    );
  }
  return notes.length === 0 ? undefined : notes.join(' ');
}
