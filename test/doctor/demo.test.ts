// `corskit demo`: every route shows the origins compared part by part; every fix it prints is proven,
// and the redirect that taints the origin gets the page's advice instead of a fix.
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/demo.js';
import type { CheckReport } from '../../src/doctor/check.js';
import { makeStyle } from '../../src/doctor/style.js';
import { exchangeOf, expectProven } from './proven.js';

describe('corskit demo', () => {
  it('diagnoses every route as designed, with proven fixes', async () => {
    let text = '';
    const reports = new Map<string, CheckReport>();
    const status = await runDemo({
      json: false,
      style: makeStyle({ isTTY: false }, {}),
      out: (t) => {
        text += t;
      },
      onReport: (path, report) => reports.set(path, report),
    });
    expect(status).toBe(0);
    expect(reports.size).toBeGreaterThanOrEqual(9);
    expect(text.match(/^ {2}origins: page http:\/\/localhost:5173, target /gm)).toHaveLength(reports.size);
    for (const [path, report] of reports) {
      if (path === '/broken/redirect-taints-origin') {
        expect(report.fixes).toBeNull();
        expect(report.pageAdvice.join(' ')).toMatch(/"Origin: null"/);
      } else if (report.verdict === 'blocked') expectProven(report.fixes, exchangeOf(report));
      else expect(report.fixes).toBeNull();
    }
    expect(text).toContain('Fix it in the page, not the server:');
  });
});
