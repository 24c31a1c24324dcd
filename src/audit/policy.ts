// Static audit of a corskit policy config: the same classes as the live audit, with no network. Each
// configured entry is judged on its own; a valid config is then also probed in process (decide() with
// the live audit's attacker origins), which catches what an originLookup function lets through.
import type { IncomingResponse, OutgoingRequest, Transport } from '../browser/index.js';
import {
  type ConfigProblem,
  type CorsPolicy,
  type CorsPolicyConfig,
  createCorsPolicy,
} from '../policy/index.js';
import {
  formatOriginPattern,
  isLoopbackHost,
  type OriginPattern,
  parseOriginPattern,
} from '../policy/origins.js';
import { validateConfig } from '../policy/validate.js';
import { registrableDomain } from '../spec/index.js';
import { auditTarget } from './audit.js';
import { AUDIT_CLASSES, type AuditFindingId, severityOf } from './classes.js';
import { sortFindings } from './classify.js';
import type { AuditFinding, EvidenceExchange } from './evidence.js';
import { randomLabel, THIRD_PARTY_ORIGINS } from './origins.js';

/** What `auditPolicy` returns: whether `createCorsPolicy` accepts the config, its problems, and the findings. */
export interface PolicyAuditReport {
  /** Whether createCorsPolicy accepts the config. */
  readonly valid: boolean;
  /** What createCorsPolicy refuses, each with its fix. */
  readonly problems: readonly ConfigProblem[];
  readonly findings: readonly AuditFinding[];
}

/** Options of `auditPolicy`. */
export interface PolicyAuditOptions {
  /** Source of random DNS labels (tests). */
  readonly label?: () => string;
}

interface Hit {
  readonly id: AuditFindingId;
  /** An origin the entry admits that an attacker can use. */
  readonly origin: string;
  readonly path: string;
  readonly value: string;
  readonly fix: string;
}

const THIRD_PARTY_HOSTS = new Set(THIRD_PARTY_ORIGINS.map((o) => new URL(o).hostname));

interface EntryContext {
  readonly p: OriginPattern;
  readonly path: string;
  readonly label: () => string;
  /** The entry's port as written (`:8080`), or '' for the default or any port. */
  readonly port: string;
}

const hitOf = (c: EntryContext, id: AuditFindingId, origin: string, fix: string): Hit => ({
  id,
  origin,
  path: c.path,
  value: c.p.source,
  fix,
});

/** `*.example.com`: every subdomain; `*.github.io`: anyone's. */
function subdomainHit(c: EntryContext): Hit | null {
  const { p, path } = c;
  if (!p.subdomains) return null;
  const origin = `${p.scheme}://${c.label()}.${p.host}${c.port}`;
  if (registrableDomain(p.host) === null) {
    return hitOf(
      c,
      'third-party-origin',
      origin,
      `remove "${p.source}" (${path}): anyone can register a name under ${p.host}`,
    );
  }
  const fix = `replace "${p.source}" (${path}) with the subdomains that serve your front ends, e.g. "${p.scheme}://app.${p.host}"`;
  return hitOf(c, 'any-subdomain', origin, fix);
}

function thirdPartyHit(c: EntryContext): Hit | null {
  const { p } = c;
  if (p.subdomains || !THIRD_PARTY_HOSTS.has(p.host)) return null;
  const fix = `remove "${p.source}" (${c.path}): anyone can publish a page there`;
  return hitOf(c, 'third-party-origin', `${p.scheme}://${p.host}${c.port}`, fix);
}

function localhostHit(c: EntryContext): Hit | null {
  const { p } = c;
  if (!isLoopbackHost(p.host)) return null;
  const fix = `remove "${p.source}" (${c.path}) from the production config; add local origins only in development builds`;
  return hitOf(c, 'localhost-trusted', `${p.scheme}://${p.host}${p.port === '*' ? ':3000' : c.port}`, fix);
}

function httpHit(c: EntryContext): Hit | null {
  const { p } = c;
  if (p.scheme !== 'http' || isLoopbackHost(p.host)) return null;
  const https = formatOriginPattern({ ...p, scheme: 'https', port: p.port === 80 ? null : p.port });
  const origin = `http://${p.subdomains ? `${c.label()}.` : ''}${p.host}${c.port}`;
  return hitOf(c, 'http-origin-trusted', origin, `replace "${p.source}" with "${https}" (${c.path})`);
}

function anyPortHit(c: EntryContext): Hit | null {
  const { p } = c;
  if (p.port !== '*' || isLoopbackHost(p.host)) return null;
  const origin = `${p.scheme}://${p.subdomains ? `${c.label()}.` : ''}${p.host}:8443`;
  const fix = `write the exact port in "${p.source}" (${c.path}), e.g. "${p.scheme}://${p.host}:8443"`;
  return hitOf(c, 'other-port-trusted', origin, fix);
}

const ENTRY_RULES = [subdomainHit, thirdPartyHit, localhostHit, httpHit, anyPortHit];

function patternHits(p: OriginPattern, path: string, label: () => string): Hit[] {
  const c: EntryContext = { p, path, label, port: typeof p.port === 'number' ? `:${p.port}` : '' };
  return ENTRY_RULES.map((rule) => rule(c)).filter((h): h is Hit => h !== null);
}

function entryHits(entry: unknown, path: string, label: () => string): Hit[] {
  if (typeof entry !== 'string' || entry === '*') return [];
  if (entry === 'null') {
    return [
      {
        id: 'null-origin',
        origin: 'null',
        path,
        value: entry,
        fix: `remove "null" (${path}): sandboxed iframes and data: URLs of any site send it; list the page's real origin`,
      },
    ];
  }
  const p = parseOriginPattern(entry);
  if ('message' in p) {
    return [{ id: 'invalid-allow-origin', origin: entry, path, value: entry, fix: `${p.message}: ${p.fix}` }];
  }
  return patternHits(p, path, label);
}

function wildcardHit(credentials: boolean, label: () => string): Hit {
  const origin = `https://${label()}.com`;
  return credentials
    ? {
        id: 'wildcard-with-credentials',
        origin,
        path: 'origins',
        value: '*',
        fix: 'set credentials: false for a public resource, or list the origins that may send credentials',
      }
    : {
        id: 'wildcard-origin',
        origin,
        path: 'origins',
        value: '*',
        fix: 'nothing to do for public data; if the resource is private by network position, list the origins instead of "*"',
      };
}

/** methods: '*' and requestHeaders: '*' grant whatever a preflight asks; proved from an allowed origin. */
function echoHits(config: Record<string, unknown>, origin: string): Hit[] {
  const hits: Hit[] = [];
  if (config.methods === '*') {
    const fix = "list the methods pages may use, e.g. methods: ['PUT', 'DELETE']";
    hits.push({ id: 'preflight-reflects-method', origin, path: 'methods', value: '*', fix });
  }
  if (config.requestHeaders === '*') {
    const fix =
      "list the request headers pages may send, e.g. requestHeaders: ['Content-Type', 'X-Request-Id']";
    hits.push({ id: 'preflight-reflects-headers', origin, path: 'requestHeaders', value: '*', fix });
  }
  return hits;
}

function configHits(config: Record<string, unknown>, label: () => string): Hit[] {
  const hits: Hit[] = [];
  const origins = config.origins;
  if (origins === '*') hits.push(wildcardHit(config.credentials === true, label));
  else if (Array.isArray(origins)) {
    origins.forEach((entry, i) => {
      hits.push(...entryHits(entry, `origins[${i}]`, label));
    });
  }
  const allowed = configuredOrigins(config).find((o) => !o.includes('*'));
  return [...hits, ...echoHits(config, allowed ?? `https://${label()}.com`)];
}

/** What the policy answers `origin` (a GET, or for the echo classes a preflight), as evidence. */
async function decisionEvidence(
  policy: CorsPolicy,
  hit: Hit,
  label: () => string,
): Promise<EvidenceExchange> {
  const request: Record<string, string> = { Origin: hit.origin };
  let method = 'GET';
  if (hit.id === 'preflight-reflects-method' || hit.id === 'preflight-reflects-headers') {
    method = 'OPTIONS';
    const odd = hit.id === 'preflight-reflects-method';
    request['Access-Control-Request-Method'] = odd ? `CORSKIT${label().toUpperCase()}` : 'POST';
    if (!odd) request['Access-Control-Request-Headers'] = `x-corskit-${label()}`;
  }
  const lower = Object.fromEntries(Object.entries(request).map(([k, v]) => [k.toLowerCase(), v]));
  const d = await policy.decide({ method, headers: lower });
  const headers: Record<string, string> = {};
  for (const [n, v] of d.headers) headers[n.toLowerCase()] = v;
  if (d.vary.length > 0) headers.vary = d.vary.join(', ');
  return {
    request: { method, url: '(policy.decide)', headers: request },
    response: { status: d.status ?? 200, headers },
  };
}

async function toFinding(
  hit: Hit,
  credentials: boolean,
  policy: CorsPolicy | null,
  label: () => string,
): Promise<AuditFinding> {
  const exchanges = policy === null ? [] : [await decisionEvidence(policy, hit, label)];
  return {
    id: hit.id,
    severity: severityOf(hit.id, credentials),
    origin: hit.origin,
    credentials,
    evidence: { via: 'config', exchanges, config: { path: hit.path, value: hit.value } },
    cwe: AUDIT_CLASSES[hit.id].cwe,
    fix: hit.fix,
  };
}

/** Answers requests with policy.decide(), so the live audit can run against a config in process. */
function policyTransport(policy: CorsPolicy): Transport {
  return async (req: OutgoingRequest): Promise<IncomingResponse> => {
    const headers: Record<string, string> = {};
    for (const [n, v] of req.headers) headers[n.toLowerCase()] = v;
    const d = await policy.decide({ method: req.method, headers });
    const out: [string, string][] = d.headers.map(([n, v]) => [n, v]);
    if (d.vary.length > 0) out.push(['Vary', d.vary.join(', ')]);
    return { status: d.status ?? 200, headers: out };
  };
}

/** The configured patterns, the trusted origins of the in-process probe. */
function configuredOrigins(config: Record<string, unknown>): string[] {
  if (!Array.isArray(config.origins)) return [];
  return config.origins.filter(
    (o): o is string => typeof o === 'string' && !('message' in parseOriginPattern(o)),
  );
}

async function probeInProcess(
  policy: CorsPolicy,
  config: Record<string, unknown>,
  label: () => string,
): Promise<AuditFinding[]> {
  const trusted = configuredOrigins(config);
  const first = trusted.map((o) => parseOriginPattern(o) as OriginPattern).find((p) => !p.subdomains);
  const target = first === undefined ? 'https://api.example.com/' : `${first.scheme}://${first.host}/`;
  const result = await auditTarget(target, {
    trustedOrigins: trusted,
    transport: policyTransport(policy),
    label,
  });
  return [...result.findings];
}

/** Audits a corskit policy config (as createCorsPolicy takes it) for the live audit's classes. */
export async function auditPolicy(
  config: unknown,
  options: PolicyAuditOptions = {},
): Promise<PolicyAuditReport> {
  const label = options.label ?? randomLabel;
  const validation = validateConfig(config);
  const problems = validation.ok ? [] : validation.problems;
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    return { valid: false, problems, findings: [] };
  }
  const raw = config as Record<string, unknown>;
  const policy = validation.ok ? createCorsPolicy(config as CorsPolicyConfig) : null;
  const credentials = raw.credentials === true;
  const findings = await Promise.all(
    configHits(raw, label).map((h) => toFinding(h, credentials, policy, label)),
  );
  if (policy !== null) {
    const seen = new Set(findings.map((f) => f.id));
    for (const f of await probeInProcess(policy, raw, label)) if (!seen.has(f.id)) findings.push(f);
  }
  return { valid: validation.ok, problems, findings: sortFindings(findings) };
}
