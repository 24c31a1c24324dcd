// The misconfiguration classes of `corskit audit` (ids listed in docs/audit.md, severities from
// reference/misconfigurations.md): what each means, how bad it is with and without credentials, its CWE.

/** The stable id of a class of misconfiguration (`reflect-any-origin`, `null-origin`, ...). */
export type AuditFindingId =
  | 'reflect-any-origin'
  | 'null-origin'
  | 'prefix-match'
  | 'suffix-match'
  | 'substring-match'
  | 'unescaped-dot'
  | 'special-chars'
  | 'any-subdomain'
  | 'http-origin-trusted'
  | 'third-party-origin'
  | 'localhost-trusted'
  | 'other-port-trusted'
  | 'wildcard-origin'
  | 'wildcard-with-credentials'
  | 'invalid-allow-origin'
  | 'missing-vary-origin'
  | 'preflight-reflects-method'
  | 'preflight-reflects-headers';

/** A finding's severity, most to least severe: high, medium, low, info. */
export type AuditSeverity = 'high' | 'medium' | 'low' | 'info';

/** A class of misconfiguration: its id, what it means, its severities and CWE. */
export interface AuditClass {
  readonly id: AuditFindingId;
  /** One line: what the server does wrong. */
  readonly title: string;
  /** Why it matters, in a sentence or two. */
  readonly risk: string;
  /** Severity when Access-Control-Allow-Credentials is exactly `true`, and when it is not. */
  readonly withCredentials: AuditSeverity;
  readonly withoutCredentials: AuditSeverity;
  readonly cwe: string;
}

const PERMISSIVE = 'CWE-942';

const cls = (
  id: AuditFindingId,
  title: string,
  risk: string,
  withCredentials: AuditSeverity,
  withoutCredentials: AuditSeverity = withCredentials,
  cwe = PERMISSIVE,
): AuditClass => Object.freeze({ id, title, risk, withCredentials, withoutCredentials, cwe });

const READS_SESSION =
  "a page there reads responses with the user's cookies; without credentials it still reads whatever the network position grants (intranets, IP allowlists)";

/** Every class, in the order of docs/audit.md. */
export const AUDIT_CLASSES: Readonly<Record<AuditFindingId, AuditClass>> = Object.freeze({
  'reflect-any-origin': cls(
    'reflect-any-origin',
    'The server echoes any Origin in Access-Control-Allow-Origin',
    `Any website is allowed: ${READS_SESSION}.`,
    'high',
    'medium',
  ),
  'null-origin': cls(
    'null-origin',
    'The server trusts the origin "null"',
    `Any site can send Origin: null from a sandboxed iframe or a data: URL: ${READS_SESSION}.`,
    'high',
    'medium',
  ),
  'prefix-match': cls(
    'prefix-match',
    'The origin check looks only at the start of the origin',
    `An attacker registers a domain that begins with a trusted origin (trusted.example.com.attacker.com): ${READS_SESSION}.`,
    'high',
    'medium',
  ),
  'suffix-match': cls(
    'suffix-match',
    'The origin check looks only at the end of the origin, without a dot boundary',
    `An attacker registers a domain that ends with a trusted name (attackerexample.com): ${READS_SESSION}.`,
    'high',
    'medium',
  ),
  'substring-match': cls(
    'substring-match',
    'The origin check looks for a substring',
    `An attacker registers a domain that contains, or is contained in, a trusted name: ${READS_SESSION}.`,
    'high',
    'medium',
  ),
  'unescaped-dot': cls(
    'unescaped-dot',
    'The origin check is a regular expression with an unescaped "."',
    `"." matches any character, so an attacker registers appxexample.com: ${READS_SESSION}.`,
    'high',
    'medium',
  ),
  'special-chars': cls(
    'special-chars',
    'The origin check splits the host at characters some browsers accept in host names',
    `An attacker serves a page at trusted.example.com_.attacker.com (or with another special character): ${READS_SESSION}.`,
    'high',
    'medium',
  ),
  'any-subdomain': cls(
    'any-subdomain',
    'The server trusts every subdomain',
    "One XSS, one user-content host or one taken-over (dangling DNS) subdomain is enough to read users' data.",
    'medium',
    'low',
  ),
  'http-origin-trusted': cls(
    'http-origin-trusted',
    'An https resource trusts a plain-http origin',
    "Anyone on the network path (public Wi-Fi) can inject script into the http origin and read users' data through it.",
    'medium',
    'low',
  ),
  'third-party-origin': cls(
    'third-party-origin',
    'The server trusts an origin where anyone can publish',
    `Anyone can host a page on shared hosting (github.io, codepen.io, jsfiddle.net...): ${READS_SESSION}.`,
    'high',
    'medium',
  ),
  'localhost-trusted': cls(
    'localhost-trusted',
    'The server trusts local development origins',
    "Any program the user runs that serves a page on localhost (or any local XSS) can read users' data.",
    'medium',
    'low',
  ),
  'other-port-trusted': cls(
    'other-port-trusted',
    'The server trusts every port of a trusted host',
    'Any other service on that host (an admin panel, a dev server) becomes trusted.',
    'low',
    'info',
  ),
  'wildcard-origin': cls(
    'wildcard-origin',
    'Access-Control-Allow-Origin: * (any site may read the response, without credentials)',
    'Fine for public data; a serious leak if the resource is private by network position (an intranet, an IP allowlist).',
    'info',
  ),
  'wildcard-with-credentials': cls(
    'wildcard-with-credentials',
    'Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true',
    'Browsers refuse this answer for credentialed requests, so it is broken; servers that try it often fall back to reflecting any origin.',
    'medium',
  ),
  'invalid-allow-origin': cls(
    'invalid-allow-origin',
    'Access-Control-Allow-Origin holds a value no browser accepts',
    'Several values, a list, a trailing slash or a pattern such as *.example.com never match: requests fail.',
    'low',
  ),
  'missing-vary-origin': cls(
    'missing-vary-origin',
    'The allowed origin depends on the request but Vary: Origin is missing',
    "A shared cache (CDN, proxy) can serve one origin's answer to another: cache poisoning, or pages broken at random.",
    'medium',
    'medium',
    'CWE-524',
  ),
  'preflight-reflects-method': cls(
    'preflight-reflects-method',
    'The preflight echoes whatever Access-Control-Request-Method asks for',
    'Every method is allowed, including ones the API never meant to expose to pages (DELETE, custom verbs).',
    'low',
  ),
  'preflight-reflects-headers': cls(
    'preflight-reflects-headers',
    'The preflight echoes whatever Access-Control-Request-Headers asks for',
    'Every request header is allowed, including ones that change how the server treats the request.',
    'low',
  ),
});

/** Every finding id, in the order findings are reported. */
export const AUDIT_FINDING_IDS = Object.freeze(Object.keys(AUDIT_CLASSES) as AuditFindingId[]);

const RANK: Readonly<Record<AuditSeverity, number>> = { high: 3, medium: 2, low: 1, info: 0 };

/** The severity of a finding: the reference's, raised when credentials are exactly `true`. */
export function severityOf(id: AuditFindingId, credentials: boolean): AuditSeverity {
  const c = AUDIT_CLASSES[id];
  return credentials ? c.withCredentials : c.withoutCredentials;
}

/** True when `severity` is at or above `threshold` (info is never at or above low). */
export function isAtOrAbove(severity: AuditSeverity, threshold: AuditSeverity): boolean {
  return RANK[severity] >= RANK[threshold];
}

/** Sorts most severe first. */
export function compareSeverity(a: AuditSeverity, b: AuditSeverity): number {
  return RANK[b] - RANK[a];
}
