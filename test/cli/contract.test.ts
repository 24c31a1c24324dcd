// The CLI contract CI relies on: exit 0 ok, 1 blocked or a finding, 2 a usage error, stated in one line
// (a second may point at --help) and never a stack trace; and `--help` lists exactly the options
// docs/cli.md documents, command by command.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const COMMANDS = ['check', 'simulate', 'explain', 'audit', 'demo', 'ui'] as const;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function corskit(args: readonly string[], stdin?: string): Promise<Run> {
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` (npm test does)');
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, NO_COLOR: '1' }, timeout: 20_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin ?? '');
  });
}

/** A usage error: exit 2, nothing on stdout, one line naming the problem, maybe a pointer at --help. */
function expectUsageError(run: Run, names: RegExp, command?: string): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines.length, run.stderr).toBeLessThanOrEqual(2);
  expect(lines[0]).toMatch(/^corskit: /);
  expect(lines[0]).toMatch(names);
  if (lines[1] !== undefined)
    expect(lines[1]).toBe(`(run 'corskit${command ? ` ${command}` : ''} --help' for usage)`);
  expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

const SCENARIO = readFileSync(join(ROOT, 'examples/scenarios.json'), 'utf8');

// One row per mistake: the arguments, what the line must name, and the command whose help it points at.
const MISTAKES: [string, string[], RegExp, string?][] = [
  ['no command', ['frob'], /unknown command 'frob'/],
  ['unknown global option', ['--frob'], /unknown option '--frob'/],
  ['check: no --origin', ['check', 'http://127.0.0.1:9/'], /--origin/, 'check'],
  ['check: no URL', ['check', '--origin', 'https://a.example'], /url/, 'check'],
  [
    'check: unknown option',
    ['check', 'http://127.0.0.1:9/', '--origin', 'https://a.example', '--frob'],
    /--frob/,
    'check',
  ],
  [
    'check: --browser edge',
    ['check', 'http://127.0.0.1:9/', '--origin', 'https://a.example', '--browser', 'edge'],
    /edge/,
    'check',
  ],
  [
    'check: bad --timeout',
    ['check', 'http://127.0.0.1:9/', '--origin', 'https://a.example', '--timeout', 'soon'],
    /--timeout "soon"/,
  ],
  [
    'check: bad origin',
    ['check', 'http://127.0.0.1:9/', '--origin', 'app.example.com'],
    /--origin "app.example.com"/,
  ],
  [
    'check: bad URL',
    ['check', 'api/items', '--origin', 'https://a.example'],
    /"api\/items" is not an absolute URL/,
  ],
  [
    'check: header without a colon',
    ['check', 'http://127.0.0.1:9/', '--origin', 'https://a.example', '--header', 'X-Trace'],
    /'Name: value'/,
  ],
  // A header fetch() refuses is check's TypeError verdict (exit 1, nothing sent): test/doctor/check.test.ts.
  [
    'check: too many arguments',
    ['check', 'http://127.0.0.1:9/', 'http://127.0.0.1:9/b', '--origin', 'https://a.example'],
    /too many arguments/,
    'check',
  ],
  ['simulate: no file argument', ['simulate'], /missing required argument 'file'/, 'simulate'],
  ['simulate: missing file', ['simulate', 'no-such-file.json'], /no-such-file\.json: no such file/],
  [
    'simulate: --browser edge',
    ['simulate', 'examples/scenarios.json', '--browser', 'edge'],
    /edge/,
    'simulate',
  ],
  ['simulate: unknown option', ['simulate', 'examples/scenarios.json', '--frob'], /--frob/, 'simulate'],
  ['explain: no file argument', ['explain'], /missing required argument 'file'/, 'explain'],
  ['explain: missing file', ['explain', 'no-such.har'], /no-such\.har: no such file/],
  ['explain: --browser spec', ['explain', 'x.har', '--browser', 'spec'], /spec/, 'explain'],
  ['explain: unknown option', ['explain', 'x.har', '--frob'], /--frob/, 'explain'],
  ['audit: no URL', ['audit'], /no URL to audit/],
  ['audit: --fail-on urgent', ['audit', 'http://127.0.0.1:9/', '--fail-on', 'urgent'], /urgent/, 'audit'],
  ['audit: bad --concurrency', ['audit', 'http://127.0.0.1:9/', '--concurrency', '0'], /--concurrency "0"/],
  [
    'audit: cookie that is not bytes',
    ['audit', 'http://127.0.0.1:9/', '--cookie', 'sid=…'],
    /--cookie "sid=…": .*U\+2026/,
  ],
  [
    'audit: cookie with a line break',
    ['audit', 'http://127.0.0.1:9/', '--cookie', 'sid=1\r\nX-Evil: 1'],
    /line break/,
  ],
  [
    'audit: header value that is not bytes',
    ['audit', 'http://127.0.0.1:9/', '--header', 'X-Key: é…'],
    /U\+2026/,
  ],
  ['audit: URLs and --policy', ['audit', 'http://127.0.0.1:9/', '--policy', 'cors.json'], /not both/],
  ['audit: missing --file', ['audit', '--file', 'no-such-urls.txt'], /no-such-urls\.txt: no such file/],
  ['audit: unknown option', ['audit', 'http://127.0.0.1:9/', '--frob'], /--frob/, 'audit'],
  ['audit: option without its value', ['audit', 'http://127.0.0.1:9/', '--origin'], /--origin/, 'audit'],
  ['demo: unknown option', ['demo', '--frob'], /--frob/, 'demo'],
  ['ui: unknown option', ['ui', '--frob'], /--frob/, 'ui'],
  ['ui: bad --port', ['ui', '--port', 'abc'], /--port "abc"/],
  ['demo: an argument', ['demo', 'now'], /too many arguments|unknown/, 'demo'],
];

describe('usage mistakes exit 2 with one line', () => {
  it.each(MISTAKES)('%s', async (_title, args, names, command) => {
    expectUsageError(await corskit(args), names, command);
  });

  it('covers every command', () => {
    for (const command of COMMANDS)
      expect(
        MISTAKES.some(([, args]) => args[0] === command),
        command,
      ).toBe(true);
  });

  it('a malformed scenario file: one line per problem, each with the JSON path', async () => {
    const bad = JSON.stringify([
      {
        origin: 'http://a.test',
        request: { url: 'http://b.test/', mode: 'sideways', heders: {} },
        server: {},
      },
      { origin: 'http://a.test', server: { actual: { status: 1000 } } },
    ]);
    const run = await corskit(['simulate', '-'], bad);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      'corskit: -: [0].request.heders: is not a field of the scenario format (the fields here: url, method, headers, mode, credentials, redirect, useCorsPreflight, body)',
      'corskit: -: [0].request.mode: must be one of cors, no-cors, same-origin',
      'corskit: -: [1].request: is required',
      'corskit: -: [1].server.actual.status: must be a three-digit HTTP status code, from 100 to 999',
    ]);
  });
});

describe('exit statuses that are not usage errors', () => {
  it("check: a header fetch() refuses is the browser's TypeError (exit 1), and nothing is sent", async () => {
    for (const header of ['X-Trace: a…b', 'X Trace: 1']) {
      const run = await corskit([
        'check',
        'http://127.0.0.1:9/',
        '--origin',
        'https://a.example',
        '--header',
        header,
      ]);
      expect(run.code, run.stdout + run.stderr).toBe(1);
      expect(run.stdout).toMatch(/TypeError|fetch\(\) throws/);
    }
  });

  it('simulate: 1 when a scenario is blocked, 0 when all are allowed', async () => {
    expect((await corskit(['simulate', 'examples/scenarios.json'])).code).toBe(1);
    const allowed = JSON.stringify((JSON.parse(SCENARIO) as unknown[])[1]);
    expect((await corskit(['simulate', '-'], allowed)).code).toBe(0);
  });

  it('audit --fail-on info is accepted, and a clean policy exits 0', async () => {
    const run = await corskit(
      ['audit', '--policy', '-', '--fail-on', 'info', '--json'],
      '{"origins":["https://app.example.com"]}',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).summary.failOn).toBe('info');
  });

  it('audit --fail-on info fails on an info finding that medium lets pass', async () => {
    const config = '{"origins":"*"}';
    expect((await corskit(['audit', '--policy', '-', '--fail-on', 'medium'], config)).code).toBe(0);
    expect((await corskit(['audit', '--policy', '-', '--fail-on', 'info'], config)).code).toBe(1);
  });

  it('--help and --version exit 0 on stdout', async () => {
    for (const args of [['--help'], ['--version'], ...COMMANDS.map((c) => [c, '--help'])]) {
      const run = await corskit(args);
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.stdout.length).toBeGreaterThan(0);
    }
  });
});

/** The long flags of one command's --help. */
async function helpFlags(command: string): Promise<string[]> {
  const { stdout } = await corskit([command, '--help']);
  const options = stdout.slice(stdout.indexOf('Options:'));
  return [...options.matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z-]*)/gm)]
    .map((m) => m[1] as string)
    .filter((f) => f !== '--help');
}

/** The flags of the option table under `## corskit <command>` in docs/cli.md. */
function documentedFlags(command: string): string[] {
  const doc = readFileSync(join(ROOT, 'docs/cli.md'), 'utf8');
  const start = doc.indexOf(`\n## \`corskit ${command}\``);
  if (start < 0) throw new Error(`docs/cli.md has no section "## \`corskit ${command}\`"`);
  const end = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, end < 0 ? undefined : end);
  const rows = section.split('\n').filter((l) => l.startsWith('| `-'));
  return rows.flatMap((r) => [...(r.split('|')[1] as string).matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]));
}

describe('--help and docs/cli.md list the same options', () => {
  it.each(COMMANDS)('corskit %s', async (command) => {
    const help = await helpFlags(command);
    expect(help.length).toBeGreaterThan(0);
    expect(documentedFlags(command).sort()).toEqual(help.sort());
  });

  it('docs/cli.md documents the exit statuses', () => {
    const doc = readFileSync(join(ROOT, 'docs/cli.md'), 'utf8');
    for (const line of ['| 0 |', '| 1 |', '| 2 |']) expect(doc).toContain(line);
  });
});
