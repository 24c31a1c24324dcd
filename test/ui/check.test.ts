// The Check view end to end: `corskit ui` started on port 0, a loopback target, Debian's Chromium.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageWindow } from './dom.js';
import {
  ARTIFACTS,
  launchChromium,
  type RunningUi,
  screenshot,
  seriousViolations,
  startCorskitUi,
  startTarget,
  type Target,
} from './harness.js';

const PAGE_ORIGIN = 'http://localhost:3000';
let ui: RunningUi;
let target: Target;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  target = await startTarget((req, res) => {
    // OPTIONS has no route (the classic mistake); GET admits another origin than the page's.
    if (req.method === 'OPTIONS') {
      res.statusCode = 404;
      return res.end();
    }
    if (req.url?.startsWith('/ok')) res.setHeader('Access-Control-Allow-Origin', PAGE_ORIGIN);
    else res.setHeader('Access-Control-Allow-Origin', 'https://app.example.com');
    res.end('{}');
  });
  ui = await startCorskitUi();
  ({ browser, context, page } = await launchChromium());
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(ui.url).origin });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await ui?.stop();
  await target?.close();
});

const checkUrl = (params: Record<string, string>) => `${ui.url}#/check?${new URLSearchParams(params)}`;

describe('Check view', () => {
  it('restores its form from the URL, runs a live check and draws the exchange', async () => {
    await page.goto(
      checkUrl({
        url: `${target.origin}/items`,
        origin: PAGE_ORIGIN,
        method: 'PUT',
        h: 'Content-Type: application/json',
      }),
    );
    expect(await page.inputValue('input[name=url]')).toBe(`${target.origin}/items`);
    expect(await page.inputValue('input[name=method]')).toBe('PUT');
    expect(await page.inputValue('textarea[name=headers]')).toBe('Content-Type: application/json');
    await page.click('button[type=submit]');
    const result = page.locator('[data-testid=check-result]');
    await result.waitFor();
    expect(await result.locator('[data-verdict]').getAttribute('data-verdict')).toBe('blocked');
    expect(await result.locator('[data-verdict]').getAttribute('data-code')).toBe(
      'PreflightMissingAllowOriginHeader',
    );
    // The server really received the preflight: the check is live.
    expect(target.received).toContain('OPTIONS /items');
    // Two lanes; the preflight and its answer, in that order; a failed mark.
    expect(await page.locator('svg.sequence g.lane').count()).toBe(2);
    expect(
      await page
        .locator('svg.sequence [data-arrow]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-arrow'))),
    ).toEqual(['preflight', 'preflight-answer']);
    const mark = page.locator('svg.sequence .mark.fail').first();
    await mark.click();
    const rule = page.locator('section.rule');
    await expect.poll(() => rule.textContent()).toContain('Fetch §4.9');
    expect(await rule.locator('pre.console').textContent()).toContain('preflight');
    // The origin comparison: the ports differ.
    const portRow = page.locator('table.origins tr', { hasText: 'port' });
    expect(await portRow.getAttribute('class')).toBe('differs');
    // The fix, per framework, copied with one click.
    await page.getByRole('tab', { name: 'express cors' }).click();
    expect(await page.locator('#check-fix-panel code').textContent()).toContain(`origin: ['${PAGE_ORIGIN}']`);
    await page.locator('#check-fix-panel button.copy').click();
    expect(
      await page.evaluate(() => (globalThis as unknown as PageWindow).navigator.clipboard.readText()),
    ).toContain('cors({');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'check');
    // The verdict and the diagram with its opened rule: the picture docs/ui.md shows.
    const top = await page.locator('.verdict').boundingBox();
    const diagram = await page.locator('section', { has: page.locator('svg.sequence') }).boundingBox();
    if (top === null || diagram === null) throw new Error('the verdict or the diagram is not on the page');
    // Bounding boxes are relative to the viewport; a full-page clip is relative to the page.
    const scrolled = await page.evaluate(() => (globalThis as unknown as { scrollY: number }).scrollY);
    await page.screenshot({
      path: `${ARTIFACTS}/check-diagram.png`,
      fullPage: true,
      clip: { x: 0, y: top.y + scrolled - 16, width: 1360, height: diagram.y + diagram.height - top.y + 32 },
    });
  });

  it('can be used with the keyboard alone', async () => {
    await page.goto(`${ui.url}#/check`);
    await page.reload();
    const focused = () =>
      page.evaluate(() => {
        const el = (globalThis as unknown as PageWindow).document.activeElement;
        return el === null
          ? ''
          : `${el.tagName.toLowerCase()}:${el.getAttribute('name') ?? el.getAttribute('role') ?? el.textContent?.trim() ?? ''}`;
      });
    const tabTo = async (want: string | RegExp, limit = 30) => {
      const seen: string[] = [];
      for (let i = 0; i < limit; i++) {
        await page.keyboard.press('Tab');
        const f = await focused();
        seen.push(f);
        if (typeof want === 'string' ? f === want : want.test(f)) return;
      }
      throw new Error(`Tab never reached ${want}; focus went ${seen.join(' > ')}`);
    };
    await tabTo('input:url');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(`${target.origin}/ok`);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('input:origin');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(PAGE_ORIGIN);
    await tabTo('input:credentials');
    await page.keyboard.press('Space');
    await tabTo(/^button:Run check/);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=check-result]').waitFor();
    // Credentials with only Allow-Origin: the credentials check fails.
    expect(await page.locator('[data-verdict]').getAttribute('data-code')).toBe('InvalidAllowCredentials');
    await tabTo(/^g:button/);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('section.rule').count()).toBe(1);
    expect(await page.locator('section.rule').textContent()).toContain('Fetch §4.10');
    await tabTo(/^button:tab/);
    await page.keyboard.press('ArrowRight');
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as PageWindow).document.activeElement?.getAttribute('aria-selected'),
      ),
    ).toBe('true');
    expect(await focused()).toBe('button:tab');
    // The URL now reproduces what was typed.
    const hash = new URLSearchParams(new URL(page.url()).hash.split('?')[1]);
    expect(hash.get('url')).toBe(`${target.origin}/ok`);
    expect(hash.get('credentials')).toBe('1');
  });
});
