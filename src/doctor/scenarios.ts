// Running scenario files for `corskit simulate`: read, validate with field paths, simulate, report.
import { parseScenario, type Scenario, ScenarioError, type SimResult, simulate } from '../browser/index.js';
import type { BrowserName } from '../spec/index.js';
import type { Style } from './style.js';
import { renderTimeline } from './timeline.js';
import { UsageError } from './usage.js';

export { UsageError } from './usage.js';

/** Parses the text of a scenario file: one scenario or an array of them. */
export function parseScenarioFile(text: string, file: string): Scenario[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const list = Array.isArray(json) ? json : [json];
  if (list.length === 0)
    throw new UsageError(`${file} holds an empty array: put at least one scenario in it`);
  return list.map((item, i) => {
    try {
      return parseScenario(item, Array.isArray(json) ? `[${i}]` : 'scenario');
    } catch (err) {
      if (err instanceof ScenarioError) throw new UsageError(`${file}: ${err.message}`);
      throw err;
    }
  });
}

export function simulateAll(scenarios: readonly Scenario[], browser: BrowserName): SimResult[] {
  return scenarios.map((s) => simulate(s, { browser }));
}

/** A readable report of one simulated scenario: the timeline, the verdict, the console message. */
export function renderResult(scenario: Scenario, result: SimResult, style: Style): string {
  const lines: string[] = [];
  lines.push(
    style.bold(
      scenario.name ?? `${scenario.request.method ?? 'GET'} ${scenario.request.url} from ${scenario.origin}`,
    ),
  );
  lines.push(renderTimeline(result, { style, origin: scenario.origin }));
  lines.push(verdictLine(result, style));
  if (result.error !== null) lines.push(`  ${result.error.message.split('\n').join('\n  ')}`);
  if (result.outcome === 'blocked' && result.actualSent) {
    lines.push(
      style.yellow(
        '  note: the request reached the server and ran; CORS only hid the response from the page. Protect state-changing endpoints against CSRF (SameSite cookies, tokens, checking Origin).',
      ),
    );
  }
  return lines.join('\n');
}

export function verdictLine(result: SimResult, style: Style): string {
  switch (result.outcome) {
    case 'allowed':
      return style.green(
        `  ALLOWED: status ${result.status}; script can read ${result.visibleHeaders.length > 0 ? result.visibleHeaders.join(', ') : 'no headers'}`,
      );
    case 'opaque':
      return style.yellow(
        '  OPAQUE: the request was sent, but the page sees status 0, no headers and no body',
      );
    case 'blocked':
      return style.red(`  BLOCKED (${result.error?.code ?? 'unknown'})`);
  }
}
