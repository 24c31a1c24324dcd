// The scenario format (specified in docs/scenarios.md, with schema/scenario.schema.json): a page at an
// origin makes a request, the server answers as described. Parsing reports the first problem with the
// path of the field.
import {
  type CredentialsMode,
  type Origin,
  originOfUrl,
  type RequestMode,
  serializeOrigin,
} from '../spec/index.js';

/** Headers in a scenario: an object of names to values (an array repeats the header), or `[name, value]` pairs. */
export type HeaderInit =
  | Readonly<Record<string, string | readonly string[]>>
  | ReadonlyArray<readonly [string, string]>;

/** One answer of the server: a status and headers. */
export interface ServerAnswer {
  readonly status: number;
  readonly headers?: HeaderInit;
}

export interface ScenarioRequest {
  readonly url: string;
  readonly method?: string;
  readonly headers?: HeaderInit;
  readonly mode?: RequestMode;
  readonly credentials?: CredentialsMode;
  readonly redirect?: 'follow' | 'error' | 'manual';
  /** Set by upload listeners or a streamed body: forces a preflight. */
  readonly useCorsPreflight?: boolean;
  /** Whether the request has a body (dropped when a redirect rewrites the method to GET). */
  readonly body?: boolean;
}

/** A page at an origin makes one request; the server answers as described (docs/scenarios.md). */
export interface Scenario {
  readonly name?: string;
  /** The page's origin, or "null" for an opaque one (sandboxed iframe, data: URL). */
  readonly origin: string;
  readonly request: ScenarioRequest;
  readonly server: {
    readonly preflight?: ServerAnswer;
    readonly preflights?: readonly ServerAnswer[];
    readonly redirects?: readonly ServerAnswer[];
    readonly actual?: ServerAnswer;
  };
}

/** A scenario that does not follow the format; `path` names the field. */
export class ScenarioError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'ScenarioError';
    this.path = path;
  }
}

const MODES = ['cors', 'no-cors', 'same-origin'];
const CREDENTIALS = ['omit', 'same-origin', 'include'];
const REDIRECTS = ['follow', 'error', 'manual'];

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function checkHeaders(path: string, v: unknown): void {
  if (v === undefined) return;
  if (Array.isArray(v)) {
    v.forEach((pair, i) => {
      if (
        !Array.isArray(pair) ||
        pair.length !== 2 ||
        typeof pair[0] !== 'string' ||
        typeof pair[1] !== 'string'
      ) {
        throw new ScenarioError(`${path}[${i}]`, 'must be a [name, value] pair of strings');
      }
    });
    return;
  }
  if (!isObject(v)) throw new ScenarioError(path, 'must be an object of header names to values');
  for (const [name, value] of Object.entries(v)) {
    const ok =
      typeof value === 'string' || (Array.isArray(value) && value.every((x) => typeof x === 'string'));
    if (!ok)
      throw new ScenarioError(
        `${path}.${name}`,
        'must be a string, or an array of strings for a repeated header',
      );
  }
}

function checkAnswer(path: string, v: unknown): void {
  if (!isObject(v)) throw new ScenarioError(path, 'must be an object { status, headers }');
  // Any three-digit status: browsers handle them all (Chromium reads a 699 response and fails a 680
  // preflight with PreflightInvalidStatus, measured by the differential test).
  if (typeof v.status !== 'number' || !Number.isInteger(v.status) || v.status < 100 || v.status > 999) {
    throw new ScenarioError(`${path}.status`, 'must be a three-digit HTTP status code, from 100 to 999');
  }
  checkHeaders(`${path}.headers`, v.headers);
}

/** An absolute URL (checked through originOfUrl, which remembers recent URLs: scenarios repeat them). */
function checkUrl(path: string, v: unknown): Origin {
  if (typeof v !== 'string') throw new ScenarioError(path, 'must be a URL string');
  const origin = originOfUrl(v);
  if (origin === null) throw new ScenarioError(path, `"${v}" is not an absolute URL`);
  return origin;
}

/** Checks a parsed JSON value against the scenario format; throws ScenarioError naming the field. */
export function parseScenario(value: unknown, path = 'scenario'): Scenario {
  if (!isObject(value)) throw new ScenarioError(path, 'must be an object');
  if (value.name !== undefined && typeof value.name !== 'string')
    throw new ScenarioError(`${path}.name`, 'must be a string');
  if (typeof value.origin !== 'string')
    throw new ScenarioError(
      `${path}.origin`,
      'must be an origin such as "https://app.example.com" or "null"',
    );
  if (value.origin !== 'null') {
    const origin = checkUrl(`${path}.origin`, value.origin);
    const serialized = serializeOrigin(origin);
    if (serialized !== value.origin) {
      throw new ScenarioError(`${path}.origin`, `must be a serialized origin: write "${serialized}"`);
    }
  }
  const r = value.request;
  if (!isObject(r)) throw new ScenarioError(`${path}.request`, 'must be an object with at least a url');
  checkUrl(`${path}.request.url`, r.url);
  if (r.method !== undefined && typeof r.method !== 'string')
    throw new ScenarioError(`${path}.request.method`, 'must be a string');
  checkHeaders(`${path}.request.headers`, r.headers);
  if (r.mode !== undefined && !MODES.includes(r.mode as string)) {
    throw new ScenarioError(`${path}.request.mode`, `must be one of ${MODES.join(', ')}`);
  }
  if (r.credentials !== undefined && !CREDENTIALS.includes(r.credentials as string)) {
    throw new ScenarioError(`${path}.request.credentials`, `must be one of ${CREDENTIALS.join(', ')}`);
  }
  if (r.redirect !== undefined && !REDIRECTS.includes(r.redirect as string)) {
    throw new ScenarioError(`${path}.request.redirect`, `must be one of ${REDIRECTS.join(', ')}`);
  }
  for (const flag of ['useCorsPreflight', 'body'] as const) {
    if (r[flag] !== undefined && typeof r[flag] !== 'boolean')
      throw new ScenarioError(`${path}.request.${flag}`, 'must be true or false');
  }
  const s = value.server;
  if (!isObject(s)) throw new ScenarioError(`${path}.server`, "must be an object with the server's answers");
  if (s.preflight !== undefined) checkAnswer(`${path}.server.preflight`, s.preflight);
  for (const list of ['preflights', 'redirects'] as const) {
    if (s[list] === undefined) continue;
    if (!Array.isArray(s[list]))
      throw new ScenarioError(`${path}.server.${list}`, 'must be an array of answers');
    (s[list] as unknown[]).forEach((a, i) => {
      checkAnswer(`${path}.server.${list}[${i}]`, a);
    });
  }
  if (s.actual !== undefined) checkAnswer(`${path}.server.actual`, s.actual);
  return value as unknown as Scenario;
}

/** Turns the scenario's header notation into a header list; arrays become repeated headers. */
export function toHeaderList(init: HeaderInit | undefined): [string, string][] {
  if (init === undefined) return [];
  if (Array.isArray(init)) return init.map(([n, v]) => [n, v]);
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(init as Record<string, string | readonly string[]>)) {
    if (typeof value === 'string') out.push([name, value]);
    else for (const v of value) out.push([name, v]);
  }
  return out;
}
