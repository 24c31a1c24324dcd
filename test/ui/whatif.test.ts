// The What-if view end to end, and the done-when test of issue 13: for every scenario of the differential
// corpus, the simulator bundled in the page gives exactly what `corskit simulate` (Node) gives, and the
// view, opened at the scenario's link, shows that verdict.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Scenario, type SimResult, simulate, toHeaderList } from '../../src/browser/index.js';
import type { BrowserName } from '../../src/spec/index.js';
import { generateCorpus } from '../browser/corpus.js';
import type { PageElement, PageWindow } from './dom.js';
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

const whatIfUrl = (scenario: unknown, b = 'chrome') =>
  `${ui.url}#/whatif?${new URLSearchParams({ s: JSON.stringify(scenario), browser: b })}`;

const result = () => page.locator('[data-testid=whatif-result]');

describe('What-if view', () => {
  it('redraws as you type, per browser, and its URL reproduces the state', async () => {
    await page.goto(`${ui.url}#/whatif`);
    await result().waitFor();
    expect(await result().getAttribute('data-outcome')).toBe('allowed');
    expect(await result().getAttribute('data-preflight')).toBe('true');
    // Typing into the server's answer: the CORS check now fails, with no button pressed.
    const actual = page.locator('textarea[name=actual-headers]');
    await actual.fill('');
    await actual.pressSequentially('Access-Control-Allow-Origin: https://other.example');
    await expect.poll(() => result().getAttribute('data-code')).toBe('AllowOriginMismatch');
    expect(await page.locator('pre.console').first().textContent()).toContain(
      'has been blocked by CORS policy',
    );
    // Firefox words it its own way.
    await page.selectOption('select[name=browser]', 'firefox');
    await expect
      .poll(() => page.locator('pre.console').first().textContent())
      .toContain('Cross-Origin Request Blocked');
    // The URL holds the edited scenario and the browser: opening it again gives the same view.
    const link = page.url();
    expect(new URLSearchParams(new URL(link).hash.split('?')[1]).get('browser')).toBe('firefox');
    await page.goto('about:blank');
    await page.goto(link);
    await result().waitFor();
    expect(await result().getAttribute('data-code')).toBe('AllowOriginMismatch');
    expect(await page.inputValue('select[name=browser]')).toBe('firefox');
    expect(await page.inputValue('textarea[name=actual-headers]')).toBe(
      'Access-Control-Allow-Origin: https://other.example',
    );
    // A redirect to another origin gets a third lane, and the taint shows.
    await page.selectOption('select[name=preset]', 'redirect');
    await expect.poll(() => page.locator('svg.sequence g.lane').count()).toBe(3);
    expect(await page.locator('svg.sequence .note-redirect').textContent()).toContain('tainted');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'whatif');
  });

  it('shows a scenario mistake inline, naming the field', async () => {
    await page.goto(
      whatIfUrl({
        origin: 'https://app.example.com/',
        request: { url: 'https://api.example.com/' },
        server: {},
      }),
    );
    const error = page.locator('[data-testid=whatif-error]');
    await error.waitFor();
    expect(await error.textContent()).toContain('scenario.origin: must be a serialized origin');
  });

  it('agrees with `corskit simulate` on every scenario of the differential corpus', async () => {
    const scenarios: Scenario[] = generateCorpus().flatMap((c) => [...c.steps]);
    expect(scenarios.length).toBeGreaterThan(500);
    await page.goto(whatIfUrl(scenarios[0]));
    await result().waitFor();
    const browsers: BrowserName[] = ['chrome', 'firefox', 'safari', 'spec'];
    // 1. The page's engine (the one the view calls), for every browser profile.
    const inPage = (await page.evaluate(
      ({ list, names }) =>
        names.map((b) =>
          list.map((s) => {
            const run = (globalThis as unknown as PageWindow).__corskit?.runWhatIf(s, b);
            if (run === undefined) return { invalid: 'no hook' };
            return run.ok ? run.result : { invalid: run.error };
          }),
        ),
      { list: scenarios, names: browsers },
    )) as unknown as SimResult[][];
    // The one thing the page does not bundle is the URL parser: it uses the host browser's `URL`, and
    // Chromium's departs from the URL Standard for some non-special schemes (it writes chrome://version as
    // chrome://version/). A mismatch is accepted only when it is exactly that: the page's and Node's
    // parse of a Location differ, and putting Node's spelling into the page's result makes them equal.
    const locations = scenarios.map((s) =>
      (s.server.redirects ?? []).flatMap((r) =>
        toHeaderList(r.headers)
          .filter(([n]) => n.toLowerCase() === 'location')
          .map(([, v]) => ({ value: v, base: s.request.url })),
      ),
    );
    const pageParse = await page.evaluate(
      (list) =>
        list.map((ls) =>
          ls.map(({ value, base }) => {
            try {
              return new URL(value, base).href;
            } catch {
              return null;
            }
          }),
        ),
      locations,
    );
    const urlParserDifferences: string[] = [];
    browsers.forEach((b, i) => {
      const node = scenarios.map((s) => JSON.stringify(simulate(s, { browser: b })));
      const mismatches = node.flatMap((r, k) => {
        let mine = JSON.stringify(inPage[i]?.[k]);
        if (r === mine) return [];
        (locations[k] ?? []).forEach(({ value, base }, j) => {
          const theirs = pageParse[k]?.[j];
          let ours: string | null = null;
          try {
            ours = new URL(value, base).href;
          } catch {}
          if (theirs && ours && theirs !== ours) mine = mine.split(theirs).join(ours);
        });
        if (r === mine) {
          urlParserDifferences.push(`${b}: ${scenarios[k]?.name}`);
          return [];
        }
        return [`${b}: ${scenarios[k]?.name}`];
      });
      expect(mismatches).toEqual([]);
    });
    // `corskit simulate` follows Chrome by default: there the page and Node agree byte for byte.
    expect(urlParserDifferences.filter((d) => d.startsWith('chrome:'))).toEqual([]);
    expect(urlParserDifferences.length).toBeLessThan(5);
    // 2. The view itself, opened at each scenario's link, shows Node's verdict.
    const hashes = scenarios.map((s) => ({
      name: s.name ?? '',
      hash: `#/whatif?${new URLSearchParams({ s: JSON.stringify(s), browser: 'chrome' })}`,
    }));
    const shown = await page.evaluate(async (items) => {
      const out: Record<string, string>[] = [];
      const settle = () => new Promise((r) => setTimeout(r, 0));
      for (const { name, hash } of items) {
        const w = globalThis as unknown as PageWindow;
        w.location.hash = hash;
        let el: PageElement | null = null;
        // The view redraws within a few milliseconds; the deadline only allows for a loaded machine.
        const deadline = Date.now() + 15_000;
        while (Date.now() < deadline) {
          await settle();
          el = w.document.querySelector('[data-testid=whatif-result]');
          if (el?.getAttribute('data-name') === name) break;
        }
        const a = (k: string) => el?.getAttribute(k) ?? '(missing)';
        out.push({
          name: a('data-name'),
          outcome: a('data-outcome'),
          code: a('data-code'),
          status: a('data-status'),
          visible: a('data-visible'),
          preflight: a('data-preflight'),
          actualSent: a('data-actual-sent'),
        });
      }
      return out;
    }, hashes);
    const expected = scenarios.map((s) => {
      const r = simulate(s, { browser: 'chrome' });
      return {
        name: s.name ?? '',
        outcome: r.outcome,
        code: r.error?.code ?? '',
        status: r.status === null ? '' : String(r.status),
        visible: r.visibleHeaders.join(','),
        preflight: String(r.preflight.sent),
        actualSent: String(r.actualSent),
      };
    });
    const differ = expected.flatMap((e, k) =>
      JSON.stringify(e) === JSON.stringify(shown[k]) ? [] : [{ expected: e, shown: shown[k] }],
    );
    expect(differ).toEqual([]);
  }, 400_000);
});
