// The scenario format's public contract: the JSON Schema that ships, the examples that ship (each name
// says how it ends, and it does), and the scenarios `corskit explain --json` prints (valid input for
// `corskit simulate`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Scenario, simulate } from '../../src/browser/index.js';
import { scenarioSchemaErrors } from '../../src/cli/scenario-schema.js';
import { explainHar, explainJson } from '../../src/doctor/explain.js';

const ROOT = join(import.meta.dirname, '../..');
const examples = JSON.parse(readFileSync(join(ROOT, 'examples/scenarios.json'), 'utf8')) as Scenario[];

/** The outcome a name claims: the first `: allowed`, `: blocked` or `: opaque` in it. */
const claimed = (name: string): string | undefined => /: (allowed|blocked|opaque)\b/.exec(name)?.[1];

describe('examples/scenarios.json', () => {
  it.each(examples.map((s) => [s.name ?? '(no name)', s] as const))('%s', (_name, scenario) => {
    expect(scenarioSchemaErrors(scenario)).toEqual([]);
    expect(scenario.name, 'every example says how it ends').toBeDefined();
    const outcome = claimed(scenario.name as string);
    expect(outcome, `"${scenario.name}" ends with ": allowed", ": blocked" or ": opaque"`).toBeDefined();
    expect(simulate(scenario).outcome).toBe(outcome);
  });

  it('shows the blocked simple request that still ran', () => {
    expect(examples.map((s) => simulate(s)).some((r) => r.outcome === 'blocked' && r.actualSent)).toBe(true);
  });
});

describe('schema/scenario.schema.json', () => {
  it('accepts every scenario explain --json prints from a real Chromium HAR', () => {
    const har: unknown = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/har/chromium-cors.har'), 'utf8'));
    const { items } = explainJson(explainHar(har)) as { items: { scenario: unknown }[] };
    expect(items.length).toBeGreaterThan(5);
    for (const item of items) expect(scenarioSchemaErrors(item.scenario)).toEqual([]);
  });

  it('refuses a typo, a wrong type and a value outside an enumeration, naming each path', () => {
    const errors = scenarioSchemaErrors({
      origin: 'https://a.example',
      request: { url: 'https://b.example/', credentials: 'always', heders: {} },
      server: { actual: { status: '200' } },
    });
    expect(errors).toEqual([
      'scenario.request.heders: is not a field of the scenario format (the fields here: url, method, headers, mode, credentials, redirect, useCorsPreflight, body)',
      'scenario.request.credentials: must be one of omit, same-origin, include',
      'scenario.server.actual.status: must be a whole number',
    ]);
  });
});
