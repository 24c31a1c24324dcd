// `corskit check`: probe a live endpoint exactly as a browser would (through the simulator's engine over
// real HTTP), then explain the verdict, the console message, the fix and the risks.
import { BrowserSim, httpTransport, type SimResult, type Transport } from '../browser/index.js';
import {
  BROWSER_PROFILES,
  type BrowserName,
  type BrowserProfile,
  getHeader,
  type HeaderList,
  isSameOrigin,
  originOfUrl,
  parseOriginHeader,
  preflightMaxAge,
  variesOnOrigin,
} from '../spec/index.js';
import { computeFix, type Fix } from './fixes.js';
import { parseTargetUrl, UsageError } from './usage.js';

export interface CheckOptions {
  readonly url: string;
  readonly origin: string;
  readonly method?: string;
  readonly headers?: HeaderList;
  readonly credentials?: boolean;
  readonly browser?: BrowserName;
  readonly timeoutMs?: number;
  /** For tests and the demo: send requests somewhere else than real HTTP. */
  readonly transport?: Transport;
}

export type Verdict = 'allowed' | 'blocked' | 'same-origin' | 'network-error';

export interface Warning {
  readonly id:
    | 'missing-vary-origin'
    | 'wildcard-with-credentials'
    | 'authorization-via-wildcard'
    | 'max-age-over-cap'
    | 'reflects-any-origin'
    | 'simple-request-ran';
  readonly message: string;
}

export interface CheckReport {
  readonly url: string;
  readonly origin: string;
  readonly browser: BrowserName;
  readonly verdict: Verdict;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly result: SimResult;
  readonly events: SimResult['events'];
  readonly fixes: Fix | null;
  readonly warnings: Warning[];
}

/** Validates the user's URL and origin; a mistake is a one-line UsageError. */
export function validateCheckInput(url: string, origin: string): void {
  parseTargetUrl(url);
  if (origin !== 'null') {
    const parsed = parseOriginHeader(origin);
    if (!parsed.ok) {
      let hint = '';
      try {
        hint = `: write "${new URL(origin).origin}"`;
      } catch {
        hint = ': write it like https://app.example.com';
      }
      throw new UsageError(`--origin "${origin}" is not an origin (${parsed.reason})${hint}`);
    }
  }
}

function randomLabel(): string {
  return `corskit-${Math.random().toString(36).slice(2, 10)}`;
}

/** Runs the check. Network failures become verdict `network-error`, never exceptions. */
export async function runCheck(opts: CheckOptions): Promise<CheckReport> {
  validateCheckInput(opts.url, opts.origin);
  const browser = opts.browser ?? 'chrome';
  const profile = BROWSER_PROFILES[browser];
  const transport = opts.transport ?? httpTransport({ timeoutMs: opts.timeoutMs ?? 10_000 });
  const sim = new BrowserSim({ transport, browser, origin: opts.origin });
  const credentials = opts.credentials === true ? 'include' : 'same-origin';
  const headers = opts.headers ?? [];
  const method = opts.method ?? 'GET';
  const result = await sim.fetch(opts.url, { method, headers, credentials, mode: 'cors' });
  const pageOrigin = opts.origin === 'null' ? null : originOfUrl(opts.origin);
  const target = originOfUrl(opts.url);
  const sameOrigin = pageOrigin !== null && target !== null && isSameOrigin(pageOrigin, target);
  const networkError = result.error?.code === 'NetworkError';
  const verdict: Verdict = sameOrigin
    ? 'same-origin'
    : networkError
      ? 'network-error'
      : result.outcome === 'blocked'
        ? 'blocked'
        : 'allowed';
  const warnings: Warning[] = [];
  if (!sameOrigin && !networkError) {
    collectWarnings(result, profile, warnings);
    // An origin that no one would list: if it is echoed too, the server reflects whatever it gets.
    const echoed = lastAllowOrigin(result);
    if (echoed === opts.origin && opts.origin !== 'null') {
      const probeOrigin = `https://${randomLabel()}.example`;
      const probe = await transport({
        kind: 'request',
        method: 'GET',
        url: opts.url,
        headers: [['Origin', probeOrigin]],
        credentials: false,
      });
      if (
        !('networkError' in probe) &&
        getHeader(probe.headers, 'Access-Control-Allow-Origin') === probeOrigin
      ) {
        warnings.push({
          id: 'reflects-any-origin',
          message: `The server also allowed ${probeOrigin}, an origin nobody configured: it seems to reflect any Origin${getHeader(probe.headers, 'Access-Control-Allow-Credentials') === 'true' ? " with credentials, so any site can read your users' data" : ''}. Run \`corskit audit ${opts.url}\`.`,
        });
      }
    }
  }
  const fixes =
    verdict === 'blocked'
      ? computeFix(
          {
            origin: result.error?.message.includes("from origin 'null'") ? 'null' : opts.origin,
            url: opts.url,
            method,
            headers,
            credentials,
          },
          profile,
        )
      : null;
  return {
    url: opts.url,
    origin: opts.origin,
    browser,
    verdict,
    error: result.error,
    result,
    events: result.events,
    fixes,
    warnings,
  };
}

function lastAllowOrigin(result: SimResult): string | null {
  for (const e of [...result.events].reverse()) {
    if (e.step === 'response' || e.step === 'preflight-response')
      return getHeader(e.headers, 'Access-Control-Allow-Origin');
  }
  return null;
}

/** The risks visible in a simulated exchange, even when it was allowed. */
export function collectWarnings(result: SimResult, profile: BrowserProfile, out: Warning[]): void {
  for (const e of result.events) {
    if (e.step !== 'response' && e.step !== 'preflight-response') continue;
    const acao = getHeader(e.headers, 'Access-Control-Allow-Origin');
    if (acao !== null && acao !== '*' && e.step === 'response' && !variesOnOrigin(e.headers)) {
      if (!out.some((w) => w.id === 'missing-vary-origin')) {
        out.push({
          id: 'missing-vary-origin',
          message: `The response names the origin in Access-Control-Allow-Origin but has no "Vary: Origin": a shared cache can serve this answer to another origin (or another origin's answer to this one). Add "Vary: Origin".`,
        });
      }
    }
    if (
      acao === '*' &&
      getHeader(e.headers, 'Access-Control-Allow-Credentials') === 'true' &&
      !out.some((w) => w.id === 'wildcard-with-credentials')
    ) {
      out.push({
        id: 'wildcard-with-credentials',
        message:
          'The server sends "Access-Control-Allow-Origin: *" with "Access-Control-Allow-Credentials: true": browsers refuse that for credentialed requests, and servers that try it often fall back to reflecting any origin.',
      });
    }
    if (e.step === 'preflight-response') {
      const maxAge = getHeader(e.headers, 'Access-Control-Max-Age');
      if (maxAge !== null && profile.maxAgeCap !== null) {
        const seconds = preflightMaxAge([['Access-Control-Max-Age', maxAge]], BROWSER_PROFILES.spec);
        if (seconds > profile.maxAgeCap) {
          out.push({
            id: 'max-age-over-cap',
            message: `Access-Control-Max-Age is ${seconds} s, but ${profile.displayName} caches preflights for at most ${profile.maxAgeCap} s (Chrome 7200, Firefox 86400, Safari 600).`,
          });
        }
      }
    }
  }
  // The preflight check itself reports when `*` let Authorization through.
  if (result.events.some((e) => e.step === 'check' && e.authorizationCoveredByWildcard === true)) {
    out.push({
      id: 'authorization-via-wildcard',
      message:
        'Authorization is allowed only through "Access-Control-Allow-Headers: *". Browsers accept that today with a deprecation warning, but the Fetch Standard says "*" never covers Authorization: list "Authorization" explicitly.',
    });
  }
  if (result.outcome === 'blocked' && result.actualSent) {
    out.push({
      id: 'simple-request-ran',
      message:
        'The request was blocked, but it reached the server and ran: CORS only hid the response from the page. A state-changing endpoint needs CSRF defences (SameSite cookies, tokens, checking Origin), not CORS.',
    });
  }
}
