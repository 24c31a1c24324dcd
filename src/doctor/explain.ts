// `corskit explain FILE.har`: replays each cross-origin request of a HAR through the simulator's engine,
// offline, with the server's recorded answers, and explains it like `corskit check`: the timeline, the
// verdict, the console message, the fix and the risks. One preflight cache spans the whole HAR, as in
// the tab that recorded it. An answer the HAR lacks is reported as missing, never made up.
import {
  type IncomingResponse,
  type OutgoingRequest,
  pageOrigin,
  runFetch,
  type SimEvent,
  type SimResult,
} from '../browser/index.js';
import {
  type BrowserName,
  type BrowserProfile,
  browserProfile,
  CORS_ERROR_CODES,
  type CorsError,
  type CorsErrorCode,
  CorsPreflightCache,
  compareOrigins,
  consoleMessage,
  isCorsSafelistedMethod,
  type OriginComparison,
  planFetch,
} from '../spec/index.js';
import { collectWarnings, type Warning } from './check.js';
import { buildFix, type Fix } from './fixes.js';
import {
  type HarExchange,
  type HarExchanges,
  type HarHop,
  type HarLog,
  harExchanges,
  readHar,
} from './har.js';
import { renderCheck, renderOrigins } from './report.js';
import { observedExchanges, observedRisks } from './risks.js';
import type { Style } from './style.js';
import { renderTimeline } from './timeline.js';

/** `incomplete`: the HAR lacks an answer the verdict depends on, and Chromium recorded no failure. */
export type ExplainVerdict = 'allowed' | 'blocked' | 'network-error' | 'incomplete';

export interface ExplainItem {
  readonly url: string;
  readonly method: string;
  readonly origin: string;
  readonly browser: BrowserName;
  readonly verdict: ExplainVerdict;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly events: SimEvent[];
  /** The page's origin and the request's, part by part. */
  readonly origins: OriginComparison;
  readonly fixes: Fix | null;
  /** What to change in the page, where no safe server change works (a redirect that made the origin "null"). */
  readonly pageAdvice: string[];
  readonly warnings: Warning[];
  /** What the browser recorded for the last hop: status, `_error`, and Chromium's CORS error. */
  readonly recorded: {
    readonly status: number;
    readonly error: string | null;
    readonly corsError: string | null;
    readonly failedParameter: string | null;
  };
  /** Whether corskit's error code matches Chromium's record; null when there is nothing to compare. */
  readonly agrees: boolean | null;
  /** What the HAR lacks for a full explanation; null when it holds every answer needed. */
  readonly missing: string | null;
  /** How the request was reconstructed from the HAR. */
  readonly notes: string[];
  /** HAR entry indices (log.entries[i]) of this exchange, preflights included. */
  readonly entries: number[];
  /** The exchange as a scenario, for `corskit simulate`. */
  readonly scenario: HarExchange['scenario'];
  readonly result: SimResult;
}

export interface ExplainReport {
  readonly browser: BrowserName;
  /** Entries in the HAR. */
  readonly entries: number;
  readonly skipped: HarExchanges['skipped'];
  /** One item per cross-origin exchange, in the order they started. */
  readonly items: ExplainItem[];
}

export interface ExplainOptions {
  readonly browser?: BrowserName;
  /** The file's name, for error messages. */
  readonly file?: string;
}

/** Explains every cross-origin exchange of a parsed HAR (validated first: a bad one is a UsageError). */
export function explainHar(har: unknown, options: ExplainOptions = {}): ExplainReport {
  return explainLog(readHar(har, options.file), options);
}

export function explainLog(log: HarLog, options: ExplainOptions = {}): ExplainReport {
  const browser = options.browser ?? 'chrome';
  const profile = browserProfile(browser);
  const cache = new CorsPreflightCache(profile);
  const { exchanges, skipped } = harExchanges(log);
  return {
    browser,
    entries: log.entries.length,
    skipped,
    items: exchanges.map((x) => explainExchange(x, profile, cache)),
  };
}

// ---- replay ----

const normalizeUrl = (url: string): string => {
  try {
    const u = new URL(url);
    u.hash = '';
    return u.href;
  } catch {
    return url;
  }
};

function describeEntry(e: { status: number; error: string | null }): string {
  return `status ${e.status}${e.error !== null ? `, ${e.error}` : ''}`;
}

/** What the HAR lacks when the engine needs the answer to `req` at `hop`, in words. */
function lackOf(req: OutgoingRequest, hop: HarHop | undefined, last: HarHop): string {
  if (hop === undefined)
    return `the HAR has no entry for ${req.method} ${req.url}: the recorded chain ends at ${last.url}`;
  if (hop.url !== normalizeUrl(req.url))
    return `the browser would request ${req.url}, but the HAR's next entry is for ${hop.url}`;
  if (req.kind === 'preflight')
    return hop.preflight === null
      ? `the HAR has no preflight for ${hop.method} ${hop.url}`
      : `the HAR has the preflight of ${hop.url} but no response to it (${describeEntry(hop.preflight.entry)})`;
  return hop.entry === null
    ? `the HAR has only the preflight of ${hop.method} ${hop.url}, not the request itself`
    : `the HAR has no response to ${hop.method} ${hop.url} (${describeEntry(hop.entry)})`;
}

/** Answers the engine with the recorded responses, hop by hop; records what is missing. */
function recordedResponder(x: HarExchange, missing: string[]): (req: OutgoingRequest) => IncomingResponse {
  let i = 0;
  const last = x.hops.at(-1) as HarHop;
  return (req) => {
    const hop = x.hops[i];
    const onPath = hop !== undefined && hop.url === normalizeUrl(req.url);
    const answer = !onPath ? null : req.kind === 'preflight' ? (hop.preflight?.answer ?? null) : hop.answer;
    if (req.kind === 'request') i++;
    if (answer !== null) return answer;
    const detail = lackOf(req, hop, last);
    missing.push(detail);
    return { networkError: 'not recorded', detail };
  };
}

/**
 * Chromium sent these preflights, so its cache did not cover them: clear it so the engine sends them too.
 * A request sent with no preflight where one was needed was covered by Chromium's cache, perhaps filled
 * before the recording began: store an entry so the engine covers it the same way.
 */
function alignCache(
  x: HarExchange,
  profile: BrowserProfile,
  cache: CorsPreflightCache,
  notes: string[],
): void {
  for (const hop of x.hops)
    if (hop.preflight !== null)
      cache.clear({ origin: hop.preflight.origin ?? x.origin, url: hop.url, credentials: x.credentials });
  const first = x.hops[0] as HarHop;
  if (first.preflight !== null || first.answer === null) return;
  const key = { origin: x.origin, url: x.url, credentials: x.credentials };
  const plan = planFetch(
    {
      origin: pageOrigin(x.origin),
      url: x.url,
      method: x.method,
      headers: x.headers,
      mode: 'cors',
      credentials: x.credentials,
    },
    profile,
    cache.lookup(key, x.started),
  );
  if (plan.kind !== 'cors' || !plan.preflight) return;
  cache.store(
    key,
    1,
    isCorsSafelistedMethod(plan.method) ? [] : [plan.method],
    plan.unsafeHeaderNames,
    x.started,
  );
  notes.push(
    'The HAR has no preflight for this request although it needs one: Chromium must have answered it from its preflight cache (filled before the recording began, or by a preflight the HAR left out), and so does corskit.',
  );
}

function replay(
  x: HarExchange,
  profile: BrowserProfile,
  cache: CorsPreflightCache,
  missing: string[],
): SimResult {
  const respond = recordedResponder(x, missing);
  const run = runFetch(
    pageOrigin(x.origin),
    {
      url: x.url,
      method: x.method,
      headers: x.headers,
      mode: 'cors',
      credentials: x.credentials,
      redirect: 'follow',
      body: x.hasBody,
    },
    { profile, cache, now: x.started },
  );
  let step = run.next();
  while (!step.done) step = run.next(respond(step.value));
  return step.value;
}

// ---- judgement ----

function isCorsErrorCode(code: string): code is CorsErrorCode {
  return (CORS_ERROR_CODES as readonly string[]).includes(code);
}

/** Chromium's failedParameter is the offending value, method or header, depending on the code. */
function corsErrorOf(code: CorsErrorCode, parameter: string): CorsError {
  if (code === 'MethodDisallowedByPreflightResponse') return { code, method: parameter };
  if (code === 'HeaderDisallowedByPreflightResponse') return { code, header: parameter };
  if (code === 'RedirectContainsCredentials') return { code, location: parameter };
  return { code, value: parameter };
}

/** The verdict and error from Chromium's own record, for exchanges the HAR cannot replay in full. */
function fromRecording(x: HarExchange, browser: BrowserName): Pick<ExplainItem, 'verdict' | 'error'> {
  const cors = x.recorded.corsError;
  const lastUrl = (x.hops.at(-1) as HarHop).url;
  if (cors !== null) {
    const message = isCorsErrorCode(cors.code)
      ? consoleMessage(browser, corsErrorOf(cors.code, cors.failedParameter), {
          url: lastUrl,
          origin: x.origin,
          ...(lastUrl !== x.url ? { redirectedFrom: x.url } : {}),
        })
      : `Chromium recorded the CORS error ${cors.code}`;
    return { verdict: 'blocked', error: { code: cors.code, message } };
  }
  if (x.recorded.error !== null && x.recorded.status <= 0)
    return {
      verdict: 'network-error',
      error: { code: 'NetworkError', message: `TypeError: Failed to fetch (${x.recorded.error})` },
    };
  return { verdict: 'incomplete', error: null };
}

/** Compares corskit's replay with Chromium's record; null when the verdict is the record itself. */
function agreement(
  x: HarExchange,
  item: Pick<ExplainItem, 'verdict' | 'error'>,
  browser: BrowserName,
  replayed: boolean,
): boolean | null {
  if (!replayed || browser !== 'chrome') return null;
  const recorded = x.recorded.corsError?.code ?? null;
  if (recorded !== null) return item.error?.code === recorded;
  // No CORS error recorded: the response reached the page if it arrived at all.
  if (x.recorded.status > 0) return item.verdict === 'allowed';
  return null;
}

function fixFor(
  x: HarExchange,
  result: SimResult,
  profile: BrowserProfile,
): Pick<ExplainItem, 'fixes' | 'pageAdvice'> {
  const { fix, pageAdvice } = buildFix({
    origin: x.origin,
    request: {
      url: x.url,
      method: x.method,
      headers: x.headers,
      mode: 'cors',
      credentials: x.credentials,
      redirect: 'follow',
      body: x.hasBody,
    },
    result,
    browser: profile.name,
  });
  return { fixes: fix, pageAdvice };
}

/** The origins of an exchange: the page's and the request's, with a tainting redirect noted. */
function originsOf(x: HarExchange, result: SimResult): OriginComparison {
  const origins = compareOrigins(x.origin, x.url);
  const tainted = result.events.find((e) => e.step === 'redirect' && e.tainted);
  if (tainted?.step === 'redirect')
    origins.notes.push(...compareOrigins(x.origin, tainted.to, { taintedBy: tainted.to }).notes.slice(-1));
  return origins;
}

function explainExchange(x: HarExchange, profile: BrowserProfile, cache: CorsPreflightCache): ExplainItem {
  const notes = [...x.notes];
  const missing: string[] = [];
  alignCache(x, profile, cache, notes);
  const result = replay(x, profile, cache, missing);
  const judged: Pick<ExplainItem, 'verdict' | 'error'> =
    missing.length > 0
      ? fromRecording(x, profile.name)
      : { verdict: result.outcome === 'blocked' ? 'blocked' : 'allowed', error: result.error };
  const warnings: Warning[] = [];
  if (judged.verdict !== 'network-error') {
    collectWarnings(result, profile, warnings);
    for (const r of observedRisks(observedExchanges(result), x.url))
      warnings.push({ id: r.id, message: r.message });
  }
  const entries = x.hops.flatMap((h) => [
    ...(h.preflight ? [h.preflight.entry.index] : []),
    ...(h.entry ? [h.entry.index] : []),
  ]);
  return {
    url: x.url,
    method: x.method,
    origin: x.origin,
    browser: profile.name,
    ...judged,
    events: result.events,
    origins: originsOf(x, result),
    ...(judged.verdict === 'blocked' ? fixFor(x, result, profile) : { fixes: null, pageAdvice: [] }),
    warnings,
    recorded: {
      status: x.recorded.status,
      error: x.recorded.error,
      corsError: x.recorded.corsError?.code ?? null,
      failedParameter: x.recorded.corsError?.failedParameter ?? null,
    },
    agrees: agreement(x, judged, profile.name, missing.length === 0),
    missing: missing[0] ?? null,
    notes,
    entries: entries.sort((a, b) => a - b),
    scenario: x.scenario,
    result,
  };
}

// ---- output ----

/** Whether an item failed: blocked, or the request did not complete. */
export const failed = (i: ExplainItem): boolean => i.verdict === 'blocked' || i.verdict === 'network-error';

/** What `explain` lists by default: failures, risks, and what it could not judge. */
export const worthShowing = (i: ExplainItem): boolean => i.verdict !== 'allowed' || i.warnings.length > 0;

function recordedLine(i: ExplainItem): string {
  const r = i.recorded;
  const what =
    r.corsError !== null
      ? `CORS error ${r.corsError}${r.failedParameter ? ` (${r.failedParameter})` : ''}`
      : r.status > 0
        ? `status ${r.status}, no CORS error`
        : `no response${r.error !== null ? ` (${r.error})` : ''}`;
  const agrees = i.agrees === null ? '' : i.agrees ? '; corskit agrees' : '; corskit DISAGREES';
  return `  HAR entries ${i.entries.map((n) => `#${n}`).join(', ')}; Chromium recorded: ${what}${agrees}`;
}

function renderItem(i: ExplainItem, style: Style): string {
  const head = style.bold(`${i.method} ${i.url}`);
  let body: string[];
  if (i.verdict === 'incomplete') {
    body = [
      renderOrigins(i.origins, style),
      renderTimeline(i.result, { style, origin: i.origin }),
      style.yellow('  INCOMPLETE: corskit cannot judge it'),
    ];
  } else {
    const report = {
      url: i.url,
      origin: i.origin,
      request: { url: i.url },
      browser: i.browser,
      verdict: i.verdict,
      error: i.error,
      result: { ...i.result, error: i.error as SimResult['error'] },
      events: i.events,
      origins: i.origins,
      fixes: i.fixes,
      pageAdvice: i.pageAdvice,
      warnings: i.warnings,
      probes: [],
      notes: [],
    };
    body = renderCheck(report, { style, allFixes: false }).split('\n').slice(1);
  }
  const lines = [head, ...body];
  lines.push((i.agrees === false ? style.red : style.dim)(recordedLine(i)));
  if (i.missing !== null && i.verdict === 'blocked')
    lines.push(
      style.yellow(`  corskit could not replay it in full (${i.missing}): the verdict is Chromium's record.`),
    );
  else if (i.missing !== null && i.verdict === 'incomplete')
    lines.push(style.yellow(`  not in the HAR: ${i.missing}`));
  for (const n of i.notes) lines.push(style.dim(`  note: ${n}`));
  return lines.join('\n');
}

function summary(report: ExplainReport, shown: number, all: boolean): string {
  const n = report.items.length;
  const count = (v: ExplainVerdict): number => report.items.filter((i) => i.verdict === v).length;
  const risky = report.items.filter((i) => i.verdict === 'allowed' && i.warnings.length > 0).length;
  const parts = [
    `${count('allowed')} allowed${risky > 0 ? ` (${risky} with warnings)` : ''}`,
    `${count('blocked')} blocked`,
    ...(count('network-error') > 0
      ? [`${count('network-error')} network error${count('network-error') === 1 ? '' : 's'}`]
      : []),
    ...(count('incomplete') > 0 ? [`${count('incomplete')} incomplete`] : []),
  ];
  const tail = all || shown === n ? '' : ` Showing ${shown}; --all shows every one.`;
  return `${n} cross-origin request${n === 1 ? '' : 's'} in ${report.entries} HAR entries: ${parts.join(', ')}.${tail}`;
}

/** The text report: failed or risky exchanges (all with `all`), then a summary line. */
export function renderExplain(report: ExplainReport, opts: { style: Style; all?: boolean }): string {
  const shown = report.items.filter((i) => opts.all === true || worthShowing(i));
  const blocks = shown.map((i) => renderItem(i, opts.style));
  if (shown.length === 0 && report.items.length > 0)
    blocks.push(opts.style.green('No failed or risky cross-origin requests.'));
  blocks.push(opts.style.bold(summary(report, shown.length, opts.all === true)));
  return blocks.join('\n\n');
}

/** The JSON shape of `corskit explain --json`: every exchange, whatever its verdict. */
export function explainJson(report: ExplainReport): object {
  return {
    browser: report.browser,
    entries: report.entries,
    skipped: report.skipped,
    failed: report.items.filter(failed).length,
    items: report.items.map((i) => ({
      url: i.url,
      method: i.method,
      origin: i.origin,
      browser: i.browser,
      verdict: i.verdict,
      error: i.error,
      origins: i.origins,
      events: i.events,
      fixes: i.fixes,
      pageAdvice: i.pageAdvice,
      warnings: i.warnings,
      recorded: i.recorded,
      agrees: i.agrees,
      missing: i.missing,
      notes: i.notes,
      entries: i.entries,
      scenario: i.scenario,
    })),
  };
}
