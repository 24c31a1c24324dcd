import type { Command } from 'commander';
import { explainJson, explainLog, failed, renderExplain } from '../doctor/explain.js';
import { parseHar } from '../doctor/har.js';
import { makeStyle, type Style } from '../doctor/style.js';
import type { BrowserName } from '../spec/index.js';
import { browserOption, readInput } from './options.js';

export interface ExplainCommandOptions {
  readonly browser: BrowserName;
  readonly json?: boolean;
  readonly all?: boolean;
}

/** Runs `explain` on a file and writes the report; returns the exit status (0 or 1). */
export function runExplainCommand(
  file: string,
  opts: ExplainCommandOptions,
  write: (text: string) => void = (t) => process.stdout.write(t),
  style: Style = makeStyle(),
): number {
  const report = explainLog(parseHar(readInput(file), file), { browser: opts.browser, file });
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
    .addOption(browserOption(['chrome', 'firefox', 'safari']))
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
