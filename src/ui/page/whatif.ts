// The What-if view's engine: the simulator itself (src/browser), bundled into the page. No server.
// The view and the corpus test both call runWhatIf, so what the test compares is what the view shows.

import type { SimResult } from '../../browser/engine.js';
import { parseScenario, type Scenario, ScenarioError } from '../../browser/scenario.js';
import { simulate } from '../../browser/simulate.js';
import type { BrowserName } from '../../spec/index.js';

export type WhatIf =
  | { readonly ok: true; readonly scenario: Scenario; readonly result: SimResult }
  | { readonly ok: false; readonly error: string; readonly path: string | null };

export function runWhatIf(scenario: unknown, browser: BrowserName): WhatIf {
  try {
    const parsed = parseScenario(scenario);
    return { ok: true, scenario: parsed, result: simulate(parsed, { browser }) };
  } catch (err) {
    if (err instanceof ScenarioError) return { ok: false, error: err.message, path: err.path };
    return { ok: false, error: err instanceof Error ? err.message : String(err), path: null };
  }
}

const PAGE = 'https://app.example.com';
const API = 'https://api.example.com';

export const PRESETS: readonly {
  readonly id: string;
  readonly title: string;
  readonly scenario: Scenario;
}[] = [
  {
    id: 'simple-get',
    title: 'GET, allowed',
    scenario: {
      origin: PAGE,
      request: { url: `${API}/items`, method: 'GET' },
      server: { actual: { status: 200, headers: { 'Access-Control-Allow-Origin': PAGE, Vary: 'Origin' } } },
    },
  },
  {
    id: 'put-json',
    title: 'PUT with JSON: a preflight first',
    scenario: {
      origin: PAGE,
      request: {
        url: `${API}/items/1`,
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', 'X-Trace': 'abc' },
      },
      server: {
        preflight: {
          status: 204,
          headers: {
            'Access-Control-Allow-Origin': PAGE,
            'Access-Control-Allow-Methods': 'PUT',
            'Access-Control-Allow-Headers': 'Content-Type, X-Trace',
          },
        },
        actual: { status: 200, headers: { 'Access-Control-Allow-Origin': PAGE } },
      },
    },
  },
  {
    id: 'credentials-wildcard',
    title: 'Cookies with "*": blocked',
    scenario: {
      origin: PAGE,
      request: { url: `${API}/me`, credentials: 'include' },
      server: {
        actual: {
          status: 200,
          headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Credentials': 'true' },
        },
      },
    },
  },
  {
    id: 'redirect',
    title: 'Redirect to another origin',
    scenario: {
      origin: PAGE,
      request: { url: `${API}/download`, method: 'GET' },
      server: {
        redirects: [
          {
            status: 302,
            headers: { Location: 'https://cdn.example.net/file', 'Access-Control-Allow-Origin': PAGE },
          },
        ],
        actual: { status: 200, headers: { 'Access-Control-Allow-Origin': PAGE } },
      },
    },
  },
];

export const DEFAULT_SCENARIO: Scenario = (PRESETS[1] as (typeof PRESETS)[number]).scenario;
