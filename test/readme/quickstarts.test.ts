// The README's framework quick starts must run as written: each server snippet is extracted, run
// against the built package (npm test builds first), and asked a real preflight and a GET.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
// Inside the package, so `corskit/...` resolves to this package's own exports (self-reference).
const RUN_DIR = join(ROOT, '.readme-run');

function serverSnippets(): { title: string; code: string }[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Adapters'), readme.indexOf('\n## `corskit/spec`'));
  const out: { title: string; code: string }[] = [];
  let title = '';
  const lines = section.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith('### ')) title = line.slice(4);
    if (line === '```js') {
      const end = lines.indexOf('```', i + 1);
      const code = lines.slice(i + 1, end).join('\n');
      if (/\b3000\b/.test(code))
        out.push({ title: `${title} #${out.filter((s) => s.title.startsWith(title)).length + 1}`, code });
      i = end;
    }
  }
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`the snippet exited with ${child.exitCode}:\n${output()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`the snippet did not start listening:\n${output()}`);
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill();
  rmSync(RUN_DIR, { recursive: true, force: true });
});

describe('README quick starts run as written', () => {
  const snippets = serverSnippets();

  it('finds a server quick start for every framework', () => {
    const titles = snippets.map((s) => s.title).join(' | ');
    for (const name of ['Express', 'Fastify', 'Koa', 'Hono', "Node's http"]) expect(titles).toContain(name);
  });

  it.each(snippets)('$title', async ({ code }) => {
    if (!existsSync(join(ROOT, 'dist/index.js')))
      throw new Error('dist/ is missing: run `npm run build` (npm test does)');
    mkdirSync(RUN_DIR, { recursive: true });
    const port = await freePort();
    const file = join(RUN_DIR, `snippet-${port}.mjs`);
    // Only the port changes, so parallel runs and busy machines do not collide on 3000.
    writeFileSync(file, code.replace(/\b3000\b/g, String(port)));
    let output = '';
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitForServer(`${base}/`, child, () => output);
      const preflight = await fetch(`${base}/items`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://app.example.com',
          // Every snippet allows app.example.com; GET needs no listing, so this holds for all of them.
          'Access-Control-Request-Method': 'GET',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(preflight.headers.get('access-control-allow-methods')).toBe('GET');
      const get = await fetch(`${base}/items`, { headers: { Origin: 'https://app.example.com' } });
      expect(get.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(get.headers.get('vary')).toMatch(/Origin/);
      const evil = await fetch(`${base}/items`, { headers: { Origin: 'https://evil.example' } });
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      child.kill();
    }
  });
});
