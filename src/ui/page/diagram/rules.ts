// What each check mark opens: the rule in plain words and the section of the Fetch Standard that holds
// it. Section numbers follow the ones src/spec cites.

export interface Rule {
  readonly title: string;
  /** One or two sentences: what the browser checked and why it failed (or passed). */
  readonly text: string;
  readonly section: string;
  readonly href: string;
}

const FETCH = 'https://fetch.spec.whatwg.org/';
const CORS_CHECK = { section: 'Fetch §4.10 "CORS check"', href: `${FETCH}#cors-check` };
const PREFLIGHT = { section: 'Fetch §4.9 "CORS-preflight fetch"', href: `${FETCH}#cors-preflight-fetch` };
const REDIRECT = { section: 'Fetch §4.4 "HTTP-redirect fetch"', href: `${FETCH}#http-redirect-fetch` };
const MAIN = { section: 'Fetch §4.1 "main fetch"', href: `${FETCH}#main-fetch` };

const ALLOW_ORIGIN =
  'Access-Control-Allow-Origin must be exactly the page’s origin (byte for byte, no path, no trailing slash), or * when no credentials are sent.';

/** Failure codes (Chromium's CorsError names) to their rule. */
const BY_CODE: Readonly<Record<string, Omit<Rule, 'section' | 'href'> & { at: typeof CORS_CHECK }>> = {
  InvalidResponse: {
    title: 'No usable response',
    text: 'The browser got no response it could check (the request failed, or the answer was not HTTP), so the CORS check cannot pass.',
    at: CORS_CHECK,
  },
  MissingAllowOriginHeader: {
    title: 'No Access-Control-Allow-Origin',
    text: `The response carries no Access-Control-Allow-Origin header, so the browser hides it from the page. ${ALLOW_ORIGIN}`,
    at: CORS_CHECK,
  },
  MultipleAllowOriginValues: {
    title: 'Several Access-Control-Allow-Origin values',
    text: 'The header must hold one origin. Servers that list several (or send the header twice) fail the check: pick the one matching the request’s Origin.',
    at: CORS_CHECK,
  },
  InvalidAllowOriginValue: {
    title: 'Access-Control-Allow-Origin is not an origin',
    text: ALLOW_ORIGIN,
    at: CORS_CHECK,
  },
  AllowOriginMismatch: {
    title: 'Access-Control-Allow-Origin names another origin',
    text: `The value does not match the request’s Origin. ${ALLOW_ORIGIN}`,
    at: CORS_CHECK,
  },
  WildcardOriginNotAllowed: {
    title: '* with credentials',
    text: 'A request with credentials (cookies, HTTP authentication) is never admitted by "*": the server must name the origin and send Access-Control-Allow-Credentials: true.',
    at: CORS_CHECK,
  },
  InvalidAllowCredentials: {
    title: 'Access-Control-Allow-Credentials is not "true"',
    text: 'With credentials included, the response must carry Access-Control-Allow-Credentials: true (exactly, lower case).',
    at: CORS_CHECK,
  },
  PreflightInvalidStatus: {
    title: 'The preflight answer is not a 2xx',
    text: 'The OPTIONS request must be answered with an ok status (200-299). Servers often route OPTIONS to a 404 or 405, or require authentication for it (a preflight never carries cookies).',
    at: PREFLIGHT,
  },
  PreflightDisallowedRedirect: {
    title: 'The preflight was redirected',
    text: 'A preflight must be answered directly: a redirect (301, 302, 307, 308) fails it. Answer OPTIONS at the final URL, or call that URL directly.',
    at: PREFLIGHT,
  },
  InvalidAllowMethodsPreflightResponse: {
    title: 'Access-Control-Allow-Methods does not parse',
    text: 'The header must be a comma-separated list of method tokens.',
    at: PREFLIGHT,
  },
  InvalidAllowHeadersPreflightResponse: {
    title: 'Access-Control-Allow-Headers does not parse',
    text: 'The header must be a comma-separated list of header names.',
    at: PREFLIGHT,
  },
  MethodDisallowedByPreflightResponse: {
    title: 'The method is not allowed',
    text: 'Methods other than GET, HEAD and POST must be listed in Access-Control-Allow-Methods (or "*" without credentials). The match is case-sensitive.',
    at: PREFLIGHT,
  },
  HeaderDisallowedByPreflightResponse: {
    title: 'A request header is not allowed',
    text: 'Every header the page sets that is not CORS-safelisted must be listed in Access-Control-Allow-Headers ("*" covers all but Authorization, and only without credentials).',
    at: PREFLIGHT,
  },
  PreflightMissingAllowPrivateNetwork: {
    title: 'Private network access not allowed',
    text: 'A public page reaching a private address needs Access-Control-Allow-Private-Network: true on the preflight answer.',
    at: PREFLIGHT,
  },
  PreflightInvalidAllowPrivateNetwork: {
    title: 'Access-Control-Allow-Private-Network is not "true"',
    text: 'The header must be exactly "true".',
    at: PREFLIGHT,
  },
  CorsDisabledScheme: {
    title: 'A scheme CORS cannot fetch',
    text: 'CORS requests go to http: and https: URLs only; a redirect to another scheme fails.',
    at: REDIRECT,
  },
  RedirectContainsCredentials: {
    title: 'A redirect to a URL with credentials',
    text: 'A cross-origin redirect to a URL with a user name or password (https://user:pass@host/) is a network error.',
    at: REDIRECT,
  },
  DisallowedByMode: {
    title: 'Refused by the request’s mode',
    text: 'mode "same-origin" forbids any cross-origin URL, before anything is sent.',
    at: MAIN,
  },
  NoCorsRedirectModeNotFollow: {
    title: 'no-cors needs redirect "follow"',
    text: 'A no-cors request must follow redirects; fetch() refuses it before sending.',
    at: MAIN,
  },
  TypeError: {
    title: 'fetch() refused the request',
    text: 'The request breaks a rule fetch() checks before sending anything (a forbidden method, a bad header, a URL with credentials).',
    at: MAIN,
  },
  NetworkError: {
    title: 'Network error',
    text: 'The request failed below CORS: the connection, the redirect chain or the mode refused it. The browser reports it as a TypeError with no CORS reason.',
    at: MAIN,
  },
};

/** The rule behind a check mark: by failure code, else by which check passed. */
export function ruleFor(check: string, ok: boolean, code: string | null): Rule {
  if (!ok && code !== null) {
    const preflightCode = code.startsWith('Preflight') && BY_CODE[code] === undefined;
    const base = BY_CODE[preflightCode ? code.slice('Preflight'.length) : code];
    if (base !== undefined) {
      const at = preflightCode ? PREFLIGHT : base.at;
      const title = preflightCode ? `${base.title} (on the preflight answer)` : base.title;
      return { title, text: base.text, section: at.section, href: at.href };
    }
  }
  if (check === 'preflight')
    return {
      title: ok ? 'Preflight passed' : 'Preflight failed',
      text: 'The browser asked with OPTIONS whether the method and headers may be sent: the answer must be a 2xx that admits the origin (CORS check), the method and every non-safelisted header.',
      ...PREFLIGHT,
    };
  if (check === 'cors')
    return {
      title: ok ? 'CORS check passed' : 'CORS check failed',
      text: `The browser compared the response’s Access-Control-Allow-Origin (and -Credentials) with the request. ${ALLOW_ORIGIN}`,
      ...CORS_CHECK,
    };
  return { title: check, text: '', ...MAIN };
}
