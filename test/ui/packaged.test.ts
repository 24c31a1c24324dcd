// `corskit ui` as the package ships it: the built bin serves the built app from dist/, and the app loads
// nothing from any other host (no CDN: it works offline).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shippedSize, UI_BUDGET_BYTES } from '../../vite.ui.config.js';
import { ROOT } from './harness.js';

const CLI = join(ROOT, 'dist/cli/main.js');
const APP = join(ROOT, 'dist/ui/app');
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGTERM');
});

describe('the packaged UI', () => {
  it('is served by the built bin from dist/ui/app', async () => {
    if (!existsSync(CLI) || !existsSync(join(APP, 'index.html')))
      throw new Error('dist/ is missing: run `npm run build` (npm test does)');
    child = spawn(process.execPath, [CLI, 'ui', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child?.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /corskit ui: (http:\/\/\S+)/.exec(out);
        if (m !== null) resolve(m[1] as string);
      });
      child?.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const index = await (await fetch(url)).text();
    const assets = [...index.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    for (const asset of assets) {
      const res = await fetch(new URL(asset, url));
      expect(res.status, asset).toBe(200);
      expect(await res.text()).toBe(readFileSync(join(APP, asset), 'utf8'));
    }
  });

  it('stays within its size budget, gzipped', () => {
    const size = shippedSize(APP);
    process.stdout.write(`corskit ui: app ${(size / 1024).toFixed(1)} KB gzipped\n`);
    expect(size).toBeLessThan(UI_BUDGET_BYTES);
    expect(size).toBeGreaterThan(10 * 1024);
  });

  it('references no other host: no CDN, no fonts, no analytics', () => {
    const files = [
      join(APP, 'index.html'),
      ...readdirSync(join(APP, 'assets')).map((f) => join(APP, 'assets', f)),
    ];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      // Script and style loads from elsewhere, and CSS imports or fonts by URL.
      expect(text, file).not.toMatch(/<(script|link)[^>]+(src|href)="(https?:)?\/\//);
      expect(text, file).not.toMatch(/@import|url\(\s*['"]?https?:/);
    }
  });
});
