// `corskit explain FILE.har`: read a HAR exported from browser devtools and explain, offline, every
// cross-origin request that failed or carries a risk. Exit 0 when nothing failed, 1 when something did,
// 2 for a file that cannot be read or is not a HAR (a UsageError, which main() turns into exit 2).
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { explainJson, explainLog, failed, renderExplain } from '../doctor/explain.js';
import { parseHar } from '../doctor/har.js';
import { UsageError } from '../doctor/scenarios.js';
import { makeStyle, type Style } from '../doctor/style.js';
import type { BrowserName } from '../spec/index.js';

export interface ExplainCommandOptions {
  readonly browser: BrowserName;
  readonly json?: boolean;
  readonly all?: boolean;
}

function readHarFile(file: string): string {
  try {
    return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT'
        ? `${file}: no such file`
        : `${file}: cannot read it (${code ?? (err as Error).message})`,
    );
  }
}

/** Runs `explain` on a file and writes the report; returns the exit status (0 or 1). */
export function runExplainCommand(
  file: string,
  opts: ExplainCommandOptions,
  write: (text: string) => void = (t) => process.stdout.write(t),
  style: Style = makeStyle(),
): number {
  const report = explainLog(parseHar(readHarFile(file), file), { browser: opts.browser, file });
  write(
    opts.json === true
      ? `${JSON.stringify(explainJson(report), null, 2)}\n`
      : `${renderExplain(report, { style, all: opts.all === true })}\n`,
  );
  return report.items.some(failed) ? 1 : 0;
}

export function addExplainCommand(program: Command): Command {
  program
    .command('explain')
    .description(
      'explain, offline, every failed or risky cross-origin request of a HAR exported from browser devtools',
    )
    .argument('<file>', 'a HAR file (DevTools Network panel: "Export HAR..."; "-" reads standard input)')
    .addOption(
      new Option('--browser <name>', 'whose behaviour to follow')
        .choices(['chrome', 'firefox', 'safari'])
        .default('chrome'),
    )
    .option(
      '--json',
      'print every cross-origin request as JSON: verdict, error, events, fixes, warnings, recorded',
    )
    .option('--all', 'list every cross-origin request, not only the failed or risky ones')
    .addHelpText(
      'after',
      '\nExit status: 0 when no cross-origin request failed, 1 when one was blocked or failed, 2 for a bad file.',
    )
    .action((file: string, opts: ExplainCommandOptions) => {
      process.exitCode = runExplainCommand(file, opts);
    });
  return program;
}
