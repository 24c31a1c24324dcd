// The package as a user installs it: `npm pack`, then the tarball installed into an empty project with no
// network (the dependencies come from npm's cache, pinned by a lockfile built from ours), then the bin,
// an ESM import, a CommonJS require() and every subpath export. publint and attw judge the same tarball.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface PackageJson {
  version: string;
  license: string;
  dependencies: Record<string, string>;
  bin: Record<string, string>;
  engines: Record<string, string>;
  exports: Record<string, unknown>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, unknown>;
  scripts: Record<string, string>;
}
interface LockEntry {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
const subpaths = Object.keys(pkg.exports)
  .filter((k) => k !== './package.json')
  .map((k) => (k === '.' ? 'corskit' : `corskit/${k.slice(2)}`));

function run(
  command: string,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({
        code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1,
        stdout,
        stderr,
      }),
    );
  });
}

/** Our lockfile's entries for the runtime dependencies and everything they need, by node_modules path. */
function runtimeLockEntries(): Record<string, LockEntry> {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const find = (from: string, name: string): string | undefined => {
    for (let base = from; ; ) {
      const path = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
      if (lock.packages[path] !== undefined) return path;
      if (base === '') return undefined;
      const i = base.lastIndexOf('/node_modules/');
      base = i < 0 ? '' : base.slice(0, i);
    }
  };
  const out: Record<string, LockEntry> = {};
  const queue = Object.keys(pkg.dependencies).map((d) => find('', d));
  while (queue.length > 0) {
    const path = queue.pop();
    if (path === undefined || out[path] !== undefined) continue;
    const entry = lock.packages[path] as LockEntry;
    out[path] = entry;
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies }))
      queue.push(find(path, dep));
  }
  return out;
}

let dir = '';
let tarball = '';
let app = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'corskit-pack-'));
  // npm test has just built dist/; prepack (clean + build) would pull it from under the other tests.
  const packed = await run(NPM, ['pack', '--ignore-scripts', '--pack-destination', dir, '--json'], ROOT);
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  tarball = join(dir, (JSON.parse(packed.stdout) as { filename: string }[])[0]?.filename as string);
  app = join(dir, 'app');
  mkdirSync(app);
  const spec = `file:../${tarball.slice(dir.length + 1)}`;
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'app', private: true, type: 'module', dependencies: { corskit: spec } }),
  );
  const corskit = {
    version: pkg.version,
    resolved: spec,
    license: pkg.license,
    dependencies: pkg.dependencies,
    bin: pkg.bin,
    engines: pkg.engines,
    peerDependencies: pkg.peerDependencies,
    peerDependenciesMeta: pkg.peerDependenciesMeta,
  };
  const packages = {
    '': { name: 'app', dependencies: { corskit: spec } },
    'node_modules/corskit': corskit,
    ...runtimeLockEntries(),
  };
  writeFileSync(
    join(app, 'package-lock.json'),
    JSON.stringify({ name: 'app', lockfileVersion: 3, requires: true, packages }),
  );
  const installed = await run(NPM, ['ci', '--offline', '--no-audit', '--no-fund'], app);
  if (installed.code !== 0) throw new Error(`npm ci --offline failed:\n${installed.stderr}`);
}, 180_000);

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('prepack builds from a clean dist/', () => {
    expect(pkg.scripts.prepack).toMatch(/clean.*build/);
  });

  it('ships dist/, schema/ and examples/, and no source maps, build info or sources', async () => {
    const { stdout } = await run('tar', ['tzf', tarball], dir);
    const files = stdout.trim().split('\n');
    for (const f of [
      'package/dist/index.js',
      'package/dist/index.d.ts',
      'package/dist/cli/main.js',
      'package/schema/scenario.schema.json',
      'package/examples/scenarios.json',
      'package/README.md',
      'package/LICENSE',
    ])
      expect(files).toContain(f);
    expect(
      files.filter((f) => f.endsWith('.map') || f.includes('tsbuildinfo') || f.startsWith('package/src/')),
    ).toEqual([]);
  });

  it('npx corskit --help, and simulate with the shipped examples and schema', async () => {
    const help = await run(NPM, ['exec', '--offline', '--', 'corskit', '--help'], app);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: corskit');
    const sim = await run(
      process.execPath,
      ['node_modules/.bin/corskit', 'simulate', 'node_modules/corskit/examples/scenarios.json', '--json'],
      app,
    );
    expect(sim.stderr).toBe('');
    expect(sim.code).toBe(1); // the examples include blocked scenarios
    expect((JSON.parse(sim.stdout) as { outcome: string }[]).map((r) => r.outcome)).toContain('allowed');
    const bad = await run(process.execPath, ['node_modules/.bin/corskit', 'simulate', 'package.json'], app);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^corskit: package\.json: scenario\.\w+: is (not a field|required)/);
  });

  it('an ESM import of every subpath export', async () => {
    const code = `for (const s of ${JSON.stringify(subpaths)}) { const m = await import(s); if (Object.keys(m).length === 0) throw new Error(s); }
const { createCorsPolicy } = await import('corskit');
console.log(createCorsPolicy({ origins: ['https://app.example.com'] }).explain({ method: 'GET', headers: { origin: 'https://app.example.com' } }).allowed);`;
    const result = await run(process.execPath, ['--input-type=module', '-e', code], app);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('true');
  });

  // require() of ES modules arrived in Node 20.19 (and 22.12); older Node has no such feature to test.
  const requireEsm = (process.features as { require_module?: boolean }).require_module === true;
  it.runIf(requireEsm)('a CommonJS require() of every subpath export (Node 20.19 and later)', async () => {
    const code = `for (const s of ${JSON.stringify(subpaths)}) { if (Object.keys(require(s)).length === 0) throw new Error(s); }
console.log(typeof require('corskit/browser').simulate);`;
    const result = await run(process.execPath, ['--input-type=commonjs', '-e', code], app);
    expect(result.stderr.replace(/.*ExperimentalWarning.*\n?|.*--trace-warnings.*\n?/g, '')).toBe('');
    expect(result.stdout.trim()).toBe('function');
  });

  it('publint finds nothing', async () => {
    const result = await run(process.execPath, [join(ROOT, 'node_modules/publint/src/cli.js'), tarball], dir);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('All good');
  });

  it('attw: types resolve for every entry point (ESM only: no node10 or require() from CJS types)', async () => {
    const result = await run(
      process.execPath,
      [join(ROOT, 'node_modules/@arethetypeswrong/cli/dist/index.js'), tarball, '--profile', 'esm-only'],
      dir,
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });
});
