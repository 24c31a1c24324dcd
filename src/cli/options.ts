// Options shared by the commands: reading inputs, repeatable headers, numbers, the browser choice.
import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import { checkRequestHeader, headerValueProblem, RequestInputError } from '../audit/input.js';
import { UsageError } from '../doctor/usage.js';
import type { BrowserName } from '../spec/index.js';

/** Other names of a profile, as src/spec/browsers.ts BROWSER_ALIASES lists them (cli/ may not import spec/
 *  at run time): `webkit` is the `safari` profile, proven on WebKitGTK. */
const BROWSER_ALIASES: Readonly<Record<string, BrowserName>> = { webkit: 'safari' };

/** A file's text, or standard input for "-"; a missing or unreadable file is a usage error. */
export function readInput(file: string): string {
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

/** Splits `--header 'Name: value'`; anything else is a usage error. */
function splitHeader(value: string): [string, string] {
  const colon = value.indexOf(':');
  if (colon <= 0) throw new UsageError(`--header ${JSON.stringify(value)} must look like 'Name: value'`);
  return [value.slice(0, colon).trim(), value.slice(colon + 1).trim()];
}

/** Collects repeatable `--header 'Name: value'` options; a name or value that cannot be sent is refused. */
export function collectHeader(value: string, previous: [string, string][]): [string, string][] {
  const [name, headerValue] = splitHeader(value);
  checkRequestHeader('--header', name, headerValue, `--header ${JSON.stringify(value)}`);
  return [...previous, [name, headerValue]];
}

/**
 * `check --header`: what the page's script passes to fetch(). A name or value fetch() refuses is not a
 * usage mistake but the browser's TypeError, which check reports as its verdict (nothing sent).
 */
export function collectPageHeader(value: string, previous: [string, string][]): [string, string][] {
  return [...previous, splitHeader(value)];
}

/** `--cookie`: refused up front when it is not a header value (every request would fail). */
export function cookieValue(value: string): string {
  const problem = headerValueProblem(value);
  if (problem !== null)
    throw new RequestInputError('--cookie', `--cookie ${JSON.stringify(value)}: the value ${problem}`);
  return value;
}

/** A parser for a positive number option, named in its error. */
export const positive =
  (flag: string, integer: boolean) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
      throw new UsageError(`${flag} "${value}" must be a positive ${integer ? 'whole ' : ''}number`);
    }
    return n;
  };

/** `--browser`, with the profiles a command supports; `webkit` is accepted as the `safari` profile (proven on
 *  WebKitGTK). */
export function browserOption(choices: readonly string[] = ['chrome', 'firefox', 'safari', 'spec']): Option {
  const aliases = Object.keys(BROWSER_ALIASES).filter((a) => choices.includes(BROWSER_ALIASES[a] as string));
  const option = new Option('--browser <name>', 'whose behaviour to follow (webkit: the safari profile)')
    .choices([...choices, ...aliases])
    .default('chrome');
  const checkChoice = option.parseArg;
  return option.argParser((value: string, previous: unknown) => {
    const chosen = checkChoice === undefined ? value : (checkChoice(value, previous) as string);
    return BROWSER_ALIASES[chosen] ?? chosen;
  });
}
