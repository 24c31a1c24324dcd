// The Policy builder end to end: validation inline, the static audit, code per adapter, a trial request.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type RunningUi, screenshot, seriousViolations, startCorskitUi } from './harness.js';

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

const result = () => page.locator('[data-testid=policy-result]');

describe('Policy builder view', () => {
  it('validates inline, audits, writes the code and tries a request', async () => {
    await page.goto(`${ui.url}#/policy`);
    await expect.poll(() => result().getAttribute('data-valid')).toBe('true');
    // The default request (PUT with JSON and cookies from the allowed origin) passes.
    await expect
      .poll(() => page.locator('[data-testid=policy-trial]').getAttribute('data-outcome'))
      .toBe('allowed');
    expect(await page.locator('#policy-code-panel code').textContent()).toContain("from 'corskit/express'");
    await page.getByRole('tab', { name: 'Hono' }).click();
    expect(await page.locator('#policy-code-panel code').textContent()).toContain(
      "app.use('*', cors(policy));",
    );

    // Two mistakes createCorsPolicy refuses: each shown under the field, which is marked invalid.
    await page.fill('textarea[name=origins]', 'https://*.github.io\nhttps://app.example.com/');
    await expect.poll(() => result().getAttribute('data-valid')).toBe('false');
    const errors = page.locator('#origins-errors li');
    await expect.poll(() => errors.count()).toBe(2);
    expect(await errors.nth(0).textContent()).toContain('origins[0]');
    expect(await errors.nth(1).textContent()).toContain('write "https://app.example.com"');
    expect(await page.getAttribute('textarea[name=origins]', 'aria-invalid')).toBe('true');
    expect(await page.locator('#policy-code-panel').count()).toBe(0);

    // A valid policy with a risk the static audit names; and a request it refuses.
    await page.fill('textarea[name=origins]', 'https://app.example.com\nhttp://localhost:3000');
    await page.fill('input[name=tryOrigin]', 'https://evil.example');
    await expect.poll(() => result().getAttribute('data-valid')).toBe('true');
    await expect.poll(() => page.locator('[data-finding=localhost-trusted]').count()).toBe(1);
    await expect
      .poll(() => page.locator('[data-testid=policy-trial]').getAttribute('data-outcome'))
      .toBe('blocked');
    // The URL reproduces the form.
    const params = new URLSearchParams(new URL(page.url()).hash.split('?')[1]);
    expect(params.get('origins')).toBe('https://app.example.com\nhttp://localhost:3000');
    expect(params.get('tryOrigin')).toBe('https://evil.example');
    await page.reload();
    expect(await page.inputValue('input[name=tryOrigin]')).toBe('https://evil.example');
    await expect.poll(() => page.locator('[data-finding=localhost-trusted]').count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'policy');
  });
});
