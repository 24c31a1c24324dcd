// The Audit view end to end: a loopback API that reflects any origin with credentials, audited from the
// page with a progress bar; findings with evidence; the SARIF export.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  type RunningUi,
  screenshot,
  seriousViolations,
  startCorskitUi,
  startTarget,
  type Target,
} from './harness.js';

let ui: RunningUi;
let target: Target;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  target = await startTarget((req, res) => {
    // The classic hole: whatever Origin arrives is allowed, with cookies.
    if (req.headers.origin !== undefined) {
      res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    res.statusCode = req.method === 'OPTIONS' ? 204 : 200;
    res.end();
  });
  ui = await startCorskitUi();
  ({ browser, page } = await launchChromium());
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await ui?.stop();
  await target?.close();
});

describe('Audit view', () => {
  it('audits URLs with a progress bar, shows findings with evidence, and exports SARIF', async () => {
    const urls = [`${target.origin}/a`, `${target.origin}/b`].join('\n');
    await page.goto(`${ui.url}#/audit?${new URLSearchParams({ urls })}`);
    expect(await page.inputValue('textarea[name=urls]')).toBe(urls);
    await page.click('button[type=submit]');
    const result = page.locator('[data-testid=audit-result]');
    await result.waitFor({ timeout: 60_000 });
    const progress = page.locator('[data-testid=audit-progress]');
    expect(
      await progress.evaluate((p) => [
        (p as unknown as { value: number }).value,
        (p as unknown as { max: number }).max,
      ]),
    ).toEqual([2, 2]);
    expect(await result.locator('section[data-target]').count()).toBe(2);
    expect(await result.locator('[data-finding=reflect-any-origin]').count()).toBe(2);
    expect(target.received.length).toBeGreaterThan(10);
    // Evidence: the request that proved it and the answer's CORS headers.
    const finding = result.locator('[data-finding=reflect-any-origin]').first();
    await finding.locator('summary').click();
    expect(await finding.locator('pre.evidence').first().textContent()).toContain(
      'access-control-allow-credentials: true',
    );
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'audit');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export SARIF' }).click(),
    ]);
    const sarif = JSON.parse(readFileSync((await download.path()) as string, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toContain('reflect-any-origin');
  }, 90_000);
});
