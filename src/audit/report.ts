// Reports of `corskit audit`: text per target, a summary table, the JSON shape, the exit status.

import type { Style } from '../doctor/style.js';
import type { AuditReport, AuditSummary, AuditTargetResult } from './audit.js';
import { AUDIT_CLASSES, type AuditSeverity, isAtOrAbove } from './classes.js';
import type { AuditFinding, EvidenceExchange } from './evidence.js';

/** The least severity that fails a run (`--fail-on`). */
export type FailOn = AuditSeverity;

/** 0 when nothing is at or above `failOn`; 1 when something is; else 2 when a target was unreachable. */
export function auditExitCode(report: AuditReport, failOn: FailOn): 0 | 1 | 2 {
  const failing = report.targets.some((t) => t.findings.some((f) => isAtOrAbove(f.severity, failOn)));
  if (failing) return 1;
  return report.targets.some((t) => t.error !== null) ? 2 : 0;
}

/** The JSON of `corskit audit --json`. */
export function auditJson(report: AuditReport, failOn: FailOn): object {
  return {
    targets: report.targets.map((t) => ({
      url: t.url,
      error: t.error,
      requests: t.requests,
      findings: t.findings,
    })),
    summary: { ...report.summary, failOn, exitCode: auditExitCode(report, failOn) },
  };
}

function paint(severity: AuditSeverity, text: string, s: Style): string {
  if (severity === 'high') return s.red(s.bold(text));
  if (severity === 'medium') return s.yellow(text);
  return severity === 'low' ? s.cyan(text) : s.dim(text);
}

function exchangeLine(e: EvidenceExchange): string {
  const sent = Object.entries(e.request.headers)
    .filter(([n]) => n.toLowerCase() !== 'user-agent')
    .map(([n, v]) => `${n}: ${v}`)
    .join('; ');
  const got = Object.entries(e.response.headers)
    .map(([n, v]) => `${n}: ${Array.isArray(v) ? v.join(' | ') : v}`)
    .join('; ');
  return `${e.request.method} (${sent}) -> ${e.response.status}${got === '' ? ' (no CORS headers)' : ` (${got})`}`;
}

const wrap = (text: string, indent: string): string => text.split('\n').join(`\n${indent}`);

function renderFinding(f: AuditFinding, s: Style): string[] {
  const pad = '            ';
  const lines = [
    `  ${paint(f.severity, f.severity.toUpperCase().padEnd(8), s)}  ${s.bold(f.id)}: ${AUDIT_CLASSES[f.id].title}`,
    `${pad}origin ${f.origin}${f.credentials ? ', with credentials (Access-Control-Allow-Credentials: true)' : ''}, via ${f.evidence.via}`,
  ];
  if (f.evidence.config !== undefined)
    lines.push(`${pad}config ${f.evidence.config.path}: ${JSON.stringify(f.evidence.config.value)}`);
  for (const e of f.evidence.exchanges) lines.push(`${pad}${s.dim(exchangeLine(e))}`);
  if (f.evidence.alsoProvedBy !== undefined) lines.push(`${pad}also: ${f.evidence.alsoProvedBy.join(', ')}`);
  if (f.evidence.note !== undefined) lines.push(`${pad}${wrap(f.evidence.note, pad)}`);
  lines.push(`${pad}${f.cwe}. Fix: ${wrap(f.fix, pad)}`);
  return lines;
}

/** The text report of one target. */
export function renderTarget(t: AuditTargetResult, s: Style): string {
  const stats =
    t.requests === 0
      ? 'static audit, no network'
      : `${t.requests} requests, ${(t.durationMs / 1000).toFixed(2)} s`;
  const head = `${s.bold(t.url)} ${s.dim(`(${stats})`)}`;
  if (t.error !== null) return `${head}\n  ${s.red(`UNREACHABLE: ${t.error}`)}`;
  if (t.findings.length === 0) return `${head}\n  ${s.green('no misconfiguration found')}`;
  return [head, ...t.findings.flatMap((f) => renderFinding(f, s))].join('\n');
}

const COUNTS: readonly AuditSeverity[] = ['high', 'medium', 'low', 'info'];

function clip(url: string, width: number): string {
  return url.length <= width ? url : `${url.slice(0, width - 1)}…`;
}

/** The summary table: one row per target, then totals, wall time and requests per second. */
export function renderSummary(report: AuditReport, s: Style): string {
  const width = Math.min(60, Math.max(6, ...report.targets.map((t) => t.url.length)));
  const header = `${'target'.padEnd(width)}  ${COUNTS.map((c) => c.padStart(6)).join(' ')}  requests`;
  const rows = report.targets.map((t) => {
    const url = clip(t.url, width).padEnd(width);
    if (t.error !== null) return `${url}  ${s.red(`unreachable: ${t.error}`)}`;
    const cells = COUNTS.map((c) => {
      const n = t.findings.filter((f) => f.severity === c).length;
      const cell = String(n).padStart(6);
      return n > 0 ? paint(c, cell, s) : s.dim(cell);
    });
    return `${url}  ${cells.join(' ')}  ${String(t.requests).padStart(8)}`;
  });
  return [s.bold(header), ...rows, totalsLine(report.summary)].join('\n');
}

function totalsLine(m: AuditSummary): string {
  const unreachable = m.unreachable > 0 ? ` (${m.unreachable} unreachable)` : '';
  const counts = COUNTS.map((c) => `${m.findings[c]} ${c}`).join(', ');
  return `${m.targets} target${m.targets === 1 ? '' : 's'}${unreachable}: ${counts}; ${m.requests} requests in ${(m.durationMs / 1000).toFixed(2)} s (${m.requestsPerSecond}/s)`;
}

/** One line of progress bar, for a terminal. */
export function progressLine(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}
