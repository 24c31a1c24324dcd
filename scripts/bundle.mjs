// Bundles the package's entry points (after tsc) into dist/bundle/: one file per entry plus shared chunks
// (esbuild code splitting), so a class such as CorsConfigError is one class whichever entry point it comes
// through. Why: Node loads each ES module file separately, and importing corskit/express as 16 tsc files
// cost about 12 ms more than require('cors'); one bundled file costs about 3 ms (BENCHMARKS.md, startup).
// Dependencies stay external; the CLI and the UI server keep using tsc's files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** Entry name (the bundle file's) -> the tsc output it bundles, read from package.json's types paths. */
const entryPoints = {};
for (const [subpath, target] of Object.entries(pkg.exports)) {
  if (typeof target !== 'object') continue;
  const name = subpath === '.' ? 'index' : subpath.slice(2);
  entryPoints[name] = join(ROOT, target.types.replace(/\.d\.ts$/, '.js'));
}

await build({
  entryPoints,
  outdir: join(ROOT, 'dist/bundle'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
