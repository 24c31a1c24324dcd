// Writes docs/browser-differences.md from the differential corpus: every scenario where Chromium, Firefox
// and WebKit differ, with each one's verdict. Run `npx tsx scripts/browser-differences.ts` after changing
// the corpus or a profile; test/browser/differences.test.ts fails while the committed page is stale.
import { writeFileSync } from 'node:fs';
import { renderBrowserDifferences } from '../test/browser/differences.js';

const target = new URL('../docs/browser-differences.md', import.meta.url);
writeFileSync(target, await renderBrowserDifferences());
console.log('wrote docs/browser-differences.md');
