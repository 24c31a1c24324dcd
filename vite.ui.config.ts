// Builds the page of `corskit ui` (src/ui/page) into dist/ui/app: Preact, the spec/ and browser/ layers,
// no CDN. The build reports the gzipped size of what it ships and fails above the budget.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/** The shipped app's budget, gzipped (issue 13). */
export const UI_BUDGET_BYTES = 150 * 1024;

const OUT_DIR = join(import.meta.dirname, 'dist/ui/app');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Gzipped bytes of every file the app ships. */
export function shippedSize(dir: string): number {
  return filesUnder(dir).reduce((sum, f) => sum + gzipSync(readFileSync(f), { level: 9 }).length, 0);
}

function sizeBudget(): Plugin {
  return {
    name: 'corskit-ui-size-budget',
    apply: 'build',
    closeBundle() {
      const size = shippedSize(OUT_DIR);
      const kb = (size / 1024).toFixed(1);
      if (size > UI_BUDGET_BYTES)
        throw new Error(
          `corskit ui: the app is ${kb} KB gzipped, over the ${UI_BUDGET_BYTES / 1024} KB budget`,
        );
      console.log(`corskit ui: app ${kb} KB gzipped (budget ${UI_BUDGET_BYTES / 1024} KB)`);
    },
  };
}

export default defineConfig({
  root: join(import.meta.dirname, 'src/ui/page'),
  base: './',
  logLevel: 'warn',
  publicDir: false,
  resolve: { alias: { tldts: join(import.meta.dirname, 'node_modules/tldts/dist/index.esm.min.js') } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    modulePreload: false,
  },
  plugins: [sizeBudget()],
});
