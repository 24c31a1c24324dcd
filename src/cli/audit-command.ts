// `corskit audit`: live scan of URLs, or static audit of a policy config; text, JSON and SARIF.
import { readFileSync, writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { type AuditReport, type AuditTargetResult, runAudit, summarize } from '../audit/audit.js';
import { auditPolicy } from '../audit/policy.js';
import {
  auditExitCode,
  auditJson,
  type FailOn,
  progressLine,
  renderSummary,
  renderTarget,
} from '../audit/report.js';
import { toSarif } from '../audit/sarif.js';
import { makeStyle, type Style } from '../doctor/style.js';
import { UsageError } from '../doctor/usage.js';
import { collectHeader, cookieValue, positive, readInput } from './options.js';

const VERSION = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
  .version as string;

interface AuditCliOptions {
  readonly file?: string;
  readonly origin: string[];
  readonly cookie?: string;
  readonly header: [string, string][];
  readonly concurrency: number;
  readonly rate?: number;
  readonly timeout: number;
  readonly json?: boolean;
  readonly sarif?: string;
  readonly failOn: FailOn;
  readonly policy?: string;
}

const HELP = `
Every class of misconfiguration is tested on every run (no stopping at the first finding), with
attacker origins built from each target with the Public Suffix List and random labels, and with
preflights as well as actual requests. Without --origin, a plausible trusted origin is derived
from the target (https://www.example.com for https://api.example.com).

Exit status: 0 when no finding is at or above --fail-on, 1 when one is (with --policy, also when
createCorsPolicy refuses the config), 2 for a usage error or when a target was unreachable.

CORS is a browser policy, not access control: curl and server-to-server calls are never blocked.`;

/** URLs one per line; blank lines and # comments are skipped. */
export function parseUrlList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function targetsOf(urls: readonly string[], opts: AuditCliOptions): string[] {
  const stdin = urls.includes('-') || opts.file === '-' ? parseUrlList(readInput('-')) : [];
  const fromFile = opts.file !== undefined && opts.file !== '-' ? parseUrlList(readInput(opts.file)) : [];
  return [...urls.filter((u) => u !== '-'), ...stdin, ...fromFile];
}

function writeSarif(file: string, targets: readonly AuditTargetResult[]): void {
  try {
    writeFileSync(file, `${JSON.stringify(toSarif(targets, { toolVersion: VERSION }), null, 2)}\n`);
  } catch (err) {
    throw new UsageError(
      `--sarif ${file}: cannot write it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
}

function progress(
  enabled: boolean,
): ((p: { done: number; total: number; result: AuditTargetResult }) => void) | undefined {
  if (!enabled) return undefined;
  return ({ done, total, result }) => {
    const url = result.url.length > 40 ? `${result.url.slice(0, 39)}…` : result.url;
    process.stderr.write(`\r${progressLine(done, total)} ${url}\x1b[K`);
  };
}

function print(report: AuditReport, opts: AuditCliOptions, style: Style, extra: string[] = []): void {
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(auditJson(report, opts.failOn), null, 2)}\n`);
    return;
  }
  const blocks = [
    ...extra,
    ...report.targets.map((t) => renderTarget(t, style)),
    renderSummary(report, style),
  ];
  process.stdout.write(`${blocks.join('\n\n')}\n`);
}

async function runLive(urls: readonly string[], opts: AuditCliOptions): Promise<number> {
  const targets = targetsOf(urls, opts);
  const bar = !opts.json && process.stdout.isTTY === true && process.stderr.isTTY === true;
  const onProgress = progress(bar);
  if (bar) process.stderr.write(progressLine(0, targets.length));
  const report = await runAudit(targets, {
    trustedOrigins: opts.origin,
    headers: opts.header,
    timeoutMs: opts.timeout,
    concurrency: opts.concurrency,
    ...(opts.cookie !== undefined ? { cookie: opts.cookie } : {}),
    ...(opts.rate !== undefined ? { rate: opts.rate } : {}),
    ...(onProgress !== undefined ? { onProgress } : {}),
  });
  if (bar) process.stderr.write('\r\x1b[K');
  if (opts.sarif !== undefined) writeSarif(opts.sarif, report.targets);
  print(report, opts, makeStyle());
  return auditExitCode(report, opts.failOn);
}

async function runPolicy(file: string, opts: AuditCliOptions): Promise<number> {
  let config: unknown;
  try {
    config = JSON.parse(readInput(file));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const started = performance.now();
  const audit = await auditPolicy(config);
  const target: AuditTargetResult = {
    url: file,
    error: null,
    findings: audit.findings,
    requests: 0,
    failedRequests: 0,
    durationMs: 0,
  };
  const report: AuditReport = {
    targets: [target],
    summary: summarize([target], performance.now() - started),
  };
  if (opts.sarif !== undefined) writeSarif(opts.sarif, report.targets);
  const style = makeStyle();
  if (opts.json) {
    const json = auditJson(report, opts.failOn) as { targets: object[] };
    json.targets = [{ ...(json.targets[0] as object), valid: audit.valid, problems: audit.problems }];
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    const problems = audit.problems.map(
      (p) => `  ${style.red('refused')} ${p.path}: ${p.message}\n    fix: ${p.fix}`,
    );
    const head = audit.valid
      ? []
      : [`${style.bold(file)}: createCorsPolicy refuses this config\n${problems.join('\n')}`];
    print(report, opts, style, head);
  }
  const code = auditExitCode(report, opts.failOn);
  return code === 0 && !audit.valid ? 1 : code;
}

/** Adds `corskit audit` to the program. */
export function addAuditCommand(program: Command): Command {
  program
    .command('audit')
    .description(
      'scan endpoints for the CORS misconfigurations attackers use, or (--policy) a corskit config offline',
    )
    .argument('[urls...]', 'the URLs to audit ("-" reads URLs from standard input, one per line)')
    .option('--file <file>', 'read URLs from a file, one per line ("-" for standard input)')
    .option(
      '--origin <origin>',
      'an origin the site legitimately allows, exact or https://*.example.com (repeatable)',
      collect,
      [],
    )
    .option(
      '--cookie <cookie>',
      'Cookie header for the actual requests (never sent with preflights)',
      cookieValue,
    )
    .option('--header <header>', "an extra request header, 'Name: value' (repeatable)", collectHeader, [])
    .option('--concurrency <n>', 'targets audited at once', positive('--concurrency', true), 8)
    .option(
      '--rate <n>',
      'at most this many requests per second over the whole run',
      positive('--rate', false),
    )
    .option(
      '--timeout <ms>',
      'give up on a request after this many milliseconds',
      positive('--timeout', true),
      10_000,
    )
    .option('--json', 'print { targets: [{ url, findings }], summary } as JSON')
    .option('--sarif <file>', 'also write SARIF 2.1.0 (GitHub code scanning) to this file')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity')
        .choices(['high', 'medium', 'low', 'info'])
        .default('medium'),
    )
    .option('--policy <file>', 'audit a corskit policy config (a JSON file) instead of URLs; no network')
    .addHelpText('after', HELP)
    .action(async (urls: string[], opts: AuditCliOptions) => {
      if (opts.policy !== undefined) {
        if (urls.length > 0 || opts.file !== undefined)
          throw new UsageError('give either URLs (or --file) or --policy FILE, not both');
        process.exitCode = await runPolicy(opts.policy, opts);
        return;
      }
      process.exitCode = await runLive(urls, opts);
    });
  return program;
}
