// The proof every test applies to every fix it prints: the exchange is rebuilt as a scenario from the
// answers the run recorded, each answer's CORS headers replaced by the fix's lists, and run again
// through the public simulate(), a path independent of the builder's own replay. The browser must
// allow it; corskit must accept the corskit config; and nothing the server allowed may be lost.
import { expect } from 'vitest';
import { type Scenario, simulate } from '../../src/browser/index.js';
import type { Fix, FixExchange } from '../../src/doctor/fixes.js';
import { createCorsPolicy } from '../../src/policy/index.js';
import { getHeader, type HeaderList } from '../../src/spec/index.js';

const CORS = /^(access-control-|vary$)/i;
const items = (v: string | null): string[] =>
  v === null
    ? []
    : v
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '');

function patch(headers: HeaderList, fix: readonly [string, string][]): [string, string][] {
  return [...headers.filter(([n]) => !CORS.test(n)).map(([n, v]): [string, string] => [n, v]), ...fix];
}

/** The exchange with the fix applied, as a scenario file would hold it. */
export function fixedScenario(x: FixExchange, fix: Fix): Scenario {
  const preflights: { status: number; headers: [string, string][] }[] = [];
  const responses: { status: number; headers: [string, string][] }[] = [];
  for (const e of x.result.events) {
    if (e.step === 'preflight-response')
      preflights.push({
        status: e.status >= 200 && e.status <= 299 ? e.status : 204,
        headers: patch(
          e.headers.filter(([n]) => !/^location$/i.test(n)),
          fix.preflight ?? [],
        ),
      });
    if (e.step === 'response') responses.push({ status: e.status, headers: patch(e.headers, fix.actual) });
  }
  const last = responses.at(-1);
  const isRedirect = last !== undefined && getHeader(last.headers, 'Location') !== null;
  return {
    origin: x.origin,
    request: {
      url: x.request.url,
      method: x.request.method ?? 'GET',
      headers: (x.request.headers ?? []).map(([n, v]): [string, string] => [n, v]),
      credentials: x.request.credentials ?? 'same-origin',
      mode: 'cors',
    },
    server: {
      ...(fix.preflight !== null ? { preflight: { status: 204, headers: fix.preflight } } : {}),
      ...(preflights.length > 0 ? { preflights } : {}),
      redirects: isRedirect ? responses : responses.slice(0, -1),
      actual: isRedirect || last === undefined ? { status: 200, headers: fix.actual } : last,
    },
  } as Scenario;
}

/** Asserts that `fix` is proven for the exchange: allowed when replayed, valid, and only wider. */
export function expectProven(fix: Fix | null, x: FixExchange): asserts fix is Fix {
  expect(fix, 'a fix was expected').not.toBeNull();
  const f = fix as Fix;
  expect(f.proven).toBe(true);
  const result = simulate(fixedScenario(x, f), { browser: x.browser ?? 'chrome' });
  expect(result.error, JSON.stringify(result.events.at(-2))).toBeNull();
  expect(result.outcome).toBe('allowed');
  // Never insecure: no "null", no "*" with credentials.
  const allowOrigin = getHeader(f.actual, 'Access-Control-Allow-Origin');
  expect(allowOrigin).not.toBe('null');
  if (x.request.credentials === 'include') expect(allowOrigin).not.toBe('*');
  // corskit accepts its own snippet's config.
  const config = f.corskit.slice(f.corskit.indexOf('createCorsPolicy(') + 17, f.corskit.lastIndexOf(')'));
  expect(() => createCorsPolicy(new Function(`return (${config});`)())).not.toThrow();
  // Only wider: every method, header and exposed header the server allowed is still allowed.
  for (const e of x.result.events) {
    if (e.step === 'preflight-response' && f.preflight !== null) {
      for (const name of ['Access-Control-Allow-Methods', 'Access-Control-Allow-Headers'])
        for (const item of items(getHeader(e.headers, name)).filter((i) => /^[!#$%&'*+.^_`|~\w-]+$/.test(i)))
          expect(items(getHeader(f.preflight, name)).map((i) => i.toLowerCase())).toContain(
            item.toLowerCase(),
          );
    }
    if (e.step === 'response') {
      for (const item of items(getHeader(e.headers, 'Access-Control-Expose-Headers')))
        expect(items(getHeader(f.actual, 'Access-Control-Expose-Headers'))).toContain(item);
      if (getHeader(e.headers, 'Access-Control-Allow-Credentials') === 'true')
        expect(getHeader(f.actual, 'Access-Control-Allow-Credentials')).toBe('true');
      const named = getHeader(e.headers, 'Access-Control-Allow-Origin');
      if (named !== null && named !== '*') expect(allowOrigin).not.toBe('*');
    }
  }
}

/** The exchange a check report holds. */
export function exchangeOf(report: {
  origin: string;
  request: FixExchange['request'];
  result: FixExchange['result'];
  browser: FixExchange['browser'];
}): FixExchange {
  return { origin: report.origin, request: report.request, result: report.result, browser: report.browser };
}
