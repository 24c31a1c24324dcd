// docs/browser-differences.md must be what scripts/browser-differences.ts writes from today's corpus and
// profiles (the differential test proves each profile equal to its engine).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderBrowserDifferences } from './differences.js';

describe('docs/browser-differences.md', () => {
  it('is up to date with the corpus and the profiles (regenerate: npx tsx scripts/browser-differences.ts)', async () => {
    const committed = readFileSync(new URL('../../docs/browser-differences.md', import.meta.url), 'utf8');
    const fresh = await renderBrowserDifferences();
    // A row the corpus no longer produces, or a new one, fails here with the line that changed.
    expect(committed.split('\n')).toEqual(fresh.split('\n'));
    expect(fresh).toContain('| c');
  }, 60_000);
});
