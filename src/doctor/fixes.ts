// The one fix builder of check, explain, demo and audit. It starts from the CORS headers the server
// already sends and only widens them (every method, header and exposed header already allowed stays; a
// named origin is never replaced by `*`; credentials stay), then re-runs the same exchange through the
// simulator with the patched answers (preflight, actual and every redirect hop) and returns the fix only
// when that run is allowed. Where no safe server change can work it returns what to change in the page.
import {
  type IncomingResponse,
  type OutgoingRequest,
  pageOrigin,
  runFetch,
  type SimRequest,
  type SimResult,
} from '../browser/index.js';
import { type CorsPolicyConfig, createCorsPolicy } from '../policy/index.js';
import {
  asciiCaseInsensitiveEquals,
  asciiLowerCase,
  type BrowserName,
  browserProfile,
  corsUnsafeRequestHeaderNames,
  extractHeaderListValues,
  getHeader,
  getHeaderValues,
  type HeaderList,
  isCorsPreflightNeeded,
  isHeaderNameAllowedByPreflight,
  isMethod,
  isMethodAllowedByPreflight,
  isOkStatus,
  normalizeMethod,
  planFetch,
  varyFieldNames,
} from '../spec/index.js';
import { type FixSpec, snippetsOf } from './snippets.js';

/** A server fix: the complete CORS header lists to send, proven by the simulator, in six dialects. */
export interface Fix {
  /** The simulator ran the same exchange with these answers and the browser allowed it. */
  readonly proven: true;
  /** Every CORS header the answer to the preflight (OPTIONS, a 2xx status) must carry; null when no preflight is sent. */
  readonly preflight: [string, string][] | null;
  /** Every CORS header the actual response (and each redirect hop) must carry. */
  readonly actual: [string, string][];
  readonly corskit: string;
  readonly expressCors: string;
  readonly fastifyCors: string;
  readonly honoCors: string;
  readonly koaCors: string;
  readonly nginx: string;
}

/** One exchange as it was observed: what the page asked for, and what the simulator saw. */
export interface FixExchange {
  /** The page's serialized origin (`null` when opaque). */
  readonly origin: string;
  /** What the page passed to fetch(). */
  readonly request: SimRequest;
  /** The observed run: its events hold the server's recorded answers. */
  readonly result: SimResult;
  readonly browser?: BrowserName;
}

/** The fix, or, when no safe server change works, what to change in the page or the request. */
export interface FixOutcome {
  readonly fix: Fix | null;
  readonly pageAdvice: string[];
}

/** The server's answers as the observed run recorded them: preflights by URL, requests in order. */
interface Recorded {
  readonly preflights: Map<string, { status: number; headers: [string, string][] }>;
  readonly requests: { url: string; status: number; headers: [string, string][] }[];
}

function recordedAnswers(result: SimResult): Recorded {
  const preflights: Recorded['preflights'] = new Map();
  const requests: Recorded['requests'] = [];
  for (const e of result.events) {
    if (e.step === 'preflight-response') preflights.set(e.url, { status: e.status, headers: e.headers });
    if (e.step === 'response') requests.push({ url: e.url, status: e.status, headers: e.headers });
  }
  return { preflights, requests };
}

const CORS_RESPONSE_HEADERS = new Set([
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
  'access-control-max-age',
  'vary',
]);

/** A recorded answer with its CORS headers replaced by the fix's complete list. */
function patched(
  answer: { status: number; headers: HeaderList } | undefined,
  fixHeaders: readonly [string, string][],
  preflight: boolean,
): IncomingResponse {
  const base = answer ?? { status: preflight ? 204 : 200, headers: [] };
  const kept = base.headers.filter(([n]) => !CORS_RESPONSE_HEADERS.has(asciiLowerCase(n)));
  // A preflight must end in an ok status, never a redirect (Fetch §4.9 step 7).
  const status = preflight && !isOkStatus(base.status) ? 204 : base.status;
  const headers = preflight && status !== base.status ? kept.filter(([n]) => !/^location$/i.test(n)) : kept;
  return { status, headers: [...headers, ...fixHeaders] };
}

/** Runs the exchange again with every answer patched: the fix's proof. */
export function replayWithFix(
  x: FixExchange,
  fix: Pick<Fix, 'preflight' | 'actual'>,
  recorded: Recorded = recordedAnswers(x.result),
): SimResult {
  let hop = 0;
  const respond = (req: OutgoingRequest): IncomingResponse => {
    if (req.kind === 'preflight') return patched(recorded.preflights.get(req.url), fix.preflight ?? [], true);
    const answer = recorded.requests[hop];
    hop++;
    return patched(answer?.url === req.url ? answer : undefined, fix.actual, false);
  };
  const run = runFetch(pageOrigin(x.origin), x.request, {
    profile: browserProfile(x.browser ?? 'chrome'),
  });
  let step = run.next();
  while (!step.done) step = run.next(respond(step.value));
  return step.value;
}

/** Items of a list header across answers, as browsers parse it; unparsable answers add nothing. */
function listItems(answers: readonly { headers: HeaderList }[], name: string): string[] {
  const out: string[] = [];
  for (const a of answers) {
    const values = getHeaderValues(a.headers, name);
    if (values.length === 0) continue;
    const parsed = extractHeaderListValues(values);
    if (parsed === null || !parsed.ok) continue;
    for (const v of parsed.values) if (v !== '' && !out.includes(v)) out.push(v);
  }
  return out;
}

/** Header-name case for display: `x-trace` -> `X-Trace`. */
function display(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

const hasCaseless = (list: readonly string[], name: string): boolean =>
  list.some((x) => asciiCaseInsensitiveEquals(x, name));

/** The request's Origin became "null" after a cross-origin redirect. */
function taintingRedirect(result: SimResult): string | null {
  for (const e of result.events) if (e.step === 'redirect' && e.tainted) return e.to;
  return null;
}

/** What the widened answers must say, from the recorded ones and the request. */
function widen(x: FixExchange, recorded: Recorded): FixSpec {
  const credentials = x.request.credentials === 'include';
  const profile = browserProfile(x.browser ?? 'chrome');
  const pre = [...recorded.preflights.values()];
  const all = [...pre, ...recorded.requests];
  const method = normalizeMethod(x.request.method ?? 'GET');
  const plan = planFetch(
    {
      origin: pageOrigin(x.origin),
      url: x.request.url,
      method,
      headers: x.request.headers ?? [],
      mode: 'cors',
      credentials: x.request.credentials ?? 'same-origin',
    },
    profile,
  );
  const sent = plan.kind === 'cors' ? plan.headers : [];
  const unsafe = corsUnsafeRequestHeaderNames(sent, profile);
  const needsPreflight =
    pre.length > 0 || isCorsPreflightNeeded(method, unsafe, x.request.useCorsPreflight ?? false);
  const hadCredentials = all.some((a) => getHeader(a.headers, 'Access-Control-Allow-Credentials') === 'true');
  // `*` stays only where it works and is safe: no credentials asked for or granted.
  const origins = all.map((a) => getHeader(a.headers, 'Access-Control-Allow-Origin'));
  const keepsStar = !credentials && !hadCredentials && origins.length > 0 && origins.every((o) => o === '*');
  const origin = keepsStar ? '*' : x.origin;
  const methods = listItems(pre, 'Access-Control-Allow-Methods').filter((m) => m === '*' || isMethod(m));
  const mode = credentials ? 'include' : 'omit';
  if (!isMethodAllowedByPreflight(method, methods, mode)) methods.push(method);
  const headers = listItems(pre, 'Access-Control-Allow-Headers');
  for (const name of unsafe) {
    if (!isHeaderNameAllowedByPreflight(name, headers, mode)) headers.push(display(name));
  }
  const exposed = listItems(recorded.requests, 'Access-Control-Expose-Headers');
  const maxAge = pre.map((a) => getHeader(a.headers, 'Access-Control-Max-Age')).find((v) => v !== null);
  const vary = (answers: readonly { headers: HeaderList }[]): string[] => {
    const names: string[] = [];
    for (const a of answers)
      for (const n of varyFieldNames(a.headers)) if (!hasCaseless(names, n)) names.push(display(n));
    if (origin !== '*' && !hasCaseless(names, 'Origin')) names.push('Origin');
    return names;
  };
  return {
    origin,
    credentials: credentials || hadCredentials,
    methods,
    headers,
    exposed,
    maxAge: maxAge ?? null,
    preflight: needsPreflight,
    varyPreflight: vary(pre),
    varyActual: vary(recorded.requests),
  };
}

/** The complete header lists of a spec. */
export function headerLists(spec: FixSpec): Pick<Fix, 'preflight' | 'actual'> {
  const base: [string, string][] = [['Access-Control-Allow-Origin', spec.origin]];
  if (spec.credentials) base.push(['Access-Control-Allow-Credentials', 'true']);
  const vary = (names: readonly string[]): [string, string][] =>
    names.length > 0 ? [['Vary', names.join(', ')]] : [];
  const actual: [string, string][] = [
    ...base,
    ...(spec.exposed.length > 0
      ? [['Access-Control-Expose-Headers', spec.exposed.join(', ')] as [string, string]]
      : []),
    ...vary(spec.varyActual),
  ];
  if (!spec.preflight) return { preflight: null, actual };
  const preflight: [string, string][] = [
    ...base,
    ...(spec.methods.length > 0
      ? [['Access-Control-Allow-Methods', spec.methods.join(', ')] as [string, string]]
      : []),
    ...(spec.headers.length > 0
      ? [['Access-Control-Allow-Headers', spec.headers.join(', ')] as [string, string]]
      : []),
    ...(spec.maxAge !== null ? [['Access-Control-Max-Age', spec.maxAge] as [string, string]] : []),
    ...vary(spec.varyPreflight),
  ];
  return { preflight, actual };
}

/** The refusal of corskit's own validation, or null when it accepts the config. */
function refusedByCorskit(config: CorsPolicyConfig): string | null {
  try {
    createCorsPolicy(config);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Why the failure cannot be fixed by the server's CORS headers, in the page's terms. */
function adviceForUnfixable(x: FixExchange, proof: SimResult): string {
  const code = proof.error?.code ?? 'unknown';
  if (code === 'CorsDisabledScheme')
    return `The server redirects to a URL that is not http(s) (${lastRedirect(proof) ?? 'see the timeline'}): browsers follow cross-origin redirects only to http and https. Have the server redirect to an https URL, or have the page call the final URL directly.`;
  if (code === 'RedirectContainsCredentials')
    return `The server redirects to a URL with a user name or password in it (${lastRedirect(proof) ?? 'see the timeline'}): browsers refuse that for cross-origin requests. Redirect to a URL without credentials, or have the page call the final URL directly.`;
  return `No change to the CORS headers of ${x.request.url} makes this request pass (${code}): the simulator still blocks it with every header patched. Change the request or call the final URL directly.`;
}

function lastRedirect(result: SimResult): string | null {
  let to: string | null = null;
  for (const e of result.events) if (e.step === 'redirect') to = e.to;
  return to;
}

/**
 * Builds the fix for an observed exchange, proves it, and returns it; or returns the page's advice
 * where no safe server change works (an opaque or tainted origin, a redirect browsers refuse, a config
 * corskit refuses as insecure).
 */
export function buildFix(x: FixExchange): FixOutcome {
  const tainted = taintingRedirect(x.result);
  if (tainted !== null && x.origin !== 'null')
    return {
      fix: null,
      pageAdvice: [
        `After the cross-origin redirect to ${tainted} the browser sends "Origin: null" there (the origin is tainted), so no server can name ${x.origin} and pass: have the page call ${tainted} directly (or have the first server answer without redirecting). corskit proposes no server change: allowing "null" would admit every sandboxed iframe and data: URL.`,
      ],
    };
  const recorded = recordedAnswers(x.result);
  const spec = widen(x, recorded);
  if (spec.origin === 'null')
    return {
      fix: null,
      pageAdvice: [
        'The page has an opaque origin ("null": a sandboxed iframe, a data: URL or a file), which no server should allow: any site can make one. Serve the page from a real origin (https://app.example.com) and allow that origin.',
      ],
    };
  const lists = headerLists(spec);
  const proof = replayWithFix(x, lists, recorded);
  if (proof.outcome !== 'allowed') return { fix: null, pageAdvice: [adviceForUnfixable(x, proof)] };
  const snippets = snippetsOf(spec);
  const refusal = refusedByCorskit(snippets.config);
  if (refusal !== null)
    return {
      fix: null,
      pageAdvice: [
        `The headers that would make this pass are ones corskit refuses as unsafe: ${refusal.replace(/\n/g, ' ')}`,
      ],
    };
  return {
    fix: {
      proven: true,
      ...lists,
      corskit: snippets.corskit,
      expressCors: snippets.expressCors,
      fastifyCors: snippets.fastifyCors,
      honoCors: snippets.honoCors,
      koaCors: snippets.koaCors,
      nginx: snippets.nginx,
    },
    pageAdvice: [],
  };
}
