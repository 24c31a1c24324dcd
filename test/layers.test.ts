// The layering of DESIGN.md, enforced: each folder of src/ imports only the layers it may. The UI is two
// layers in nested folders: its server side (ui/server) and its page code (ui/page), which the browser
// runs and which may bundle only spec/ and browser/.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../src');

/** Who may import whom (besides itself). Type-only imports of spec/ are allowed everywhere. */
const ALLOWED: Record<string, readonly string[]> = {
  spec: [],
  policy: ['spec'],
  adapters: ['policy'],
  browser: ['spec'],
  testing: ['browser'],
  doctor: ['spec', 'browser', 'policy'],
  audit: ['spec', 'browser', 'policy', 'doctor'],
  cli: ['doctor', 'audit', 'adapters', 'ui/server'],
  'ui/server': ['doctor', 'audit', 'adapters', 'policy', 'browser', 'spec'],
  'ui/page': ['spec', 'browser'],
};

/** Layers that are folders inside a folder. */
const NESTED = new Set(['ui']);

/** The layer a path under src/ belongs to: its first folder, or the first two for nested layers. */
function layerOf(pathFromSrc: string): string {
  const parts = pathFromSrc.split(/[\\/]/);
  return NESTED.has(parts[0] as string) ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(d.name) ? [path] : [];
  });
}

function layerImports(layer: string): { file: string; target: string; typeOnly: boolean }[] {
  const out: { file: string; target: string; typeOnly: boolean }[] = [];
  for (const path of sourceFiles(join(SRC, layer))) {
    const source = readFileSync(path, 'utf8');
    // `import ... from './x'` or '../x/...', possibly spanning lines.
    for (const m of source.matchAll(/^(import|export)(\s+type)?[^;]*?from\s+'(\.{1,2}\/[^']*)'/gms)) {
      const target = layerOf(relative(SRC, resolve(dirname(path), m[3] as string)));
      if (target === layer) continue;
      out.push({ file: relative(SRC, path), target, typeOnly: m[2] !== undefined });
    }
  }
  return out;
}

describe('layers', () => {
  it('every folder of src/ is a known layer', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) =>
        NESTED.has(d.name)
          ? readdirSync(join(SRC, d.name), { withFileTypes: true })
              .filter((n) => n.isDirectory())
              .map((n) => `${d.name}/${n.name}`)
          : [d.name],
      );
    expect(folders.sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it.each(Object.keys(ALLOWED))('%s imports only what DESIGN.md allows', (layer) => {
    for (const { file, target, typeOnly } of layerImports(layer)) {
      if (typeOnly && target === 'spec') continue;
      expect(ALLOWED[layer], `${file} imports from ${target}/`).toContain(target);
    }
  });

  it('the check itself sees imports, also in nested folders', () => {
    expect(layerImports('policy').some((i) => i.target === 'spec')).toBe(true);
    expect(layerImports('ui/page').some((i) => i.target === 'browser')).toBe(true);
    expect(layerImports('cli').some((i) => i.target === 'ui/server')).toBe(true);
  });

  it('the page bundles no Node-only module', () => {
    for (const path of sourceFiles(join(SRC, 'ui/page'))) {
      const source = readFileSync(path, 'utf8');
      expect(source, relative(SRC, path)).not.toMatch(/from\s+'(node:|undici)/);
      // browser/index.ts re-exports the HTTP transports: the page imports the pure modules directly.
      expect(source, relative(SRC, path)).not.toMatch(/from\s+'[./]*browser\/index\.js'/);
    }
  });
});
