// The UI's JSON API: what a page cannot do itself (a page never sees its own preflights, nor reads
// another origin's headers), done server-side by the same code as the CLI. Bodies are validated here;
// a mistake is a 400 with one line, never a stack trace.
import type { ServerResponse } from 'node:http';
import { withCors } from '../../adapters/web.js';
import { auditPolicy, runAudit, toSarif } from '../../audit/index.js';
import { auditJson } from '../../audit/report.js';
import { BrowserSim, fetchHandlerTransport } from '../../browser/index.js';
import { runCheck } from '../../doctor/check.js';
import { explainHar, explainJson } from '../../doctor/explain.js';
import { UsageError } from '../../doctor/usage.js';
import { type CorsPolicyConfig, createCorsPolicy } from '../../policy/index.js';
import type { BrowserName } from '../../spec/index.js';
import { adapterCode } from './codegen.js';

/** A bad request body: answered 400 with this one line. */
export class BadRequest extends Error {}

type Json = Record<string, unknown>;

const BROWSERS: readonly BrowserName[] = ['chrome', 'firefox', 'safari', 'spec'];

function object(v: unknown, what: string): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new BadRequest(`${what} must be an object`);
  return v as Json;
}

function string(v: unknown, what: string, fallback?: string): string {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string') throw new BadRequest(`${what} must be a string`);
  return v;
}

function browser(v: unknown): BrowserName {
  if (v === undefined) return 'chrome';
  if (!BROWSERS.includes(v as BrowserName))
    throw new BadRequest(`browser must be one of ${BROWSERS.join(', ')}`);
  return v as BrowserName;
}

function headerList(v: unknown, what: string): [string, string][] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > 100)
    throw new BadRequest(`${what} must be a list of [name, value] pairs`);
  return v.map((pair) => {
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      typeof pair[0] !== 'string' ||
      typeof pair[1] !== 'string'
    )
      throw new BadRequest(`${what} must be a list of [name, value] pairs`);
    return [pair[0], pair[1]];
  });
}

function stringList(v: unknown, what: string, max: number): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw new BadRequest(`${what} must be a list of strings`);
  if (v.length > max) throw new BadRequest(`${what}: at most ${max} at once`);
  return v as string[];
}

/** POST /api/check: corskit check, live. */
export async function apiCheck(body: unknown): Promise<object> {
  const b = object(body, 'the body');
  return runCheck({
    url: string(b.url, 'url').trim(),
    origin: string(b.origin, 'origin').trim(),
    method: string(b.method, 'method', 'GET').trim() || 'GET',
    headers: headerList(b.headers, 'headers'),
    credentials: b.credentials === true,
    browser: browser(b.browser),
    timeoutMs: 10_000,
  });
}

/** POST /api/policy: validation, static audit, code per adapter, and a request tried against it. */
export async function apiPolicy(body: unknown): Promise<object> {
  const b = object(body, 'the body');
  const config = b.config;
  const report = await auditPolicy(config);
  let trial: object | null = null;
  const isObject = config !== null && typeof config === 'object' && !Array.isArray(config);
  if (report.valid && b.try !== undefined) {
    const t = object(b.try, 'try');
    const policy = createCorsPolicy(config as CorsPolicyConfig);
    const app = withCors(() => new Response('ok', { headers: { 'Content-Type': 'text/plain' } }), policy);
    const origin = string(t.origin, 'try.origin').trim();
    const url = string(t.url, 'try.url', 'https://api.example.com/items').trim();
    if (origin !== 'null' && !URL.canParse(origin))
      throw new BadRequest(`try.origin "${origin}" is not an origin`);
    if (!URL.canParse(url)) throw new BadRequest(`try.url "${url}" is not an absolute URL`);
    const sim = new BrowserSim({ transport: fetchHandlerTransport(app), browser: browser(t.browser) });
    trial = await sim.fetch(url, {
      origin: origin === 'null' ? 'null' : new URL(origin).origin,
      method: string(t.method, 'try.method', 'GET').trim() || 'GET',
      headers: headerList(t.headers, 'try.headers'),
      credentials: t.credentials === true ? 'include' : 'same-origin',
    });
  }
  return {
    ...report,
    code: report.valid && isObject ? adapterCode(config as CorsPolicyConfig) : [],
    trial,
  };
}

/** POST /api/explain: a HAR's cross-origin requests, judged. The file came from this machine's page. */
export function apiExplain(body: unknown): object {
  const b = object(body, 'the body');
  const name = string(b.name, 'name', 'the HAR file');
  let har: unknown;
  try {
    har = JSON.parse(string(b.har, 'har'));
  } catch (err) {
    if (err instanceof BadRequest) throw err;
    throw new BadRequest(`${name} is not valid JSON: ${(err as Error).message}`);
  }
  return explainJson(explainHar(har, { browser: browser(b.browser), file: name }));
}

/** POST /api/audit: the live audit, streamed as NDJSON (one line per finished target, then the report). */
export async function apiAudit(body: unknown, res: ServerResponse, toolVersion: string): Promise<void> {
  const b = object(body, 'the body');
  const urls = stringList(b.urls, 'urls', 100)
    .map((u) => u.trim())
    .filter((u) => u !== '');
  const trustedOrigins = stringList(b.trustedOrigins, 'trustedOrigins', 100)
    .map((u) => u.trim())
    .filter((u) => u !== '');
  if (urls.length === 0) throw new BadRequest('give at least one URL to audit');
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store' });
  const line = (v: object): void => {
    res.write(`${JSON.stringify(v)}\n`);
  };
  line({ type: 'start', total: urls.length });
  try {
    const report = await runAudit(urls, {
      trustedOrigins,
      onProgress: ({ done, total, result }) => line({ type: 'progress', done, total, url: result.url }),
    });
    line({
      type: 'done',
      report: auditJson(report, 'low'),
      sarif: toSarif(report.targets, { toolVersion }),
    });
  } catch (err) {
    line({
      type: 'error',
      message: err instanceof UsageError ? err.message : `audit failed: ${(err as Error).message}`,
    });
  }
  res.end();
}
