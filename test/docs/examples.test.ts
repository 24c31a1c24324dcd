// Docs that run: every code block of README.md and docs/ marked `example` runs against the built package
// (npm test builds first). TypeScript blocks are type-checked with `strict`, then run; `server` blocks are
// started and asked a real preflight and a GET; sh blocks run each command with `corskit` on the PATH.
// The examples live in .docs-run/ inside the package, so `corskit/...` resolves through the package's own
// `exports` to dist/, exactly as in a project that installed it.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allBlocks, type Block, ROOT, shellCommands, slug } from './blocks.js';

const RUN_DIR = join(ROOT, '.docs-run');
const BIN = join(RUN_DIR, 'bin');
const TSX = join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

const blocks = allBlocks();
const examples = blocks.filter((b) => b.example);
const label = (b: Block): string => `${b.page}:${b.line} (${b.lang}${b.server ? ' server' : ''})`;
const fileOf = (b: Block): string =>
  join(RUN_DIR, slug(b.page), `line-${b.line}.${b.lang === 'ts' ? 'ts' : 'mjs'}`);

interface Run {
  code: number | null;
  output: string;
}

function run(command: string, args: string[], cwd: string, timeout = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        cwd,
        timeout,
        env: { ...process.env, NO_COLOR: '1', PATH: `${BIN}:${process.env.PATH ?? ''}` },
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

/** Writes every example and the files pages declare; each page gets a folder with examples/ and test/. */
function prepare(): void {
  if (!existsSync(join(ROOT, 'dist/index.js')))
    throw new Error('dist/ is missing: run `npm run build` (npm test does)');
  rmSync(RUN_DIR, { recursive: true, force: true });
  mkdirSync(BIN, { recursive: true });
  writeFileSync(
    join(BIN, 'corskit'),
    `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'dist/cli/main.js')}" "$@"\n`,
  );
  chmodSync(join(BIN, 'corskit'), 0o755);
  for (const page of new Set(blocks.map((b) => b.page))) {
    const dir = join(RUN_DIR, slug(page));
    mkdirSync(dir, { recursive: true });
    symlinkSync(join(ROOT, 'examples'), join(dir, 'examples'));
    symlinkSync(join(ROOT, 'test'), join(dir, 'test'));
  }
  for (const b of blocks) {
    if (b.file !== undefined) writeFileSync(join(RUN_DIR, slug(b.page), b.file), `${b.code}\n`);
    if (b.example && (b.lang === 'ts' || b.lang === 'js')) writeFileSync(fileOf(b), `${b.code}\n`);
  }
  writeFileSync(
    join(RUN_DIR, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023', 'DOM'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules/@types')],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        esModuleInterop: true,
      },
      files: examples.filter((b) => b.lang === 'ts').map(fileOf),
    }),
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const children: ChildProcess[] = [];

async function waitForServer(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`the example exited with ${child.exitCode}:\n${output()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`the example did not start listening:\n${output()}`);
}

/** A server quick start: started on a free port (only the port changes), then asked as a browser would. */
async function runServer(b: Block): Promise<void> {
  const port = await freePort();
  const file = fileOf(b).replace(/\.mjs$/, `-${port}.mjs`);
  writeFileSync(file, b.code.replace(/\b3000\b/g, String(port)));
  let output = '';
  const child = spawn(process.execPath, [file], { cwd: join(RUN_DIR, slug(b.page)), stdio: 'pipe' });
  children.push(child);
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForServer(`${base}/`, child, () => output);
    const preflight = await fetch(`${base}/items`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET');
    const get = await fetch(`${base}/items`, { headers: { Origin: 'https://app.example.com' } });
    expect(get.status).toBe(200);
    expect(get.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(get.headers.get('vary')).toMatch(/Origin/);
    const evil = await fetch(`${base}/items`, { headers: { Origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  } finally {
    child.kill();
  }
}

beforeAll(prepare);
afterAll(() => {
  for (const c of children) c.kill();
  rmSync(RUN_DIR, { recursive: true, force: true });
});

describe('docs that run', () => {
  it('finds examples in the README and in docs/, a server quick start for every framework', () => {
    expect(examples.filter((b) => b.page === 'README.md').length).toBeGreaterThan(4);
    const servers = examples.filter((b) => b.server && b.page === 'README.md').map((b) => b.code);
    for (const framework of [
      "from 'express'",
      "from 'fastify'",
      "from 'koa'",
      "from 'hono'",
      "from 'node:http'",
    ])
      expect(
        servers.some((c) => c.includes(framework)),
        framework,
      ).toBe(true);
    for (const b of examples)
      expect(['ts', 'js', 'sh'], `${label(b)}: examples are ts, js or sh`).toContain(b.lang);
  });

  it('every TypeScript example type-checks with strict', async () => {
    const result = await run(process.execPath, [TSC, '-p', join(RUN_DIR, 'tsconfig.json')], RUN_DIR, 120_000);
    expect(result.output.replaceAll(`${RUN_DIR}/`, ''), 'tsc found errors').toBe('');
    expect(result.code).toBe(0);
  });

  it.each(examples.map((b) => [label(b), b] as const))('%s', async (_name, b) => {
    const cwd = join(RUN_DIR, slug(b.page));
    if (b.server) return runServer(b);
    if (b.lang === 'sh') {
      for (const command of shellCommands(b.code)) {
        const result = await run('/bin/sh', ['-c', command.replace(/^npx corskit\b/, 'corskit')], cwd);
        expect(result.output).not.toMatch(/unexpected error|\n\s+at /);
        expect(result.code, `${command}\n${result.output}`).toBe(b.exit);
      }
      return;
    }
    const result =
      b.lang === 'ts'
        ? await run(process.execPath, [TSX, fileOf(b)], cwd)
        : await run(process.execPath, [fileOf(b)], cwd);
    expect(result.code, result.output).toBe(0);
  });
});
