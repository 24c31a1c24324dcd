import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// src/spec must run unchanged in browsers and on edge runtimes: no Node built-ins, no Node globals,
// and only the dependencies we chose for it.
const SPEC_DIR = join(import.meta.dirname, '../../src/spec');
const ALLOWED_PACKAGES = new Set(['tldts', 'whatwg-mimetype']);
const NODE_GLOBALS = ['process', 'Buffer', 'require', '__dirname', '__filename', 'global', 'setImmediate'];

function importsOf(source: string): string[] {
  const out: string[] = [];
  for (const line of source.split('\n')) {
    // `import … from 'x'`, `export … from 'x'`, and the closing line of a multi-line import.
    const from = line.match(/^\s*(?:import\b|export\b|\}).*?\bfrom\s+['"]([^'"]+)['"]/);
    if (from?.[1] !== undefined) out.push(from[1]);
    const dyn = line.match(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/);
    if (dyn?.[1] !== undefined) out.push(dyn[1]);
    const bare = line.match(/^\s*import\s+['"]([^'"]+)['"]/);
    if (bare?.[1] !== undefined) out.push(bare[1]);
  }
  return out;
}

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
}

describe('src/spec portability', () => {
  const files = readdirSync(SPEC_DIR).filter((f) => f.endsWith('.ts'));

  it('has the modules DESIGN.md lays out', () => {
    for (const m of [
      'origin',
      'methods',
      'headers',
      'preflight',
      'check',
      'cache',
      'redirect',
      'errors',
      'browsers',
    ]) {
      expect(files).toContain(`${m}.ts`);
    }
  });

  it.each(files)('%s imports only relative modules and the allowed packages', (file) => {
    const source = readFileSync(join(SPEC_DIR, file), 'utf8');
    for (const spec of importsOf(source)) {
      const ok = spec.startsWith('./') || ALLOWED_PACKAGES.has(spec);
      expect(ok, `${file} imports ${spec}`).toBe(true);
      expect(spec.startsWith('node:'), `${file} imports ${spec}`).toBe(false);
    }
  });

  it.each(files)('%s uses no Node globals', (file) => {
    const code = stripComments(readFileSync(join(SPEC_DIR, file), 'utf8'));
    for (const g of NODE_GLOBALS) {
      expect(new RegExp(`(^|[^.\\w$])${g}\\b`).test(code), `${file} uses ${g}`).toBe(false);
    }
  });

  it('the import scanner itself catches a node: import and a global', () => {
    expect(importsOf("import { readFileSync } from 'node:fs';")).toEqual(['node:fs']);
    expect(importsOf("import {\n  a,\n} from 'node:path';")).toEqual(['node:path']);
    expect(importsOf("const m = `redirected from '${x}'`;")).toEqual([]);
    expect(/(^|[^.\w$])process\b/.test(stripComments('const x = process.env.X;'))).toBe(true);
  });
});
