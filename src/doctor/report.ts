// Text reports for `corskit check` and the demo: timeline, verdict, console message, fix, warnings.
import { BROWSER_PROFILES, type OriginComparison } from '../spec/index.js';
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

/** The two origins side by side, part by part, with the rules that applied. */
export function renderOrigins(o: OriginComparison, s: Style): string {
  const cell = (v: string | null): string => (v ?? '(opaque)').padEnd(24);
  const row = (name: string, p: OriginComparison['scheme']): string =>
    `    ${name.padEnd(7)}${cell(p.page)}${cell(p.target)}${p.equal ? s.green('equal') : s.red('differs')}`;
  const differing = (['scheme', 'host', 'port'] as const).filter((k) => !o[k].equal);
  const verdict = o.sameOrigin
    ? 'same origin: scheme, host and port are equal'
    : `cross-origin: ${differing.join(', ')} ${differing.length === 1 ? 'differs' : 'differ'}`;
  const site = `${o.sameSite ? 'same site' : 'not same site'}${o.schemelesslySameSite && !o.sameSite ? ' (but schemelessly same site)' : ''}`;
  return [
    s.bold(`  origins: page ${o.page}, target ${o.target}`),
    s.dim(`    ${''.padEnd(7)}${'page'.padEnd(24)}target`),
    row('scheme', o.scheme),
    row('host', o.host),
    row('port', o.port),
    `    ${verdict}; ${site}`,
    ...o.notes.map((n) => s.dim(`    note: ${n}`)),
  ].join('\n');
}

/** The fix, or the page's advice, as printed under the verdict. */
function renderFix(report: Pick<CheckReport, 'fixes' | 'pageAdvice'>, opts: ReportOptions): string[] {
  const s = opts.style;
  const lines: string[] = [];
  const f = report.fixes;
  if (f !== null) {
    lines.push(
      s.bold('  Fix (proven: the simulator replayed this exchange with these answers and allowed it):'),
    );
    if (f.preflight !== null) {
      lines.push('    answer the preflight (OPTIONS) with a 2xx status (204) and:');
      for (const [n, v] of f.preflight) lines.push(`      ${n}: ${v}`);
    }
    lines.push('    answer the request (and every redirect on the way) with:');
    for (const [n, v] of f.actual) lines.push(`      ${n}: ${v}`);
    if (opts.allFixes !== false) {
      lines.push(s.bold('  In corskit:'), indent(f.corskit, '      '));
      lines.push(s.bold('  In express (cors):'), indent(f.expressCors, '      '));
      lines.push(s.bold('  In fastify (@fastify/cors):'), indent(f.fastifyCors, '      '));
      lines.push(s.bold('  In hono (hono/cors):'), indent(f.honoCors, '      '));
      lines.push(s.bold('  In koa (@koa/cors):'), indent(f.koaCors, '      '));
      lines.push(s.bold('  In nginx:'), indent(f.nginx, '      '));
    }
  }
  if (report.pageAdvice.length > 0) {
    lines.push(s.bold(f === null ? '  Fix it in the page, not the server:' : '  In the page:'));
    for (const a of report.pageAdvice) lines.push(`    ${a}`);
  }
  return lines;
}

/** The text report of `corskit check`: the exchange as a diagram, the verdict, the message, the fix. */
export function renderCheck(report: CheckReport, opts: ReportOptions): string {
  const s = opts.style;
  const lines: string[] = [];
  lines.push(s.bold(report.url));
  lines.push(renderOrigins(report.origins, s));
  for (const n of report.notes) lines.push(s.yellow(`  note: ${n}`));
  if (report.verdict === 'same-origin') {
    lines.push(
      s.green(
        `  SAME ORIGIN: ${report.origin} and ${report.url} share scheme, host and port; the same-origin policy allows it and CORS does not apply.`,
      ),
    );
    return lines.join('\n');
  }
  lines.push(renderTimeline(report.result, { style: s, origin: report.origin, probes: report.probes }));
  if (report.verdict === 'network-error') {
    lines.push(s.red(`  NETWORK ERROR: ${report.error?.message ?? ''}`));
    return lines.join('\n');
  }
  if (report.verdict === 'type-error')
    lines.push(s.red('  TYPE ERROR: fetch() throws before sending anything; nothing was sent'));
  else if (report.verdict === 'preflight-only')
    lines.push(
      s.green(
        report.result.preflight.sent
          ? '  PREFLIGHT PASSED: the request itself was not sent (--preflight-only), so its response is not judged'
          : '  NO PREFLIGHT NEEDED: the request is simple and goes out as is; nothing was sent (--preflight-only)',
      ),
    );
  else lines.push(verdictLine(report.result, s));
  if (report.error !== null) {
    lines.push(s.bold(`  ${BROWSER_NAMES[report.browser]} console:`));
    lines.push(indent(report.error.message));
  }
  lines.push(...renderFix(report, opts));
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
    origins: report.origins,
    error: report.error,
    events: report.events,
    probes: report.probes,
    notes: report.notes,
    fixes: report.fixes,
    pageAdvice: report.pageAdvice,
    warnings: report.warnings,
  };
}
