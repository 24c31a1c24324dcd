// Bundles the package's entry points (after tsc) into dist/bundle/, so that importing an adapter loads
// two files: its own and core.js.
//
// Why: Node loads every ES module file on its own, and on this machine each file costs about 0.9 ms of
// CPU before any of its code runs. Importing corskit/express as sixteen tsc files cost about 12 ms more
// than require('cors'); esbuild's automatic code splitting brought that to four files (the entry, the
// node adapter's chunk, the policy's and the spec's), still about 11 ms; two files meet the 10 ms target
// of issue 12 (BENCHMARKS.md, Startup).
//
// How, in two steps:
// 1. core.js: every module the runtime entry points (corskit, corskit/node, …/hono, …/web) share, that is
//    the policy and the parts of the spec it uses, bundled into one file that exports all their names.
// 2. Every entry point, bundled with those modules left out: an import of one of them becomes an import
//    from ./core.js. The adapters and the root are one file each; the tools (spec, browser, testing,
//    doctor, audit) share chunks among themselves. So a class such as CorsConfigError, and state such as
//    the Public Suffix List given to usePublicSuffixList(), exist once whichever entry point they come
//    through. Barrels (index.js files) are never part of core.js, so an entry point's `export *` of one
//    re-exports that barrel's names, not all of core.js.
// Dependencies stay external; the CLI and the UI server keep using tsc's files.
import { readFileSync, rmSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist/bundle');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const RUNTIME = new Set(['index', 'node', 'express', 'fastify', 'koa', 'hono', 'web']);
const common = {
  absWorkingDir: ROOT,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
};

/** Entry name (the bundle file's) -> the tsc output it bundles, read from package.json's types paths. */
const entryPoints = {};
for (const [subpath, target] of Object.entries(pkg.exports)) {
  if (typeof target !== 'object') continue;
  const name = subpath === '.' ? 'index' : subpath.slice(2);
  entryPoints[name] = join(ROOT, target.types.replace(/\.d\.ts$/, '.js'));
}
const pick = (names) => Object.fromEntries(Object.entries(entryPoints).filter(([n]) => names(n)));

// 1. Which modules the runtime entry points reach, apart from the entry files, the adapters and barrels.
const reach = await build({
  ...common,
  entryPoints: pick((n) => RUNTIME.has(n)),
  write: false,
  outdir: OUT,
  metafile: true,
});
const entryFiles = new Set(Object.values(entryPoints));
const core = Object.keys(reach.metafile.inputs)
  .map((p) => resolve(ROOT, p))
  .filter(
    (p) => !entryFiles.has(p) && basename(p) !== 'index.js' && !p.includes(`${join('dist', 'adapters')}`),
  )
  .sort();

// core.js exports every name of every core module, so each name must mean one thing.
const owner = new Map();
const namesOf = new Map(); // core module -> the names it exports
for (const file of core) {
  const mod = await import(pathToFileURL(file).href);
  namesOf.set(file, Object.keys(mod));
  for (const [name, value] of Object.entries(mod)) {
    const seen = owner.get(name);
    if (seen !== undefined && seen.value !== value)
      throw new Error(`bundle: ${name} is exported by both ${seen.file} and ${file}; core.js needs one`);
    owner.set(name, { file, value });
  }
}
rmSync(OUT, { recursive: true, force: true }); // chunk names carry hashes: no stale files
await build({
  ...common,
  stdin: { contents: core.map((f) => `export * from ${JSON.stringify(f)};`).join('\n'), resolveDir: ROOT },
  outfile: join(OUT, 'core.js'),
  logLevel: 'warning',
});

// 2. The entry points, each core module replaced by a module of the same names re-exported from
//    ./core.js (every output file sits beside it). The names are spelled out, not `export *`, so that
//    esbuild can follow a barrel's `export *` through them.
const useCore = {
  name: 'corskit-core',
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) => {
      if (args.namespace === 'corskit-core') return { path: './core.js', external: true };
      const file = resolve(args.resolveDir, args.path);
      // A path relative to the package, so that the bundle's comments name no machine's folders.
      return namesOf.has(file) ? { path: relative(ROOT, file), namespace: 'corskit-core' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'corskit-core' }, (args) => ({
      contents: `export { ${(namesOf.get(resolve(ROOT, args.path)) ?? []).join(', ')} } from './core.js';`,
      resolveDir: OUT,
      loader: 'js',
    }));
  },
};
const entries = { ...common, outdir: OUT, plugins: [useCore], logLevel: 'warning' };
await build({ ...entries, entryPoints: pick((n) => RUNTIME.has(n)) });
await build({
  ...entries,
  entryPoints: pick((n) => !RUNTIME.has(n)),
  splitting: true,
  chunkNames: '[name]-[hash]',
});
