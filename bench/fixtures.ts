// Shared inputs of the decision benchmark: one CORS configuration expressed for corskit and for each
// peer, the configured origin lists, and the requests a browser would send.

/** Request headers pages may send, as every implementation is configured. */
export const ALLOWED_HEADERS: readonly string[] = ['content-type', 'x-request-id'];
/** Methods beyond the safelisted ones (corskit needs only these; peers list every method). */
export const EXTRA_METHODS: readonly string[] = ['PUT', 'DELETE'];
export const ALL_METHODS: readonly string[] = ['GET', 'HEAD', 'POST', ...EXTRA_METHODS];
export const MAX_AGE = 600;

/** `https://app0.example.com` ... `https://app{n-1}.example.com`. */
export function originList(n: number): string[] {
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = `https://app${i}.example.com`;
  return out;
}

export const DENIED_ORIGIN = 'https://evil.example.net';

/** The headers a browser sends besides the CORS ones: their number matters to header lookups. */
const BROWSER_HEADERS: Readonly<Record<string, string>> = {
  host: 'api.example.com',
  connection: 'keep-alive',
  'user-agent':
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  accept: '*/*',
  'accept-language': 'en-US,en;q=0.9',
  'accept-encoding': 'gzip, deflate, br, zstd',
  referer: 'https://app.example.com/',
  'sec-fetch-mode': 'cors',
  'sec-fetch-site': 'same-site',
  'sec-fetch-dest': 'empty',
};

/** A request as Node gives it: method and a lowercase header record. */
export interface RequestFixture {
  readonly method: 'GET' | 'OPTIONS';
  readonly headers: Readonly<Record<string, string>>;
}

export const REQUEST_PATH = '/resource';
export const REQUEST_URL = `https://api.example.com${REQUEST_PATH}`;

export function actualRequest(origin: string): RequestFixture {
  return { method: 'GET', headers: { ...BROWSER_HEADERS, origin } };
}

export function preflightRequest(
  origin: string,
  requestHeaders: string = 'content-type, x-request-id',
): RequestFixture {
  return {
    method: 'OPTIONS',
    headers: {
      ...BROWSER_HEADERS,
      origin,
      'access-control-request-method': 'PUT',
      'access-control-request-headers': requestHeaders,
    },
  };
}

export type CaseName = 'actual allowed' | 'actual denied' | 'preflight allowed' | 'preflight denied';
export const CASES: readonly CaseName[] = [
  'actual allowed',
  'actual denied',
  'preflight allowed',
  'preflight denied',
];

export function requestFor(kase: CaseName, allowedOrigin: string): RequestFixture {
  switch (kase) {
    case 'actual allowed':
      return actualRequest(allowedOrigin);
    case 'actual denied':
      return actualRequest(DENIED_ORIGIN);
    case 'preflight allowed':
      return preflightRequest(allowedOrigin);
    case 'preflight denied':
      return preflightRequest(DENIED_ORIGIN);
  }
}

export const isAllowedCase = (kase: CaseName): boolean => kase.endsWith('allowed');
export const isPreflightCase = (kase: CaseName): boolean => kase.startsWith('preflight');

/** The HTTP benchmark's request of each kind (bench/http): the allowed ones come from `allowed`. */
export function httpBenchmarkRequest(kind: string, allowed: string): RequestFixture {
  if (kind === 'actual allowed') return actualRequest(allowed);
  if (kind === 'preflight allowed') return preflightRequest(allowed);
  return actualRequest(DENIED_ORIGIN);
}
