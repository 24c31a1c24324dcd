// The README is the front page: every page of docs/ is reachable from it, and every relative link of
// README.md and docs/ points at a file that exists (and a heading that exists, for #anchors).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docPages, ROOT } from './blocks.js';

/** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to dashes. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replaceAll(' ', '-');
}

/** The relative links of a page, outside code blocks: [text](target). */
function linksOf(page: string): { target: string; hash: string }[] {
  const text = readFileSync(join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/g, '');
  const out: { target: string; hash: string }[] = [];
  for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const href = m[1] as string;
    if (/^[a-z]+:/.test(href)) continue; // https:, mailto:
    const [path, hash = ''] = href.split('#') as [string, string?];
    const target = path === '' ? page : normalize(join(dirname(page), path));
    out.push({ target: relative(ROOT, join(ROOT, target)), hash });
  }
  return out;
}

function headingsOf(page: string): string[] {
  const text = readFileSync(join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/^#+ (.+)$/gm)].map((m) => anchor(m[1] as string));
}

describe('links', () => {
  it.each(docPages())('%s: every relative link resolves', (page) => {
    for (const { target, hash } of linksOf(page)) {
      expect(existsSync(join(ROOT, target)), `${page} links to ${target}, which does not exist`).toBe(true);
      if (hash !== '' && target.endsWith('.md'))
        expect(headingsOf(target), `${page} links to ${target}#${hash}`).toContain(hash);
    }
  });

  it('every page of docs/ is reachable from the README', () => {
    const seen = new Set(['README.md']);
    const queue = ['README.md'];
    while (queue.length > 0) {
      const page = queue.shift() as string;
      for (const { target } of linksOf(page)) {
        if (target.endsWith('.md') && !seen.has(target) && existsSync(join(ROOT, target))) {
          seen.add(target);
          queue.push(target);
        }
      }
    }
    for (const page of docPages())
      expect(seen.has(page), `${page} is not reachable from README.md`).toBe(true);
  });

  it('the README links every page of docs/ itself, but the generated ones', () => {
    const direct = new Set(linksOf('README.md').map((l) => l.target));
    const generated = ['docs/browser-differences.md'];
    for (const page of docPages().filter((p) => p.startsWith('docs/') && !generated.includes(p)))
      expect(direct.has(page), `README.md does not link ${page}`).toBe(true);
  });

  it('nothing a user reads points at DESIGN.md, which is not shipped', () => {
    for (const page of docPages()) expect(readFileSync(join(ROOT, page), 'utf8')).not.toContain('DESIGN.md');
  });
});
