// The corskit command line. Usage mistakes print one line and exit 2; never a stack trace.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { runCheck } from '../doctor/check.js';
import { checkJson, renderCheck } from '../doctor/report.js';
import { parseScenarioFile, renderResult, simulateAll, UsageError } from '../doctor/scenarios.js';
import { makeStyle } from '../doctor/style.js';
import type { BrowserName } from '../spec/index.js';
import { addAuditCommand } from './audit-command.js';
import { runDemo } from './demo.js';
import { addExplainCommand } from './explain-command.js';
import { browserOption, collectPageHeader, positive, readInput } from './options.js';
import { checkScenarioFile } from './scenario-schema.js';
import { addUiCommand } from './ui-command.js';

const VERSION = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
  .version as string;

const NOT_ACCESS_CONTROL = `
CORS is a browser policy, not access control: curl and server-to-server calls are never blocked,
and a blocked simple request (GET, HEAD, or a form-like POST) has still reached the server and run.`;

export function buildProgram(): Command {
  const program = new Command('corskit')
    .description('CORS end to end: what a browser will do with a request, and why.')
    .version(VERSION)
    .addHelpText('after', NOT_ACCESS_CONTROL);
  // Set before the commands are added, so that every command inherits them.
  program
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // commander's "error: ..." becomes the one line every usage mistake gets.
      outputError: (s, write) => write(s.replace(/^error: /, 'corskit: ')),
    })
    .showHelpAfterError("(run 'corskit --help' for usage)");

  program
    .command('simulate')
    .description('run scenarios (the format of docs/scenarios.md) as a browser would, with no network')
    .argument(
      '<file>',
      'a JSON file with one scenario or an array of them ("-" reads standard input); checked against schema/scenario.schema.json',
    )
    .addOption(browserOption())
    .option('--json', 'print a JSON array of results')
    .addHelpText(
      'after',
      '\nExit status: 0 when every scenario is allowed or opaque, 1 when one is blocked, 2 for bad input.',
    )
    .action((file: string, opts: { browser: BrowserName; json?: boolean }) => {
      const text = readInput(file);
      checkScenarioFile(text, file);
      const scenarios = parseScenarioFile(text, file);
      const results = simulateAll(scenarios, opts.browser);
      if (opts.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else {
        const style = makeStyle();
        process.stdout.write(
          `${results.map((r, i) => renderResult(scenarios[i] as (typeof scenarios)[number], r, style)).join('\n\n')}\n`,
        );
      }
      process.exitCode = results.some((r) => r.outcome === 'blocked') ? 1 : 0;
    });

  program
    .command('check')
    .description('probe a live endpoint exactly as a browser would, and explain the verdict and the fix')
    .argument('<url>', 'the URL the page fetches')
    .requiredOption(
      '--origin <origin>',
      'the origin of the page making the request, e.g. https://app.example.com',
    )
    .option('--method <method>', 'the request method', 'GET')
    .option(
      '--header <header>',
      "a request header the page sets, 'Name: value' (repeatable)",
      collectPageHeader,
      [] as [string, string][],
    )
    .option('--credentials', "send credentials (fetch's credentials: 'include')")
    .option('--preflight-only', 'send only the preflight (OPTIONS), never the request itself')
    .addOption(browserOption(['chrome', 'firefox', 'safari']))
    .option('--json', 'print { verdict, origins, error, events, fixes, pageAdvice, warnings } as JSON')
    .option(
      '--timeout <ms>',
      'give up on a request after this many milliseconds',
      positive('--timeout', true),
      10_000,
    )
    .addHelpText(
      'after',
      '\nExit status: 0 allowed (or same origin), 1 blocked, 2 usage error or network failure.' +
        NOT_ACCESS_CONTROL,
    )
    .action(
      async (
        url: string,
        opts: {
          origin: string;
          method: string;
          header: [string, string][];
          credentials?: boolean;
          browser: BrowserName;
          json?: boolean;
          timeout: number;
          preflightOnly?: boolean;
        },
      ) => {
        const report = await runCheck({
          preflightOnly: opts.preflightOnly === true,
          onBeforeSend: (notice) => process.stderr.write(`${notice}\n`),
          url,
          origin: opts.origin,
          method: opts.method,
          headers: opts.header,
          credentials: opts.credentials === true,
          browser: opts.browser,
          timeoutMs: opts.timeout,
        });
        if (opts.json) process.stdout.write(`${JSON.stringify(checkJson(report), null, 2)}\n`);
        else process.stdout.write(`${renderCheck(report, { style: makeStyle() })}\n`);
        if (report.verdict === 'network-error' && !opts.json) {
          process.stderr.write(
            `corskit: ${report.error?.message.replace(/^TypeError: Failed to fetch \((.*)\)$/, '$1') ?? 'network error'}\n`,
          );
        }
        process.exitCode =
          report.verdict === 'blocked' || report.verdict === 'type-error'
            ? 1
            : report.verdict === 'network-error'
              ? 2
              : 0;
      },
    );

  program
    .command('demo')
    .description(
      'start a small API on loopback, some routes configured well and some broken, and diagnose each as a browser would',
    )
    .option('--json', 'print the diagnoses as JSON')
    .addHelpText(
      'after',
      '\nExit status: 0 when every route behaves as designed, 1 when one does not, 2 for a usage error.',
    )
    .action(async (opts: { json?: boolean }) => {
      process.exitCode = await runDemo({ json: opts.json === true, style: makeStyle() });
    });

  addExplainCommand(program);
  addAuditCommand(program);
  addUiCommand(program);

  for (const command of program.commands)
    command.showHelpAfterError(`(run 'corskit ${command.name()} --help' for usage)`);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage mistakes were already printed.
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message.replace(/^/gm, 'corskit: ')}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`corskit: unexpected error: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = 2;
  }
}
