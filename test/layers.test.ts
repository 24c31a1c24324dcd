// The layering of DESIGN.md, enforced: each folder of src/ imports only the layers it may.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
  cli: ['doctor', 'audit', 'adapters'],
};

function layerImports(layer: string): { file: string; target: string; typeOnly: boolean }[] {
  const out: { file: string; target: string; typeOnly: boolean }[] = [];
  for (const file of readdirSync(join(SRC, layer)).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(SRC, layer, file), 'utf8');
    // `import ... from '../x/...'`, possibly spanning lines.
    for (const m of source.matchAll(/^(import|export)(\s+type)?[^;]*?from\s+'\.\.\/([a-z]+)\//gms)) {
      out.push({ file, target: m[3] as string, typeOnly: m[2] !== undefined });
    }
  }
  return out;
}

describe('layers', () => {
  it('every folder of src/ is a known layer', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(folders.sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it.each(Object.keys(ALLOWED))('%s imports only what DESIGN.md allows', (layer) => {
    for (const { file, target, typeOnly } of layerImports(layer)) {
      if (typeOnly && target === 'spec') continue;
      expect(ALLOWED[layer], `${layer}/${file} imports ../${target}/`).toContain(target);
    }
  });

  it('the check itself sees imports', () => {
    expect(layerImports('policy').some((i) => i.target === 'spec')).toBe(true);
  });
});
