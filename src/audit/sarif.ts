// SARIF 2.1.0 for GitHub code scanning: one rule per class (with security-severity and CWE tags), one
// result per finding located at the audited URL, stable fingerprints across runs.
import { createHash } from 'node:crypto';
import { AUDIT_CLASSES, AUDIT_FINDING_IDS, type AuditClass, type AuditSeverity } from './classes.js';
import type { AuditFinding } from './evidence.js';
import { fixFor } from './fixes.js';

/** What `toSarif` needs of each audited target. */
export interface SarifTarget {
  /** The audited URL (or the policy file): the result's location. */
  readonly url: string;
  readonly error: string | null;
  readonly findings: readonly AuditFinding[];
}

/** Options of `toSarif`. */
export interface SarifOptions {
  readonly toolVersion: string;
  readonly informationUri?: string;
}

type Level = 'error' | 'warning' | 'note';
type Text = { readonly text: string };
type Headers = Readonly<Record<string, string>>;

export interface SarifRule {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: Text;
  readonly fullDescription: Text;
  readonly help: Text & { readonly markdown: string };
  readonly defaultConfiguration: { readonly level: Level };
  readonly properties: {
    readonly 'security-severity': string;
    readonly tags: readonly string[];
    readonly precision: string;
  };
}

export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: Level;
  readonly message: Text;
  readonly locations: readonly {
    readonly physicalLocation: {
      readonly artifactLocation: { readonly uri: string };
      readonly region: { readonly startLine: number };
    };
  }[];
  readonly partialFingerprints: Headers;
  readonly webRequest?: { readonly target: string; readonly method: string; readonly headers: Headers };
  readonly webResponse?: { readonly statusCode: number; readonly headers: Headers };
  readonly properties: Readonly<Record<string, unknown>> & {
    readonly origin: string;
    readonly severity: AuditSeverity;
  };
}

/** A SARIF 2.1.0 log, as GitHub code scanning reads it. */
export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly {
    readonly tool: {
      readonly driver: {
        readonly name: 'corskit';
        readonly version: string;
        readonly semanticVersion: string;
        readonly informationUri?: string;
        readonly rules: readonly SarifRule[];
      };
    };
    readonly invocations: readonly {
      readonly executionSuccessful: boolean;
      readonly toolExecutionNotifications: readonly { readonly level: Level; readonly message: Text }[];
    }[];
    readonly results: readonly SarifResult[];
  }[];
}

const LEVEL: Readonly<Record<AuditSeverity, 'error' | 'warning' | 'note'>> = {
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub's scale: 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low. */
const SECURITY_SEVERITY: Readonly<Record<AuditSeverity, string>> = {
  high: '8.1',
  medium: '5.3',
  low: '3.1',
  info: '1.0',
};

const pascal = (id: string): string =>
  id
    .split('-')
    .map((w) => (w[0] ?? '').toUpperCase() + w.slice(1))
    .join('');

function rule(c: AuditClass): SarifRule {
  const fix = fixFor(c.id, {
    trusted: ['https://app.example.com'],
    derived: true,
    credentials: true,
    origin: '<origin>',
  });
  return {
    id: c.id,
    name: pascal(c.id),
    shortDescription: { text: c.title },
    fullDescription: { text: c.risk },
    help: {
      text: `${c.risk}\n\nFix: ${fix}`,
      markdown: `${c.risk}\n\n**Fix:** ${fix}\n\nSeverity: ${c.withCredentials} with \`Access-Control-Allow-Credentials: true\`, ${c.withoutCredentials} without. ${c.cwe}.`,
    },
    defaultConfiguration: { level: LEVEL[c.withCredentials] },
    properties: {
      'security-severity': SECURITY_SEVERITY[c.withCredentials],
      tags: ['security', `external/cwe/${c.cwe.toLowerCase()}`],
      precision: 'high',
    },
  };
}

function fingerprint(url: string, f: AuditFinding): string {
  // Stable across runs: never the random attacker origin.
  const where = f.evidence.config?.path ?? '';
  return createHash('sha256').update(`${url}\0${f.id}\0${where}`).digest('hex');
}

function result(t: SarifTarget, f: AuditFinding): SarifResult {
  const c = AUDIT_CLASSES[f.id];
  const creds = f.credentials ? ' with Access-Control-Allow-Credentials: true' : '';
  const where =
    f.evidence.config !== undefined ? ` (${f.evidence.config.path}: "${f.evidence.config.value}")` : '';
  return {
    ruleId: f.id,
    ruleIndex: AUDIT_FINDING_IDS.indexOf(f.id),
    level: LEVEL[f.severity],
    message: {
      text: `${c.title}${where}: allowed Origin ${f.origin}${creds} (${f.severity}). Fix: ${f.fix}`,
    },
    locations: [{ physicalLocation: { artifactLocation: { uri: t.url }, region: { startLine: 1 } } }],
    partialFingerprints: { 'corskitFinding/v1': fingerprint(t.url, f) },
    ...web(f),
    properties: {
      severity: f.severity,
      'security-severity': SECURITY_SEVERITY[f.severity],
      origin: f.origin,
      credentials: f.credentials,
      cwe: f.cwe,
      evidence: f.evidence,
    },
  };
}

/** The proving exchange as SARIF's webRequest and webResponse. */
function web(f: AuditFinding): Pick<SarifResult, 'webRequest' | 'webResponse'> {
  const e = f.evidence.exchanges[0];
  if (e === undefined) return {};
  const flat = (h: Readonly<Record<string, string | string[]>>) =>
    Object.fromEntries(Object.entries(h).map(([n, v]) => [n, Array.isArray(v) ? v.join(', ') : v]));
  return {
    webRequest: { target: e.request.url, method: e.request.method, headers: { ...e.request.headers } },
    webResponse: { statusCode: e.response.status, headers: flat(e.response.headers) },
  };
}

/** The SARIF log of an audit. Unreachable targets become tool execution notifications. */
export function toSarif(targets: readonly SarifTarget[], options: SarifOptions): SarifLog {
  const failures = targets.filter((t) => t.error !== null);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'corskit',
            version: options.toolVersion,
            semanticVersion: options.toolVersion,
            ...(options.informationUri !== undefined ? { informationUri: options.informationUri } : {}),
            rules: AUDIT_FINDING_IDS.map((id) => rule(AUDIT_CLASSES[id])),
          },
        },
        invocations: [
          {
            executionSuccessful: failures.length === 0,
            toolExecutionNotifications: failures.map((t) => ({
              level: 'error' as const,
              message: { text: `${t.url}: ${t.error}` },
            })),
          },
        ],
        results: targets.flatMap((t) => t.findings.map((f) => result(t, f))),
      },
    ],
  };
}
