// Text reports for `corskit check` and the demo: timeline, verdict, console message, fix, warnings.
import { BROWSER_PROFILES } from '../spec/index.js';
import type { CheckReport } from './check.js';

const BROWSER_NAMES = {
  spec: 'Chrome',
  chrome: BROWSER_PROFILES.chrome.displayName,
  firefox: BROWSER_PROFILES.firefox.displayName,
  safari: BROWSER_PROFILES.safari.displayName,
} as const;

import { verdictLine } from './scenarios.js';
import type { Style } from './style.js';
import { renderTimeline } from './timeline.js';

export interface ReportOptions {
  readonly style: Style;
  /** Show the fix in every dialect (corskit, express cors, @fastify/cors, hono/cors, nginx). Default true. */
  readonly allFixes?: boolean;
}

const indent = (text: string, by = '    '): string =>
  text
    .split('\n')
    .map((l) => by + l)
    .join('\n');

export function renderCheck(report: CheckReport, opts: ReportOptions): string {
  const s = opts.style;
  const lines: string[] = [];
  lines.push(s.bold(report.url));
  if (report.verdict === 'same-origin') {
    lines.push(
      s.green(
        `  SAME ORIGIN: ${report.origin} and ${report.url} share scheme, host and port; the same-origin policy allows it and CORS does not apply.`,
      ),
    );
    return lines.join('\n');
  }
  lines.push(renderTimeline(report.result, { style: s, origin: report.origin }));
  if (report.verdict === 'network-error') {
    lines.push(s.red(`  NETWORK ERROR: ${report.error?.message ?? ''}`));
    return lines.join('\n');
  }
  lines.push(verdictLine(report.result, s));
  if (report.error !== null) {
    lines.push(s.bold(`  ${BROWSER_NAMES[report.browser]} console:`));
    lines.push(indent(report.error.message));
  }
  if (report.fixes !== null) {
    const f = report.fixes;
    lines.push(s.bold('  Fix: the server must answer'));
    if (f.preflight !== null) {
      lines.push('    the preflight (OPTIONS, status 204) with:');
      for (const [n, v] of f.preflight) lines.push(`      ${n}: ${v}`);
    }
    lines.push('    the actual response with:');
    for (const [n, v] of f.actual) lines.push(`      ${n}: ${v}`);
    if (opts.allFixes !== false) {
      lines.push(s.bold('  In corskit:'), indent(f.corskit, '      '));
      lines.push(s.bold('  In express cors:'), indent(f.expressCors, '      '));
      lines.push(s.bold('  In @fastify/cors:'), indent(f.fastifyCors, '      '));
      lines.push(s.bold('  In hono/cors:'), indent(f.honoCors, '      '));
      lines.push(s.bold('  In nginx:'), indent(f.nginx, '      '));
    }
  }
  for (const w of report.warnings) lines.push(s.yellow(`  warning (${w.id}): ${w.message}`));
  return lines.join('\n');
}

/** The JSON shape of `corskit check --json`. */
export function checkJson(report: CheckReport): object {
  return {
    url: report.url,
    origin: report.origin,
    browser: report.browser,
    verdict: report.verdict,
    error: report.error,
    events: report.events,
    fixes: report.fixes,
    warnings: report.warnings,
  };
}
