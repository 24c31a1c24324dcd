// Any three-digit status, as browsers handle them (issue 9; each case is also in the differential corpus,
// proven in Chromium, Firefox and WebKit): the scenario format takes 100 to 999, a 680 preflight is not ok,
// a 699 response is read, and Chromium's network stack fails a 407 preflight before CORS sees it.
import { describe, expect, it } from 'vitest';
import { parseScenario, type Scenario, simulate } from '../../src/browser/index.js';

const PAGE = 'https://app.example';
const API = 'https://api.example/items';
const allow = { 'Access-Control-Allow-Origin': PAGE, 'Access-Control-Allow-Methods': 'PUT' };

const put = (preflightStatus: number): Scenario => ({
  origin: PAGE,
  request: { url: API, method: 'PUT' },
  server: { preflight: { status: preflightStatus, headers: allow }, actual: { status: 200, headers: allow } },
});

describe('statuses from 100 to 999', () => {
  it('the scenario format takes any three-digit status and names the field otherwise', () => {
    expect(parseScenario(put(680)).server.preflight?.status).toBe(680);
    expect(() => parseScenario(put(1000))).toThrow(
      'scenario.server.preflight.status: must be a three-digit HTTP status code, from 100 to 999',
    );
    expect(() => parseScenario(put(99))).toThrow(/from 100 to 999/);
  });

  it('a 680 preflight fails as not ok; a 699 response is read', () => {
    for (const browser of ['chrome', 'firefox', 'safari', 'spec'] as const) {
      expect(simulate(put(680), { browser }).error?.code).toBe('PreflightInvalidStatus');
      const read = simulate(
        { origin: PAGE, request: { url: API }, server: { actual: { status: 699, headers: allow } } },
        { browser },
      );
      expect([read.outcome, read.status]).toEqual(['allowed', 699]);
    }
  });

  it('a 407 preflight is a network error in Chrome, a bad status elsewhere', () => {
    const chrome = simulate(put(407), { browser: 'chrome' });
    expect([chrome.outcome, chrome.error?.code, chrome.actualSent]).toEqual([
      'blocked',
      'NetworkError',
      false,
    ]);
    expect(chrome.error?.message).toMatch(/^TypeError: Failed to fetch/);
    for (const browser of ['firefox', 'safari', 'spec'] as const)
      expect(simulate(put(407), { browser }).error?.code).toBe('PreflightInvalidStatus');
  });
});
