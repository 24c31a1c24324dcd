// `corskit audit`: probe live endpoints for the CORS misconfigurations attackers use. Every class is
// tested on every run; targets go through a bounded pool under one rate limit; an unreachable target
// is reported on its own and never stops the run.
import { httpTransport, type Transport } from '../browser/index.js';
import { parseTargetUrl, UsageError } from '../doctor/usage.js';
import type { HeaderList } from '../spec/index.js';
import type { AuditSeverity } from './classes.js';
import { classify } from './classify.js';
import type { AuditFinding } from './evidence.js';
import { checkAuditInput } from './input.js';
import { originProbes, randomLabel, type TrustedOrigins, trustedOrigins } from './origins.js';
import { mapPool, rateLimiter } from './pool.js';
import {
  type Exchange,
  makeSender,
  type PlannedRequest,
  type ProbeSettings,
  planOrigins,
  preflightRequest,
  reflects,
  type Sender,
  sendAll,
} from './probe.js';

export { parseTargetUrl };

/** Options of `runAudit` and `auditTarget`. */
export interface AuditOptions {
  /** Origins the site legitimately allows: exact, or `https://*.example.com`, `http://localhost:*`. */
  readonly trustedOrigins?: readonly string[];
  /** Cookie header for the actual requests (never sent with preflights). */
  readonly cookie?: string;
  /** Extra request headers, sent with every request. */
  readonly headers?: HeaderList;
  /** Per request, in milliseconds. Default 10,000. */
  readonly timeoutMs?: number;
  /** Targets audited at once. Default 8. */
  readonly concurrency?: number;
  /** Requests per second over the whole run. Default: no limit. */
  readonly rate?: number;
  /** Requests in flight for one target. Default 8. */
  readonly parallelPerTarget?: number;
  /** Called as each target finishes. */
  readonly onProgress?: (progress: { done: number; total: number; result: AuditTargetResult }) => void;
  /** Where requests go; default real HTTP through undici. */
  readonly transport?: Transport;
  /** Source of random DNS labels (tests). */
  readonly label?: () => string;
}

/** The audit of one URL: its findings, or why it could not be audited. */
export interface AuditTargetResult {
  readonly url: string;
  /** Why the target could not be audited (unreachable), or null. */
  readonly error: string | null;
  readonly findings: readonly AuditFinding[];
  readonly requests: number;
  readonly failedRequests: number;
  readonly durationMs: number;
}

/** The totals of an audit run. */
export interface AuditSummary {
  readonly targets: number;
  readonly unreachable: number;
  readonly findings: Readonly<Record<AuditSeverity, number>> & { readonly total: number };
  readonly requests: number;
  readonly durationMs: number;
  readonly requestsPerSecond: number;
}

/** What `runAudit` returns: one result per target, and the totals. */
export interface AuditReport {
  readonly targets: readonly AuditTargetResult[];
  readonly summary: AuditSummary;
}

interface Run {
  readonly send: Sender;
  readonly counts: { requests: number; failed: number };
  readonly parallel: number;
  readonly label: () => string;
  readonly cookieSent: boolean;
}

/**
 * Audits every URL and summarizes. Throws UsageError for a bad URL or trusted origin, and
 * RequestInputError for a cookie or header that is not a header value, before any request.
 */
export async function runAudit(urls: readonly string[], options: AuditOptions = {}): Promise<AuditReport> {
  if (urls.length === 0) throw new UsageError('no URL to audit: give URLs as arguments or with --file');
  checkAuditInput(options);
  const targets = urls.map(parseTargetUrl);
  for (const t of targets) trustedOrigins(t, options.trustedOrigins ?? []);
  const limiter = rateLimiter(options.rate);
  const transport =
    options.transport ??
    httpTransport({
      timeoutMs: options.timeoutMs ?? 10_000,
      ...(options.cookie !== undefined ? { cookie: options.cookie } : {}),
    });
  const started = performance.now();
  let done = 0;
  const results = await mapPool(targets, options.concurrency ?? 8, async (target, i) => {
    const counts = { requests: 0, failed: 0 };
    const run: Run = {
      send: makeSender(transport, limiter, counts),
      counts,
      parallel: options.parallelPerTarget ?? 8,
      label: options.label ?? randomLabel,
      cookieSent: options.cookie !== undefined,
    };
    const result = await auditOne(target, urls[i] as string, options, run);
    options.onProgress?.({ done: ++done, total: targets.length, result });
    return result;
  });
  return { targets: results, summary: summarize(results, performance.now() - started) };
}

/** Audits one URL. */
export async function auditTarget(url: string, options: AuditOptions = {}): Promise<AuditTargetResult> {
  const report = await runAudit([url], options);
  return report.targets[0] as AuditTargetResult;
}

async function auditOne(
  target: URL,
  input: string,
  options: AuditOptions,
  run: Run,
): Promise<AuditTargetResult> {
  const started = performance.now();
  const trusted = trustedOrigins(target, options.trustedOrigins ?? []);
  const settings: ProbeSettings = {
    url: target.href,
    headers: options.headers ?? [],
    credentials: run.cookieSent,
  };
  const result = (error: string | null, findings: readonly AuditFinding[]): AuditTargetResult => ({
    url: input,
    error,
    findings,
    requests: run.counts.requests,
    failedRequests: run.counts.failed,
    durationMs: Math.round(performance.now() - started),
  });
  const trustedItems = trusted.examples.map((origin) => ({ origin, probe: null }));
  const baseline = await sendAll(planOrigins(settings, trustedItems), run.send, run.parallel);
  const unreachable = failure(baseline);
  if (unreachable !== null) return result(unreachable, []);
  const probes = originProbes(target, trusted, run.label);
  const probeItems = probes.map((probe) => ({ origin: probe.origin, probe }));
  const probed = await sendAll(planOrigins(settings, probeItems), run.send, run.parallel);
  const oddMethod = `CORSKIT${run.label().toUpperCase()}`;
  const oddHeader = `x-corskit-${run.label()}`;
  const echoPlans = echoProbes(settings, [...baseline, ...probed], trusted, oddMethod, oddHeader);
  const echoes = await sendAll(echoPlans, run.send, run.parallel);
  const all = [...baseline, ...probed, ...echoes];
  const broken = failure(all);
  if (broken !== null) return result(broken, []);
  const findings = classify(all, {
    targetHost: target.hostname,
    trusted,
    cookieSent: run.cookieSent,
    oddMethod,
    oddHeader,
  });
  return result(null, findings);
}

/** The reason a target counts as unreachable: every request, or more than half, failed below HTTP. */
function failure(exchanges: readonly Exchange[]): string | null {
  const failed = exchanges.filter((e) => 'networkError' in e.response);
  if (failed.length === 0 || failed.length * 2 <= exchanges.length) return null;
  const first = failed[0]?.response as { networkError: string; detail?: string };
  const what = `${first.networkError}${first.detail !== undefined ? ` (${first.detail})` : ''}`;
  return failed.length === exchanges.length
    ? what
    : `${failed.length} of ${exchanges.length} requests failed: ${what}`;
}

/** Preflights asking for a made-up method and header, from origins the server allowed (trusted first). */
function echoProbes(
  s: ProbeSettings,
  exchanges: readonly Exchange[],
  trusted: TrustedOrigins,
  oddMethod: string,
  oddHeader: string,
): PlannedRequest[] {
  const allowed = exchanges
    .filter(reflects)
    .sort((a, b) => Number(a.probe !== null) - Number(b.probe !== null));
  const origins = [...new Set([...allowed.map((e) => e.origin), ...trusted.examples])].slice(0, 2);
  return origins.flatMap((origin) => [
    preflightRequest(s, origin, null, { method: oddMethod, kind: 'preflight-method' }),
    preflightRequest(s, origin, null, { method: 'POST', headers: oddHeader, kind: 'preflight-headers' }),
  ]);
}

/** Totals over the targets of a run that took `durationMs`. */
export function summarize(results: readonly AuditTargetResult[], durationMs: number): AuditSummary {
  const findings = { high: 0, medium: 0, low: 0, info: 0, total: 0 };
  let requests = 0;
  for (const r of results) {
    requests += r.requests;
    for (const f of r.findings) {
      findings[f.severity]++;
      findings.total++;
    }
  }
  return {
    targets: results.length,
    unreachable: results.filter((r) => r.error !== null).length,
    findings,
    requests,
    durationMs: Math.round(durationMs),
    requestsPerSecond: durationMs > 0 ? Math.round((requests * 1000) / durationMs) : 0,
  };
}
