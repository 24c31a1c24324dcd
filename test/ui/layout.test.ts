// The sequence diagram's layout is a pure function of a simulated fetch's events: lanes, arrow order,
// redirect lanes, check marks, notes. These tests run it on real simulate() results.
import { describe, expect, it } from 'vitest';
import { type Scenario, simulate } from '../../src/browser/index.js';
import { GEOMETRY, layoutSequence, type Row, wrap } from '../../src/ui/page/diagram/layout.js';

const PAGE = 'https://app.example.com';
const API = 'https://api.example.com';

function layoutOf(scenario: Scenario) {
  const result = simulate(scenario);
  return {
    result,
    layout: layoutSequence({ pageOrigin: scenario.origin, events: result.events, url: scenario.request.url }),
  };
}

const arrows = (rows: readonly Row[]) => rows.filter((r) => r.kind === 'arrow');

describe('layoutSequence', () => {
  it('draws a simple GET as two lanes, one request and one answer, then a passed CORS check', () => {
    const { layout } = layoutOf({
      origin: PAGE,
      request: { url: `${API}/items` },
      server: { actual: { status: 200, headers: { 'Access-Control-Allow-Origin': PAGE } } },
    });
    expect(layout.lanes.map((l) => [l.role, l.origin])).toEqual([
      ['page', PAGE],
      ['server', API],
    ]);
    const a = arrows(layout.rows);
    expect(a.map((r) => r.kind === 'arrow' && [r.arrow, r.from, r.to, r.label])).toEqual([
      ['request', 0, 1, 'GET /items'],
      ['answer', 1, 0, '200'],
    ]);
    const checks = layout.rows.filter((r) => r.kind === 'check');
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ check: 'cors', ok: true, lane: 0 });
    // The request carries the Origin header the browser added.
    expect(a[0]?.kind === 'arrow' && a[0].headers).toContainEqual(['Origin', PAGE]);
  });

  it('puts the preflight and its answer before the request, in the order the browser sends them', () => {
    const { layout } = layoutOf({
      origin: PAGE,
      request: { url: `${API}/items/1`, method: 'PUT', headers: { 'Content-Type': 'application/json' } },
      server: {
        preflight: {
          status: 204,
          headers: {
            'Access-Control-Allow-Origin': PAGE,
            'Access-Control-Allow-Methods': 'PUT',
            'Access-Control-Allow-Headers': 'Content-Type',
          },
        },
        actual: { status: 200, headers: { 'Access-Control-Allow-Origin': PAGE } },
      },
    });
    const order = layout.rows.flatMap((r) =>
      r.kind === 'arrow' ? [r.arrow] : r.kind === 'check' ? [`check:${r.check}`] : [],
    );
    expect(order).toEqual([
      'preflight',
      'preflight-answer',
      'check:preflight',
      'request',
      'answer',
      'check:cors',
    ]);
    expect(arrows(layout.rows)[0]).toMatchObject({ label: 'OPTIONS /items/1 (preflight, no cookies)' });
    // Rows go down the page without overlapping.
    for (let i = 1; i < layout.rows.length; i++) {
      const prev = layout.rows[i - 1] as Row;
      expect((layout.rows[i] as Row).y).toBeGreaterThanOrEqual(prev.y + prev.height);
    }
    expect(layout.height).toBeGreaterThan((layout.rows.at(-1) as Row).y);
  });

  it('gives each redirect target on another origin its own lane, and none for the same origin', () => {
    const { layout } = layoutOf({
      origin: PAGE,
      request: { url: `${API}/a` },
      server: {
        redirects: [
          { status: 302, headers: { Location: `${API}/b`, 'Access-Control-Allow-Origin': PAGE } },
          {
            status: 307,
            headers: { Location: 'https://cdn.example.net/c', 'Access-Control-Allow-Origin': PAGE },
          },
        ],
        actual: { status: 200, headers: { 'Access-Control-Allow-Origin': '*' } },
      },
    });
    expect(layout.lanes.map((l) => [l.role, l.origin])).toEqual([
      ['page', PAGE],
      ['server', API],
      ['redirect', 'https://cdn.example.net'],
    ]);
    const a = arrows(layout.rows).flatMap((r) => (r.kind === 'arrow' ? [[r.from, r.to]] : []));
    expect(a).toEqual([
      [0, 1],
      [1, 0],
      [0, 1],
      [1, 0],
      [0, 2],
      [2, 0],
    ]);
    const redirects = layout.rows.filter((r) => r.kind === 'note' && r.tone === 'redirect');
    expect(redirects).toHaveLength(2);
    // Lanes are spaced evenly and the drawing is wide enough for all of them.
    expect(layout.lanes.map((l) => l.x)).toEqual(
      [0, 1, 2].map((i) => GEOMETRY.margin + i * GEOMETRY.laneGap),
    );
    expect(layout.width).toBeGreaterThan((layout.lanes[2]?.x ?? 0) + 100);
  });

  it('marks a failed check with its code and ends with the blocked verdict', () => {
    const { layout, result } = layoutOf({
      origin: PAGE,
      request: { url: `${API}/me`, credentials: 'include' },
      server: { actual: { status: 200, headers: { 'Access-Control-Allow-Origin': '*' } } },
    });
    expect(result.outcome).toBe('blocked');
    const check = layout.rows.find((r) => r.kind === 'check');
    expect(check).toMatchObject({ ok: false, detail: 'WildcardOriginNotAllowed' });
    expect(layout.rows.at(-1)).toMatchObject({ kind: 'note', tone: 'blocked' });
    expect(arrows(layout.rows)[0]).toMatchObject({ label: 'GET /me (with cookies)' });
  });

  it('keeps the server lane when nothing was sent (refused before the network)', () => {
    const { layout } = layoutOf({
      origin: PAGE,
      request: { url: `${API}/x`, mode: 'same-origin' },
      server: {},
    });
    expect(layout.lanes).toHaveLength(2);
    expect(arrows(layout.rows)).toHaveLength(0);
    expect(layout.rows.at(-1)).toMatchObject({ kind: 'note', tone: 'blocked' });
  });

  it('draws only the CORS-relevant headers of an answer', () => {
    const { layout } = layoutOf({
      origin: PAGE,
      request: { url: `${API}/items` },
      server: {
        actual: {
          status: 200,
          headers: { 'Access-Control-Allow-Origin': PAGE, 'X-Powered-By': 'Express', Vary: 'Origin' },
        },
      },
    });
    const answer = arrows(layout.rows)[1];
    expect(answer?.kind === 'arrow' && answer.headers.map(([n]) => n)).toEqual([
      'Access-Control-Allow-Origin',
      'Vary',
    ]);
  });
});

describe('wrap', () => {
  it('wraps at word boundaries and cuts words longer than a line', () => {
    expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrap('x'.repeat(10), 4)).toEqual(['xxxx', 'xxxx', 'xx']);
    expect(wrap('', 5)).toEqual([]);
  });
});
