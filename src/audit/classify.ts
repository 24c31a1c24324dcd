// From the answers to the findings: every class is judged on every run. A class is not reported when
// a broader flaw that was proven explains all its origins (a server that echoes everything also echoes
// app.example.com.attacker.com: that is one finding, reflect-any-origin, not ten).

import { simulate } from '../browser/index.js';
import { buildFix } from '../doctor/fixes.js';
import {
  invalidAllowOrigin,
  invalidAllowOriginReason,
  missingVaryOrigin,
  wildcardWithCredentials,
} from '../doctor/risks.js';
import {
  asciiCaseInsensitiveEquals,
  extractHeaderListValues,
  getHeaderValues,
  isIpAddress,
} from '../spec/index.js';
import { AUDIT_CLASSES, type AuditFindingId, compareSeverity, severityOf } from './classes.js';
import { type AuditEvidence, type AuditFinding, evidenceOf, proofNote, strongest } from './evidence.js';
import { fixFor } from './fixes.js';
import { acceptanceCovers, type OriginClassId, type TrustedOrigins } from './origins.js';
import { allowOriginOf, allowsCredentials, answerOf, type Exchange, reflects } from './probe.js';

export interface ClassifyContext {
  readonly targetHost: string;
  readonly trusted: TrustedOrigins;
  readonly cookieSent: boolean;
  /** The odd method and header asked for in the echo preflights. */
  readonly oddMethod: string;
  readonly oddHeader: string;
}

const ORDER = Object.keys(AUDIT_CLASSES) as AuditFindingId[];

function finding(
  id: AuditFindingId,
  proof: Exchange,
  ctx: ClassifyContext,
  extra: Partial<AuditEvidence> & {
    readonly others?: readonly Exchange[];
    readonly originClass?: boolean;
  } = {},
): AuditFinding {
  const credentials = allowsCredentials(proof);
  const { others = [], originClass = false, ...rest } = extra;
  const note = [extra.note, proofNote(proof, originClass)].filter((n) => n !== undefined).join(' ');
  const evidence: AuditEvidence = {
    via: proof.kind === 'actual' ? 'actual' : 'preflight',
    exchanges: [proof, ...others].map((e) => evidenceOf(e, ctx.cookieSent)),
    ...rest,
    ...(note === '' ? {} : { note }),
  };
  return {
    id,
    severity: severityOf(id, credentials),
    origin: proof.origin,
    credentials,
    evidence,
    cwe: AUDIT_CLASSES[id].cwe,
    fix: fixFor(id, {
      trusted: ctx.trusted.patterns.map((p) => p.source),
      derived: ctx.trusted.derived,
      credentials,
      origin: proof.origin,
    }),
  };
}

/** Another class's proven origin explains `e` when its shape covers `e` and not the other way round. */
function isExplained(e: Exchange, reflected: readonly Exchange[]): boolean {
  const own = e.probe?.accepts;
  return reflected.some((q) => {
    const a = q.probe?.accepts;
    if (a === undefined || q.probe?.id === e.probe?.id) return false;
    return acceptanceCovers(a, e.origin) && !(own !== undefined && acceptanceCovers(own, q.origin));
  });
}

function originFindings(exchanges: readonly Exchange[], ctx: ClassifyContext): AuditFinding[] {
  const reflected = exchanges.filter((e) => e.probe !== null && reflects(e));
  const groups = new Map<OriginClassId, Exchange[]>();
  for (const e of reflected) {
    if (isExplained(e, reflected)) continue;
    const id = e.probe?.id as OriginClassId;
    groups.set(id, [...(groups.get(id) ?? []), e]);
  }
  return [...groups].map(([id, list]) => {
    const proof = strongest(list, allowsCredentials);
    const also = [...new Set(list.map((e) => e.origin))].filter((o) => o !== proof.origin).slice(0, 8);
    return finding(id, proof, ctx, {
      originClass: true,
      ...(also.length > 0 ? { alsoProvedBy: also } : {}),
      ...(id === 'special-chars' ? specialCharsDetail(list) : {}),
    });
  });
}

function specialCharsDetail(list: readonly Exchange[]): Partial<AuditEvidence> {
  const parts = new Map<string, readonly string[]>();
  for (const e of list) if (e.probe?.char !== undefined) parts.set(e.probe.char, e.probe.browsers ?? []);
  const browsers = [...new Set([...parts.values()].flat())];
  const described = [...parts].map(
    ([c, b]) => `${c} (${b.length === 3 ? 'all browsers' : `${b.join(', ')} only`})`,
  );
  return { browsers, note: `Characters accepted after the trusted host: ${described.join(', ')}.` };
}

function wildcardFindings(exchanges: readonly Exchange[], ctx: ClassifyContext): AuditFinding[] {
  const star = exchanges.filter((e) => allowOriginOf(e) === '*');
  if (star.length === 0) return [];
  const withCreds = wildcardWithCredentials(star);
  if (withCreds.length > 0)
    return [
      finding(
        'wildcard-with-credentials',
        strongest(withCreds, () => true),
        ctx,
      ),
    ];
  const host = ctx.targetHost;
  const isPrivate =
    host === 'localhost' || isIpAddress(host) || host.endsWith('.local') || host.endsWith('.internal');
  const note = isPrivate
    ? `The target (${host}) is a local or IP address: if only the network position protects it, any website the user visits can read it, which is high.`
    : undefined;
  return [
    finding(
      'wildcard-origin',
      strongest(star, () => false),
      ctx,
      note === undefined ? {} : { note },
    ),
  ];
}

export { invalidAllowOriginReason };

function invalidFindings(exchanges: readonly Exchange[], ctx: ClassifyContext): AuditFinding[] {
  // An echo of what was sent is judged as a reflection, not here.
  const bad = invalidAllowOrigin(exchanges);
  if (bad.length === 0) return [];
  const trustedFirst = bad.filter((e) => e.probe === null);
  const proof = strongest(trustedFirst.length > 0 ? trustedFirst : bad, allowsCredentials);
  const a = answerOf(proof);
  const reason = invalidAllowOriginReason(getHeaderValues(a?.headers ?? [], 'Access-Control-Allow-Origin'));
  return [finding('invalid-allow-origin', proof, ctx, { note: `The server sent ${reason}.` })];
}

function varyFindings(exchanges: readonly Exchange[], ctx: ClassifyContext): AuditFinding[] {
  const proof = missingVaryOrigin(exchanges);
  if (proof === null) return [];
  return [finding('missing-vary-origin', proof.first, ctx, { others: [proof.other], note: proof.note })];
}

/** Whether an Access-Control-Allow-Methods or -Headers list grants `wanted`, read as browsers read it. */
function listHas(e: Exchange, header: string, wanted: string, caseless: boolean): boolean {
  const a = answerOf(e);
  if (a === null) return false;
  const list = extractHeaderListValues(getHeaderValues(a.headers, header), UNCAPPED);
  if (list === null || !list.ok) return false;
  return list.values.some((item) => (caseless ? asciiCaseInsensitiveEquals(item, wanted) : item === wanted));
}

/** Servers' answers are read uncapped, as browsers read them. */
const UNCAPPED = { maxElements: Number.POSITIVE_INFINITY, maxBytes: Number.POSITIVE_INFINITY } as const;

function echoFindings(exchanges: readonly Exchange[], ctx: ClassifyContext): AuditFinding[] {
  const out: AuditFinding[] = [];
  const method = exchanges.filter(
    (e) => e.kind === 'preflight-method' && listHas(e, 'Access-Control-Allow-Methods', ctx.oddMethod, false),
  );
  if (method.length > 0) {
    const note = `Asked for the made-up method ${ctx.oddMethod}; Access-Control-Allow-Methods granted it.`;
    out.push(finding('preflight-reflects-method', strongest(method, reflects), ctx, { note }));
  }
  const headers = exchanges.filter(
    (e) => e.kind === 'preflight-headers' && listHas(e, 'Access-Control-Allow-Headers', ctx.oddHeader, true),
  );
  if (headers.length > 0) {
    const note = `Asked for the made-up header ${ctx.oddHeader}; Access-Control-Allow-Headers granted it.`;
    out.push(finding('preflight-reflects-headers', strongest(headers, reflects), ctx, { note }));
  }
  return out;
}

/** All findings for one target, most severe first, then in the order of docs/audit.md. */
export function classify(exchanges: readonly Exchange[], ctx: ClassifyContext): AuditFinding[] {
  const all = [
    ...originFindings(exchanges, ctx),
    ...wildcardFindings(exchanges, ctx),
    ...invalidFindings(exchanges, ctx),
    ...varyFindings(exchanges, ctx),
    ...echoFindings(exchanges, ctx),
  ];
  return sortFindings(all.map((f) => withProvenFix(f, exchanges, ctx)));
}

/** Findings that break the trusted origin's own request get the doctor's proven fix for it. */
function withProvenFix(f: AuditFinding, exchanges: readonly Exchange[], ctx: ClassifyContext): AuditFinding {
  if (f.id !== 'wildcard-with-credentials' && f.id !== 'invalid-allow-origin') return f;
  const trusted = exchanges.find((e) => e.probe === null && e.kind === 'actual' && answerOf(e) !== null);
  const answer = trusted === undefined ? null : answerOf(trusted);
  if (trusted === undefined || answer === null) return f;
  const credentials = f.credentials || ctx.cookieSent ? 'include' : 'same-origin';
  const request = { url: trusted.request.url, method: 'GET', credentials, mode: 'cors' } as const;
  const scenario = {
    origin: trusted.origin,
    request: { ...request },
    server: { actual: { status: answer.status, headers: answer.headers.map(([n, v]) => [n, v]) } },
  };
  const result = simulate(scenario as never);
  if (result.outcome !== 'blocked') return f;
  const { fix } = buildFix({ origin: trusted.origin, request, result });
  if (fix === null) return f;
  const said = fix.actual.map(([n, v]) => `${n}: ${v}`).join('; ');
  return {
    ...f,
    fix: `${f.fix} Proven for ${trusted.origin}: answer its request with ${said}.`,
    provenFix: { origin: trusted.origin, actual: fix.actual },
  };
}

export function sortFindings(list: readonly AuditFinding[]): AuditFinding[] {
  return [...list].sort(
    (a, b) => compareSeverity(a.severity, b.severity) || ORDER.indexOf(a.id) - ORDER.indexOf(b.id),
  );
}
