// The code blocks of README.md and docs/: which are examples (the info string says so) and what they hold.
// The markers are documented in docs/contributing.md.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');

export interface Block {
  /** README.md or docs/....md */
  readonly page: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  /** `example` in the info string: the block runs in the test suite. */
  readonly example: boolean;
  /** `server`: a quick start that listens on port 3000 and is asked a preflight and a GET. */
  readonly server: boolean;
  /** `exit=N`: the status each command of a sh example must exit with (default 0). */
  readonly exit: number;
  /** `file=NAME`: written into the page's working folder before its examples run. */
  readonly file: string | undefined;
  readonly code: string;
  /** `<!-- sample: ID -->` on the line before the fence. */
  readonly sample: string | undefined;
}

/** README.md and every Markdown page under docs/. */
export function docPages(): string[] {
  const pages = ['README.md'];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) pages.push(path);
    }
  };
  walk('docs');
  return pages.sort();
}

/** Every fenced block of a page, with its markers. */
export function blocksOf(page: string): Block[] {
  const lines = readFileSync(join(ROOT, page), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)(.*)$/.exec(lines[i] as string);
    if (open === null) continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`${page}:${i + 1}: a code block is never closed`);
    const words = (open[2] as string).trim().split(/\s+/).filter(Boolean);
    const attr = (name: string): string | undefined =>
      words.find((w) => w.startsWith(`${name}=`))?.slice(name.length + 1);
    const sample = /^<!-- sample: ([\w-]+) -->$/.exec(lines[i - 1] ?? '')?.[1];
    out.push({
      page,
      line: i + 1,
      lang: open[1] as string,
      example: words.includes('example'),
      server: words.includes('server'),
      exit: Number(attr('exit') ?? 0),
      file: attr('file'),
      code: lines.slice(i + 1, end).join('\n'),
      sample,
    });
    i = end;
  }
  return out;
}

export function allBlocks(): Block[] {
  return docPages().flatMap(blocksOf);
}

/** A folder name for a page's examples. */
export function slug(page: string): string {
  return relative(ROOT, join(ROOT, page)).replace(/\.md$/, '').replaceAll('/', '-');
}

/** The commands of a sh block: continuation lines joined, comments and blank lines dropped. */
export function shellCommands(code: string): string[] {
  const commands: string[] = [];
  let current = '';
  for (const raw of code.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').trimEnd();
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    commands.push((current + line).trim());
    current = '';
  }
  return commands;
}
