// The HAR view end to end: a HAR Chromium recorded, dropped in; its cross-origin requests judged.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  ROOT,
  type RunningUi,
  screenshot,
  seriousViolations,
  startCorskitUi,
} from './harness.js';

let ui: RunningUi;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ui = await startCorskitUi();
  ({ browser, page } = await launchChromium());
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await ui?.stop();
});

describe('HAR view', () => {
  it('lists the cross-origin requests of a HAR with verdicts, and draws the one clicked', async () => {
    const requests: string[] = [];
    page.on('request', (r) => requests.push(new URL(r.url()).origin));
    await page.goto(`${ui.url}#/har`);
    await page.setInputFiles('input[type=file]', join(ROOT, 'test/fixtures/har/chromium-cors.har'));
    const rows = page.locator('table.har-table tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(3);
    const verdicts = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-verdict')));
    expect(verdicts).toContain('allowed');
    expect(verdicts).toContain('blocked');
    const blocked = verdicts.indexOf('blocked');
    await rows.nth(blocked).locator('button').click();
    const item = page.locator('[data-testid=har-item]');
    await item.waitFor();
    expect(await item.locator('[data-verdict]').getAttribute('data-verdict')).toBe('blocked');
    expect(await item.locator('svg.sequence [data-arrow]').count()).toBeGreaterThan(0);
    expect(new URL(page.url()).hash).toContain(`item=${blocked}`);
    // The file went to corskit's own loopback server and nowhere else.
    expect(new Set(requests)).toEqual(new Set([new URL(ui.url).origin]));
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'har');
  });

  it('says in one line what is wrong with a file that is not a HAR', async () => {
    await page.goto(`${ui.url}#/har`);
    await page.setInputFiles('input[type=file]', {
      name: 'notes.har',
      mimeType: 'application/json',
      buffer: Buffer.from('{"log": {"entries": 3}}'),
    });
    const error = page.locator('p.error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^notes\.har: /);
  });
});
