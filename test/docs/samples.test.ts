// Every sample output shown in README.md and docs/ is what the built CLI prints today: the script that
// writes them (npm run docs:samples) runs again and compares, ports and timings aside.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allBlocks, ROOT } from './blocks.js';

function samplesCheck(): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'scripts/docs-samples.mjs'), '--check'],
      { cwd: ROOT, timeout: 120_000 },
      (error, _stdout, stderr) => resolve({ code: error === null ? 0 : (error.code as number), stderr }),
    );
  });
}

describe('sample outputs', () => {
  it('every sample block is a text or json fence with something in it', () => {
    const samples = allBlocks().filter((b) => b.sample !== undefined);
    expect(samples.length).toBeGreaterThan(8);
    for (const b of samples) {
      expect(['text', 'json'], `${b.page}:${b.line}`).toContain(b.lang);
      expect(b.code.trim().length, `${b.page}:${b.line} is empty: run npm run docs:samples`).toBeGreaterThan(
        0,
      );
    }
  });

  it('match a fresh run of the CLI', async () => {
    if (!existsSync(join(ROOT, 'dist/cli/main.js')))
      throw new Error('dist/ is missing: run `npm run build` (npm test does)');
    const { code, stderr } = await samplesCheck();
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 120_000);

  it('the README shows a sample of each command of the tour', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const id of ['readme-check', 'readme-explain', 'readme-audit', 'readme-simulate'])
      expect(readme).toContain(`<!-- sample: ${id} -->`);
  });
});
