// The differential corpus: scenarios that a real Chromium and simulate(..., { browser: 'chrome' }) must
// agree on. Deterministic, and generated rule family by rule family (DESIGN.md "Scenario format").
//
// URLs use placeholder hosts: page.test (the page's own origin), server.test (the server the page
// calls) and other.test (a third origin, for redirect chains). chromium.ts maps them to loopback origins
// in one place, for Chromium and for simulate() alike. Every case owns the URL path /c/<id>/, so neither
// Chromium's preflight cache nor its HTTP cache ever carries anything from one case to another. A case
// with several steps runs them in order in one page at the same URL: that is how the preflight cache
// across requests is exercised.
import type { Scenario, ServerAnswer } from '../../src/browser/index.js';

export const PAGE = 'http://page.test';
export const SERVER = 'http://server.test';
export const OTHER = 'http://other.test';

/** Placeholder host names, as they appear in corpus URLs and header values. */
export const PLACEHOLDER_HOSTS = { page: 'page.test', server: 'server.test', other: 'other.test' } as const;

export type Family =
  | 'methods'
  | 'request-headers'
  | 'safelist-limits'
  | 'credentials'
  | 'allow-origin'
  | 'allow-methods'
  | 'allow-headers'
  | 'authorization'
  | 'expose-headers'
  | 'preflight-status'
  | 'redirects'
  | 'redirected-preflight'
  | 'modes'
  | 'opaque-origin'
  | 'cache'
  | 'safelisted-values'
  | 'range'
  | 'redirect-preflights'
  | 'null-origin'
  | 'multiple-allow-origin'
  | 'status-codes';

export interface CorpusCase {
  /** Unique; also the URL path segment /c/<id>/. */
  readonly id: string;
  readonly family: Family;
  readonly name: string;
  /** Fetches made in turn from one page, all at the same first URL (one step for most cases). */
  readonly steps: readonly Scenario[];
  /** `sandboxed`: the fetch runs in a sandboxed iframe, whose origin is opaque (`null`). */
  readonly frame: 'page' | 'sandboxed';
}

type Headers = Record<string, string | string[]>;
type RequestInit = Scenario['request'];

const allowPage = (extra: Headers = {}): Headers => ({ 'Access-Control-Allow-Origin': PAGE, ...extra });
const answer = (status: number, headers: Headers = {}): ServerAnswer => ({ status, headers });

interface Builder {
  /** The case's URL on an origin: `${base}/c/<id>/<leaf>`. */
  url(base?: string, leaf?: string): string;
}

class CorpusBuilder {
  readonly cases: CorpusCase[] = [];

  #nextId(): string {
    return `c${String(this.cases.length + 1).padStart(3, '0')}`;
  }

  /** Adds a case; `make` receives URL helpers bound to the case's id. */
  add(
    family: Family,
    name: string,
    make: (b: Builder) => Scenario | Scenario[],
    frame: 'page' | 'sandboxed' = 'page',
  ): void {
    const id = this.#nextId();
    const b: Builder = { url: (base = SERVER, leaf = 'r') => `${base}/c/${id}/${leaf}` };
    const made = make(b);
    const steps = (Array.isArray(made) ? made : [made]).map((s, i) => ({
      ...s,
      name: `${id} ${name}${Array.isArray(made) ? ` (fetch ${i + 1})` : ''}`,
    }));
    this.cases.push({ id, family, name, steps, frame });
  }

  /** A request from the page to server.test answered by `server`. */
  simple(
    family: Family,
    name: string,
    request: Omit<RequestInit, 'url'>,
    server: Scenario['server'],
    frame: 'page' | 'sandboxed' = 'page',
  ): void {
    this.add(
      family,
      name,
      (b) => ({
        origin: frame === 'sandboxed' ? 'null' : PAGE,
        request: { url: b.url(), ...request },
        server,
      }),
      frame,
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// Families

function methods(c: CorpusBuilder): void {
  for (const method of ['GET', 'HEAD', 'POST', 'get', 'head', 'post', 'Get', 'pOsT']) {
    c.simple(
      'methods',
      `${method} is safelisted after normalization: no preflight`,
      { method },
      {
        actual: answer(200, allowPage()),
      },
    );
  }
  c.simple(
    'methods',
    'POST without Access-Control-Allow-Origin reaches the server but is blocked',
    { method: 'POST' },
    {
      actual: answer(200),
    },
  );
  // Methods that need a preflight, each with an Allow-Methods that lists it exactly.
  for (const [method, listed] of [
    ['PUT', 'PUT'],
    ['DELETE', 'DELETE'],
    ['OPTIONS', 'OPTIONS'],
    ['PATCH', 'PATCH'],
    ['put', 'PUT'],
    ['delete', 'DELETE'],
    ['options', 'OPTIONS'],
    ['Put', 'PUT'],
    ['patch', 'patch'],
    ['Patch', 'Patch'],
    ['FOO', 'FOO'],
    ['foo', 'foo'],
    ['M-SEARCH', 'M-SEARCH'],
    ['PROPFIND', 'GET, PROPFIND'],
  ] as const) {
    c.simple(
      'methods',
      `${method} is preflighted; Allow-Methods: ${listed} allows it`,
      { method },
      {
        preflight: answer(204, allowPage({ 'Access-Control-Allow-Methods': listed })),
        actual: answer(200, allowPage()),
      },
    );
  }
  // Case-sensitive comparison of methods that are not normalized, and normalized ones listed in lowercase.
  for (const [method, listed] of [
    ['patch', 'PATCH'],
    ['PATCH', 'patch'],
    ['put', 'put'],
    ['PUT', 'Put'],
    ['foo', 'FOO'],
    ['DELETE', 'PUT'],
  ] as const) {
    c.simple(
      'methods',
      `${method} with Allow-Methods: ${listed} is refused`,
      { method },
      {
        preflight: answer(204, allowPage({ 'Access-Control-Allow-Methods': listed })),
        actual: answer(200, allowPage()),
      },
    );
  }
  c.simple(
    'methods',
    'PUT with no Allow-Methods is refused',
    { method: 'PUT' },
    {
      preflight: answer(204, allowPage()),
      actual: answer(200, allowPage()),
    },
  );
  c.simple(
    'methods',
    'POST with a custom header needs no Allow-Methods entry',
    {
      method: 'POST',
      headers: { 'X-Trace': '1' },
    },
    {
      preflight: answer(
        204,
        allowPage({ 'Access-Control-Allow-Methods': 'PUT', 'Access-Control-Allow-Headers': 'x-trace' }),
      ),
      actual: answer(200, allowPage()),
    },
  );
  for (const method of ['CONNECT', 'TRACE', 'TRACK', 'connect', 'trace']) {
    c.simple(
      'methods',
      `forbidden method ${method}: fetch() rejects before sending`,
      { method },
      {
        actual: answer(200, allowPage()),
      },
    );
  }
  for (const method of ['BAD METHOD', 'GET;', 'PU(T']) {
    c.simple(
      'methods',
      `"${method}" is not a method token: fetch() rejects`,
      { method },
      {
        actual: answer(200, allowPage()),
      },
    );
  }
}

/** Request header cases: [name, value]. */
const HEADER_CASES: readonly (readonly [string, string])[] = [
  ['Accept', 'application/json'],
  ['Accept', '*/*'],
  ['Accept', 'text/html, application/xhtml+xml;q=0.9, */*;q=0.8'],
  ...[...'"():<>?@[\\]{}'].map((ch) => ['Accept', `a${ch}b`] as const),
  ['Accept', 'a\u007fb'],
  ['Accept', 'a\tb'],
  ['Accept-Language', 'en-US,en;q=0.9'],
  ['Accept-Language', 'de-CH, *;q=0.5'],
  ['Accept-Language', 'en_US'],
  ['Accept-Language', 'en/US'],
  ['Accept-Language', "en'"],
  ['Content-Language', 'en'],
  ['Content-Language', 'en-GB, fr'],
  ['Content-Language', 'x+y'],
  ['Content-Type', 'text/plain'],
  ['Content-Type', 'text/plain;charset=utf-8'],
  ['Content-Type', 'TEXT/Plain'],
  ['Content-Type', 'application/x-www-form-urlencoded'],
  ['Content-Type', 'multipart/form-data; boundary=xyz'],
  ['Content-Type', 'application/json'],
  ['Content-Type', 'text/html'],
  ['Content-Type', 'text/plain; a="b"'],
  ['Content-Type', 'text/plain;charset=x{'],
  ['Content-Type', 'text'],
  ['Content-Type', 'text/plain garbage'],
  ['Content-Type', 'text/plain, application/json'],
  ['Content-Type', ''],
  ['Content-Type', ' text/plain '],
  ['Range', 'bytes=0-'],
  ['Range', 'bytes=0-499'],
  ['Range', 'bytes=500-100'],
  ['Range', 'bytes=-500'],
  ['Range', 'bytes=0-1,5-6'],
  ['Range', 'bytes = 0-'],
  ['Range', 'Bytes=0-'],
  ['Range', 'bytes=0-499 '],
  ['Range', '\tbytes=0-'],
  ['Range', 'bytes=9223372036854775806-'],
  ['Range', 'bytes=9223372036854775807-'],
  ['Range', 'bytes=0-9223372036854775806'],
  ['Range', 'bytes=0-9223372036854775807'],
  ['Range', 'bytes=9223372036854775808-'],
  ['Range', 'bytes=99999999999999999999-'],
  ['Range', 'bytes=0-9223372036854775808'],
  ['DPR', '2'],
  ['DPR', '2.5'],
  ['DPR', '2.'],
  ['DPR', 'abc'],
  ['Device-Memory', '8'],
  ['Device-Memory', '0.25'],
  ['Width', '100'],
  ['Width', '1.5'],
  ['Viewport-Width', '800'],
  ['RTT', '50'],
  ['RTT', '5.5'],
  ['Downlink', '1.5'],
  ['Downlink', 'fast'],
  ['ECT', '4g'],
  ['ECT', 'slow-2g'],
  ['ECT', '5g'],
  ['Save-Data', 'on'],
  ['Save-Data', 'ON'],
  ['Save-Data', 'off'],
  ['X-Custom', 'yes'],
  ['X-HTTP-Method-Override', 'PUT'],
  ['Sec-Custom', '1'],
  ['Proxy-Custom', '1'],
  ['Cookie', 'a=b'],
  ['Origin', 'http://evil.test'],
  ['X-HTTP-Method-Override', 'TRACE'],
  ['X-Method-Override', 'connect'],
];

function requestHeaders(c: CorpusBuilder): void {
  for (const [name, value] of HEADER_CASES) {
    const shown = JSON.stringify(value);
    // Everything allowed: the preflight (if any) and its Access-Control-Request-Headers are compared.
    c.simple(
      'request-headers',
      `${name}: ${shown}, preflight allows *`,
      { headers: { [name]: value } },
      {
        preflight: answer(204, allowPage({ 'Access-Control-Allow-Headers': '*' })),
        actual: answer(200, allowPage()),
      },
    );
    // A preflight that allows nothing: blocked exactly when the header is not safelisted.
    c.simple(
      'request-headers',
      `${name}: ${shown}, preflight allows no header`,
      { headers: { [name]: value } },
      {
        preflight: answer(204, allowPage({ 'Access-Control-Allow-Headers': 'x-unrelated' })),
        actual: answer(200, allowPage()),
      },
    );
  }
  c.simple(
    'request-headers',
    'several custom headers are listed lowercased and sorted',
    {
      headers: { 'X-Zeta': '1', 'x-alpha': '2', 'X-Mid': '3', Accept: 'text/plain' },
    },
    {
      preflight: answer(204, allowPage({ 'Access-Control-Allow-Headers': 'x-zeta, x-alpha, X-MID' })),
      actual: answer(200, allowPage()),
    },
  );
  c.simple(
    'request-headers',
    'the first unlisted header (sorted) is the one reported',
    {
      headers: { 'X-Zeta': '1', 'X-Alpha': '2', 'X-Mid': '3' },
    },
    {
      preflight: answer(204, allowPage({ 'Access-Control-Allow-Headers': 'x-zeta' })),
      actual: answer(200, allowPage()),
    },
  );
  c.simple(
    'request-headers',
    'a header set twice is sent once, combined',
    {
      headers: [
        ['X-Dup', 'a'],
        ['x-dup', 'b'],
      ],
    },
    {
      preflight: answer(204, allowPage({ 'Access-Control-Allow-Headers': 'X-Dup' })),
      actual: answer(200, allowPage()),
    },
  );
  c.simple(
    'request-headers',
    'two Accept values combine into one safelisted value',
    {
      headers: [
        ['Accept', 'text/plain'],
        ['Accept', 'text/html'],
      ],
    },
    {
      actual: answer(200, allowPage()),
    },
  );
}

function safelistLimits(c: CorpusBuilder): void {
  const digits = (n: number): string => '1'.repeat(n);
  for (const [name, base] of [
    ['Accept', 'a'],
    ['Accept-Language', 'e'],
    ['Content-Language', 'e'],
    ['Width', '1'],
  ] as const) {
    for (const len of [128, 129]) {
      c.simple(
        'safelist-limits',
        `${name} value of ${len} bytes`,
        { headers: { [name]: base.repeat(len) } },
        {
          preflight: answer(204, allowPage({ 'Access-Control-Allow-Headers': 'x-unrelated' })),
          actual: answer(200, allowPage()),
        },
      );
    }
  }
  const ct128 = `text/plain;a=${'x'.repeat(128 - 'text/plain;a='.length)}`;
  for (const len of [128, 129]) {
    const v = len === 128 ? ct128 : `${ct128}x`;
    c.simple(
      'safelist-limits',
      `Content-Type value of ${len} bytes`,
      { headers: { 'Content-Type': v } },
      {
        preflight: answer(204, allowPage({ 'Access-Control-Allow-Headers': 'x-unrelated' })),
        actual: answer(200, allowPage()),
      },
    );
  }
  // Eight safelisted headers of 128 bytes each reach exactly 1024 bytes; one more byte crosses the limit.
  const full: Headers = {
    Accept: 'a'.repeat(128),
    'Accept-Language': 'e'.repeat(128),
    'Content-Language': 'e'.repeat(128),
    'Content-Type': ct128,
    DPR: digits(128),
    'Device-Memory': digits(128),
    Width: digits(128),
    'Viewport-Width': digits(128),
  };
  const variants: [string, Headers][] = [
    ['1024 bytes of safelisted values', full],
    ['1025 bytes of safelisted values', { ...full, RTT: '1' }],
    ['1025 bytes, with Save-Data as the last byte-pusher', { ...full, 'Save-Data': 'on' }],
    ['1024 bytes plus an unsafe header', { ...full, 'X-Custom': '1' }],
    ['1024 bytes plus an ECT value that is not safelisted', { ...full, ECT: '1' }],
    [
      'four standard headers at 128 bytes stay under the limit',
      {
        Accept: 'a'.repeat(128),
        'Accept-Language': 'e'.repeat(128),
        'Content-Language': 'e'.repeat(128),
        'Content-Type': ct128,
      },
    ],
  ];
  for (const [name, headers] of variants) {
    c.simple(
      'safelist-limits',
      `${name}, preflight allows *`,
      { headers },
      {
        preflight: answer(204, allowPage({ 'Access-Control-Allow-Headers': '*' })),
        actual: answer(200, allowPage()),
      },
    );
    c.simple(
      'safelist-limits',
      `${name}, preflight allows nothing`,
      { headers },
      {
        preflight: answer(204, allowPage()),
        actual: answer(200, allowPage()),
      },
    );
  }
}

function credentials(c: CorpusBuilder): void {
  const modes = ['omit', 'same-origin', 'include'] as const;
  const answers: [string, Headers][] = [
    ['*', { 'Access-Control-Allow-Origin': '*' }],
    [
      '* with credentials true',
      { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Credentials': 'true' },
    ],
    ['the origin', allowPage()],
    ['the origin, credentials true', allowPage({ 'Access-Control-Allow-Credentials': 'true' })],
    ['the origin, credentials True', allowPage({ 'Access-Control-Allow-Credentials': 'True' })],
    ['the origin, credentials TRUE', allowPage({ 'Access-Control-Allow-Credentials': 'TRUE' })],
    ['the origin, credentials false', allowPage({ 'Access-Control-Allow-Credentials': 'false' })],
    ['the origin, credentials 1', allowPage({ 'Access-Control-Allow-Credentials': '1' })],
    ['the origin, credentials empty', allowPage({ 'Access-Control-Allow-Credentials': '' })],
    ['the origin, credentials twice', allowPage({ 'Access-Control-Allow-Credentials': ['true', 'true'] })],
    [
      'the origin, credentials with a tab inside',
      allowPage({ 'Access-Control-Allow-Credentials': 'tr\tue' }),
    ],
    ['the origin, credentials padded', allowPage({ 'Access-Control-Allow-Credentials': ' true\t' })],
  ];
  for (const mode of modes) {
    for (const [label, headers] of answers) {
      if (mode !== 'include' && label.includes('credentials') && !label.endsWith('credentials true'))
        continue;
      c.simple(
        'credentials',
        `credentials ${mode}, Allow-Origin ${label}`,
        { credentials: mode },
        {
          actual: answer(200, headers),
        },
      );
    }
  }
  // The same checks on a preflight.
  for (const [label, headers] of answers) {
    c.simple(
      'credentials',
      `credentialed PUT, preflight Allow-Origin ${label}`,
      {
        method: 'PUT',
        credentials: 'include',
      },
      {
        preflight: answer(204, { ...headers, 'Access-Control-Allow-Methods': 'PUT' }),
        actual: answer(200, allowPage({ 'Access-Control-Allow-Credentials': 'true' })),
      },
    );
  }
  c.simple(
    'credentials',
    'credentialed PUT, preflight fine, actual response lacks credentials',
    {
      method: 'PUT',
      credentials: 'include',
    },
    {
      preflight: answer(
        204,
        allowPage({ 'Access-Control-Allow-Credentials': 'true', 'Access-Control-Allow-Methods': 'PUT' }),
      ),
      actual: answer(200, allowPage()),
    },
  );
}

function allowOrigin(c: CorpusBuilder): void {
  const values: [string, string | string[] | undefined][] = [
    ['missing', undefined],
    ['exact', PAGE],
    ['with a trailing slash', `${PAGE}/`],
    ['with a path', `${PAGE}/app`],
    ['another port', 'http://127.0.0.1:1'],
    ['https instead of http', 'https://page.test'],
    ['uppercase scheme and host', 'HTTP://PAGE.TEST'],
    ['another origin', OTHER],
    ['null', 'null'],
    ['empty', ''],
    ['not a URL', 'foo'],
    ['a bare host', 'page.test'],
    ['two values with a comma', `${PAGE}, ${OTHER}`],
    ['the same value twice, comma-separated', `${PAGE},${PAGE}`],
    ['two values with a space', `${PAGE} ${OTHER}`],
    ['two header lines', [PAGE, PAGE]],
    ['two header lines, * and origin', ['*', PAGE]],
    ['* and the origin in one line', `*, ${PAGE}`],
    ['the origin padded with spaces', `  ${PAGE}  `],
    ['the origin with a tab inside', `http://\tpage.test`],
    ['a DEL byte', 'a\u007fb'],
    ['a Latin-1 byte', 'caf\u00e9'],
    ['a control byte', 'a\u0001b'],
    ['quotes', `'${PAGE}'`],
  ];
  for (const [label, value] of values) {
    const headers: Headers = value === undefined ? {} : { 'Access-Control-Allow-Origin': value };
    c.simple('allow-origin', `simple GET, Allow-Origin ${label}`, {}, { actual: answer(200, headers) });
    c.simple(
      'allow-origin',
      `PUT, preflight Allow-Origin ${label}`,
      { method: 'PUT' },
      {
        preflight: answer(204, { ...headers, 'Access-Control-Allow-Methods': 'PUT' }),
        actual: answer(200, allowPage()),
      },
    );
  }
  c.simple(
    'allow-origin',
    'simple GET, Allow-Origin * and an error status',
    {},
    {
      actual: answer(500, { 'Access-Control-Allow-Origin': '*' }),
    },
  );
  c.simple('allow-origin', 'simple GET, no Allow-Origin on a 404', {}, { actual: answer(404) });
}

function allowMethods(c: CorpusBuilder): void {
  const cases: [string, string | string[] | undefined, string, 'omit' | 'include'][] = [
    ['PUT', 'PUT', 'PUT', 'omit'],
    ['a list', 'GET, PUT, DELETE', 'DELETE', 'omit'],
    ['a list without spaces', 'GET,PUT', 'PUT', 'omit'],
    ['a list with spaces around commas', 'GET , PUT', 'PUT', 'omit'],
    ['empty elements', ',PUT,,', 'PUT', 'omit'],
    ['two header lines', ['GET', 'PUT'], 'PUT', 'omit'],
    ['an empty value', '', 'PUT', 'omit'],
    ['a space inside an element', 'PUT DELETE', 'PUT', 'omit'],
    ['a semicolon', 'PUT;', 'PUT', 'omit'],
    ['a quoted method', '"PUT"', 'PUT', 'omit'],
    ['a slash', 'PUT/DELETE', 'PUT', 'omit'],
    ['* without credentials', '*', 'DELETE', 'omit'],
    ['* with credentials', '*', 'DELETE', 'include'],
    ['* and the method, with credentials', '*, DELETE', 'DELETE', 'include'],
    ['* and a custom lowercase method', '*', 'patch', 'omit'],
    ['a method with a tab around it', '\tPUT\t', 'PUT', 'omit'],
    ['a lowercase listing for a custom method', 'propfind', 'PROPFIND', 'omit'],
  ];
  for (const [label, value, method, creds] of cases) {
    const allow: Headers = allowPage(
      creds === 'include' ? { 'Access-Control-Allow-Credentials': 'true' } : {},
    );
    if (value !== undefined) allow['Access-Control-Allow-Methods'] = value;
    c.simple(
      'allow-methods',
      `${method} (${creds}), Allow-Methods ${label}`,
      { method, credentials: creds },
      {
        preflight: answer(204, allow),
        actual: answer(200, allow),
      },
    );
  }
  // A malformed Allow-Methods fails even when the method needs no listing.
  c.simple(
    'allow-methods',
    'GET with a custom header, malformed Allow-Methods',
    { headers: { 'X-A': '1' } },
    {
      preflight: answer(
        204,
        allowPage({ 'Access-Control-Allow-Methods': 'GET POST', 'Access-Control-Allow-Headers': 'x-a' }),
      ),
      actual: answer(200, allowPage()),
    },
  );
  c.simple(
    'allow-methods',
    'both lists malformed: methods are reported first',
    { method: 'PUT', headers: { 'X-A': '1' } },
    {
      preflight: answer(
        204,
        allowPage({ 'Access-Control-Allow-Methods': 'P UT', 'Access-Control-Allow-Headers': 'x a' }),
      ),
      actual: answer(200, allowPage()),
    },
  );
  c.simple(
    'allow-methods',
    'method refused and header refused: method reported first',
    {
      method: 'PUT',
      headers: { 'X-A': '1' },
    },
    {
      preflight: answer(204, allowPage({ 'Access-Control-Allow-Methods': 'GET' })),
      actual: answer(200, allowPage()),
    },
  );
}

function allowHeaders(c: CorpusBuilder): void {
  const cases: [string, string | string[] | undefined, Headers, 'omit' | 'include'][] = [
    ['the header', 'x-a', { 'X-A': '1' }, 'omit'],
    ['the header in another case', 'X-a', { 'x-A': '1' }, 'omit'],
    ['both headers', 'x-a, x-b', { 'X-A': '1', 'X-B': '2' }, 'omit'],
    ['one of two headers', 'x-a', { 'X-A': '1', 'X-B': '2' }, 'omit'],
    ['the other of two headers', 'x-b', { 'X-A': '1', 'X-B': '2' }, 'omit'],
    ['two header lines', ['x-a', 'x-b'], { 'X-A': '1', 'X-B': '2' }, 'omit'],
    ['empty elements', ',, x-a ,,', { 'X-A': '1' }, 'omit'],
    ['an empty value', '', { 'X-A': '1' }, 'omit'],
    ['missing', undefined, { 'X-A': '1' }, 'omit'],
    ['a space inside an element', 'x-a x-b', { 'X-A': '1' }, 'omit'],
    ['a colon', 'x-a:', { 'X-A': '1' }, 'omit'],
    ['a quoted name', '"x-a"', { 'X-A': '1' }, 'omit'],
    ['* without credentials', '*', { 'X-A': '1', 'X-B': '2' }, 'omit'],
    ['* with credentials', '*', { 'X-A': '1' }, 'include'],
    ['* and the header, with credentials', '*, x-a', { 'X-A': '1' }, 'include'],
    ['the header, with credentials', 'x-a', { 'X-A': '1' }, 'include'],
    ['a prefix of the header name', 'x-', { 'X-A': '1' }, 'omit'],
    ['content-type for a JSON body', 'content-type', { 'Content-Type': 'application/json' }, 'omit'],
    ['nothing, for a JSON body', 'x-a', { 'Content-Type': 'application/json' }, 'omit'],
    ['a safelisted header that is not needed', 'accept', { 'X-A': '1', Accept: 'text/plain' }, 'omit'],
    ['none of three headers', 'x-other', { 'X-C': '1', 'X-B': '2', 'X-A': '3' }, 'omit'],
    ['none of Authorization and X-A', undefined, { Authorization: 'Bearer t', 'X-A': '1' }, 'omit'],
  ];
  for (const [label, value, headers, creds] of cases) {
    const allow: Headers = allowPage(
      creds === 'include' ? { 'Access-Control-Allow-Credentials': 'true' } : {},
    );
    if (value !== undefined) allow['Access-Control-Allow-Headers'] = value;
    c.simple(
      'allow-headers',
      `${Object.keys(headers).join('+')} (${creds}), Allow-Headers ${label}`,
      {
        headers,
        credentials: creds,
        method: 'POST',
      },
      {
        preflight: answer(204, allow),
        actual: answer(200, allow),
      },
    );
  }
}

function authorization(c: CorpusBuilder): void {
  const cases: [string, string | undefined, Headers, 'omit' | 'same-origin' | 'include'][] = [
    ['Allow-Headers *', '*', { Authorization: 'Bearer t' }, 'omit'],
    ['Allow-Headers * (same-origin credentials)', '*', { Authorization: 'Bearer t' }, 'same-origin'],
    ['Allow-Headers * with another header', '*', { Authorization: 'Bearer t', 'X-A': '1' }, 'omit'],
    ['Allow-Headers * with credentials', '*', { Authorization: 'Bearer t' }, 'include'],
    ['Allow-Headers authorization', 'authorization', { Authorization: 'Bearer t' }, 'omit'],
    [
      'Allow-Headers Authorization with credentials',
      'Authorization',
      { Authorization: 'Bearer t' },
      'include',
    ],
    [
      'Allow-Headers *, authorization with credentials',
      '*, authorization',
      { Authorization: 'Bearer t' },
      'include',
    ],
    ['Allow-Headers x-a only', 'x-a', { Authorization: 'Bearer t', 'X-A': '1' }, 'omit'],
    ['no Allow-Headers', undefined, { Authorization: 'Basic dTpw' }, 'omit'],
  ];
  for (const [label, value, headers, creds] of cases) {
    const allow: Headers = allowPage(
      creds === 'include' ? { 'Access-Control-Allow-Credentials': 'true' } : {},
    );
    if (value !== undefined) allow['Access-Control-Allow-Headers'] = value;
    c.simple(
      'authorization',
      `Authorization (${creds}), ${label}`,
      { headers, credentials: creds },
      {
        preflight: answer(204, allow),
        actual: answer(200, allow),
      },
    );
  }
  c.simple(
    'authorization',
    'Authorization in no-cors mode is dropped',
    {
      mode: 'no-cors',
      headers: { Authorization: 'Bearer t' },
    },
    { actual: answer(200) },
  );
  c.add('authorization', 'Authorization is dropped at a cross-origin redirect: no preflight there', (b) => ({
    origin: PAGE,
    request: { url: b.url(), headers: { Authorization: 'Bearer t' } },
    server: {
      preflight: answer(204, allowPage({ 'Access-Control-Allow-Headers': 'authorization' })),
      redirects: [answer(302, allowPage({ Location: b.url(OTHER, 'next') }))],
      actual: answer(200, { 'Access-Control-Allow-Origin': '*' }),
    },
  }));
  c.add('authorization', 'Authorization is kept at a same-origin redirect', (b) => ({
    origin: PAGE,
    request: { url: b.url(), headers: { Authorization: 'Bearer t' } },
    server: {
      preflight: answer(204, allowPage({ 'Access-Control-Allow-Headers': 'authorization' })),
      redirects: [answer(302, allowPage({ Location: b.url(SERVER, 'next') }))],
      actual: answer(200, allowPage()),
    },
  }));
  c.add(
    'authorization',
    'Authorization dropped at a cross-origin redirect; X-A still preflighted there',
    (b) => ({
      origin: PAGE,
      request: { url: b.url(), headers: { Authorization: 'Bearer t', 'X-A': '1' } },
      server: {
        preflights: [
          answer(204, allowPage({ 'Access-Control-Allow-Headers': 'authorization, x-a' })),
          answer(204, { 'Access-Control-Allow-Origin': 'null', 'Access-Control-Allow-Headers': 'x-a' }),
        ],
        redirects: [answer(307, allowPage({ Location: b.url(OTHER, 'next') }))],
        actual: answer(200, { 'Access-Control-Allow-Origin': '*' }),
      },
    }),
  );
}

function exposeHeaders(c: CorpusBuilder): void {
  const body: Headers = {
    'X-A': '1',
    'X-B': '2',
    'Set-Cookie': 'sid=1',
    'Cache-Control': 'no-store',
    'Content-Language': 'en',
    'Content-Type': 'text/plain',
    Expires: '0',
    'Last-Modified': 'Mon, 01 Jan 2024 00:00:00 GMT',
    Pragma: 'no-cache',
    ETag: '"v1"',
  };
  const cases: [string, string | string[] | undefined, 'omit' | 'include'][] = [
    ['none', undefined, 'omit'],
    ['one name', 'X-A', 'omit'],
    ['one name in another case', 'x-a', 'omit'],
    ['two names', 'x-a, etag', 'omit'],
    ['two header lines', ['x-a', 'x-b'], 'omit'],
    ['*', '*', 'omit'],
    ['* with credentials', '*', 'include'],
    ['* and a name with credentials', '*, x-b', 'include'],
    ['Set-Cookie', 'set-cookie, x-a', 'omit'],
    ['a malformed list', 'x-a x-b', 'omit'],
    ['a name the response lacks', 'x-missing', 'omit'],
    ['empty', '', 'omit'],
  ];
  for (const [label, value, creds] of cases) {
    const headers: Headers = allowPage({ ...body });
    if (creds === 'include') headers['Access-Control-Allow-Credentials'] = 'true';
    if (value !== undefined) headers['Access-Control-Expose-Headers'] = value;
    c.simple(
      'expose-headers',
      `Expose-Headers ${label} (${creds})`,
      { credentials: creds },
      {
        actual: answer(200, headers),
      },
    );
  }
  c.simple(
    'expose-headers',
    'a repeated exposed header is read once',
    {},
    {
      actual: answer(200, allowPage({ 'X-A': ['1', '2'], 'Access-Control-Expose-Headers': 'x-a' })),
    },
  );
  c.add('expose-headers', 'same-origin response: everything but Set-Cookie is readable', (b) => ({
    origin: PAGE,
    request: { url: b.url(PAGE) },
    server: { actual: answer(200, { ...body }) },
  }));
  c.simple(
    'expose-headers',
    'expose headers on a no-cors response: nothing readable',
    { mode: 'no-cors' },
    {
      actual: answer(200, allowPage({ ...body, 'Access-Control-Expose-Headers': '*' })),
    },
  );
}

function preflightStatus(c: CorpusBuilder): void {
  for (const status of [
    200, 201, 202, 203, 204, 206, 299, 300, 304, 400, 401, 403, 404, 405, 418, 500, 502, 503,
  ]) {
    c.simple(
      'preflight-status',
      `preflight answered ${status}`,
      { method: 'PUT' },
      {
        preflight: answer(status, allowPage({ 'Access-Control-Allow-Methods': 'PUT' })),
        actual: answer(200, allowPage()),
      },
    );
  }
  for (const status of [500, 404]) {
    c.simple(
      'preflight-status',
      `preflight answered ${status} without Allow-Origin: origin reported first`,
      {
        method: 'PUT',
      },
      {
        preflight: answer(status),
        actual: answer(200, allowPage()),
      },
    );
    c.simple(
      'preflight-status',
      `preflight answered ${status} with a bad Allow-Methods: status reported first`,
      {
        method: 'PUT',
      },
      {
        preflight: answer(status, allowPage({ 'Access-Control-Allow-Methods': 'P UT' })),
        actual: answer(200, allowPage()),
      },
    );
  }
  c.simple(
    'preflight-status',
    'no OPTIONS route at all (404, nothing else)',
    { method: 'DELETE' },
    {
      actual: answer(200, allowPage()),
    },
  );
  c.simple(
    'preflight-status',
    '301 without Location is just a bad status',
    { method: 'PUT' },
    {
      preflight: answer(301, allowPage({ 'Access-Control-Allow-Methods': 'PUT' })),
      actual: answer(200, allowPage()),
    },
  );
}

function redirectedPreflight(c: CorpusBuilder): void {
  for (const status of [301, 302, 303, 307, 308]) {
    c.add('redirected-preflight', `preflight answered ${status} with a Location`, (b) => ({
      origin: PAGE,
      request: { url: b.url(), method: 'PUT' },
      server: {
        preflight: answer(
          status,
          allowPage({ 'Access-Control-Allow-Methods': 'PUT', Location: b.url(SERVER, 'p') }),
        ),
        actual: answer(200, allowPage()),
      },
    }));
  }
  c.add('redirected-preflight', 'redirected preflight without Allow-Origin', (b) => ({
    origin: PAGE,
    request: { url: b.url(), method: 'PUT' },
    server: {
      preflight: answer(307, { Location: b.url(OTHER, 'p') }),
      actual: answer(200, allowPage()),
    },
  }));
  c.add('redirected-preflight', 'preflight after a cross-origin redirect is redirected', (b) => ({
    origin: PAGE,
    request: { url: b.url(), method: 'PUT' },
    server: {
      preflights: [
        answer(204, allowPage({ 'Access-Control-Allow-Methods': 'PUT' })),
        answer(302, { 'Access-Control-Allow-Origin': '*', Location: b.url(OTHER, 'p') }),
      ],
      redirects: [answer(307, allowPage({ Location: b.url(OTHER, 'next') }))],
      actual: answer(200, { 'Access-Control-Allow-Origin': '*' }),
    },
  }));
}

function redirects(c: CorpusBuilder): void {
  const r = (status: number, location: string, extra: Headers = {}): ServerAnswer =>
    answer(status, { ...extra, Location: location });
  c.add('redirects', 'same-origin redirect, both responses allow the page', (b) => ({
    origin: PAGE,
    request: { url: b.url() },
    server: { redirects: [r(302, b.url(SERVER, 'next'), allowPage())], actual: answer(200, allowPage()) },
  }));
  c.add('redirects', 'same-origin redirect whose 302 lacks Allow-Origin', (b) => ({
    origin: PAGE,
    request: { url: b.url() },
    server: { redirects: [r(302, b.url(SERVER, 'next'))], actual: answer(200, allowPage()) },
  }));
  c.add('redirects', 'same-origin redirect, the final response lacks Allow-Origin', (b) => ({
    origin: PAGE,
    request: { url: b.url() },
    server: { redirects: [r(302, b.url(SERVER, 'next'), allowPage())], actual: answer(200) },
  }));
  c.add('redirects', 'relative Location', (b) => ({
    origin: PAGE,
    request: { url: b.url() },
    server: { redirects: [r(302, 'next', allowPage())], actual: answer(200, allowPage()) },
  }));
  // Cross-origin hop: the origin becomes null.
  for (const [label, final, creds] of [
    ['Allow-Origin *', { 'Access-Control-Allow-Origin': '*' }, 'omit'],
    ['Allow-Origin null', { 'Access-Control-Allow-Origin': 'null' }, 'omit'],
    ['Allow-Origin of the page', allowPage(), 'omit'],
    [
      'Allow-Origin null, credentials',
      { 'Access-Control-Allow-Origin': 'null', 'Access-Control-Allow-Credentials': 'true' },
      'include',
    ],
    [
      'Allow-Origin *, credentials',
      { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Credentials': 'true' },
      'include',
    ],
    ['no Allow-Origin', {}, 'omit'],
  ] as const) {
    c.add('redirects', `cross-origin redirect, final ${label}`, (b) => ({
      origin: PAGE,
      request: { url: b.url(), credentials: creds },
      server: {
        redirects: [
          r(
            302,
            b.url(OTHER, 'next'),
            allowPage(creds === 'include' ? { 'Access-Control-Allow-Credentials': 'true' } : {}),
          ),
        ],
        actual: answer(200, { ...final }),
      },
    }));
  }
  c.add('redirects', 'cross-origin redirect, then back to server.test: still tainted', (b) => ({
    origin: PAGE,
    request: { url: b.url() },
    server: {
      redirects: [
        r(302, b.url(OTHER, 'h1'), allowPage()),
        r(302, b.url(SERVER, 'h2'), { 'Access-Control-Allow-Origin': '*' }),
      ],
      actual: answer(200, allowPage()),
    },
  }));
  c.add('redirects', 'cross-origin redirect, then back to server.test, Allow-Origin null', (b) => ({
    origin: PAGE,
    request: { url: b.url() },
    server: {
      redirects: [
        r(302, b.url(OTHER, 'h1'), allowPage()),
        r(302, b.url(SERVER, 'h2'), { 'Access-Control-Allow-Origin': '*' }),
      ],
      actual: answer(200, { 'Access-Control-Allow-Origin': 'null' }),
    },
  }));
  c.add('redirects', 'redirect to the page origin itself after a cross-origin hop: CORS applies', (b) => ({
    origin: PAGE,
    request: { url: b.url() },
    server: { redirects: [r(302, b.url(PAGE, 'home'), allowPage())], actual: answer(200) },
  }));
  c.add('redirects', 'redirect to the page origin itself, Allow-Origin null there', (b) => ({
    origin: PAGE,
    request: { url: b.url() },
    server: {
      redirects: [r(302, b.url(PAGE, 'home'), allowPage())],
      actual: answer(200, { 'Access-Control-Allow-Origin': 'null', 'X-A': '1' }),
    },
  }));
  c.add('redirects', 'same-origin URL redirecting to server.test: no taint', (b) => ({
    origin: PAGE,
    request: { url: b.url(PAGE) },
    server: { redirects: [r(302, b.url(SERVER, 'next'))], actual: answer(200, allowPage()) },
  }));
  c.add('redirects', 'same-origin URL redirecting to server.test, which allows only null', (b) => ({
    origin: PAGE,
    request: { url: b.url(PAGE) },
    server: {
      redirects: [r(302, b.url(SERVER, 'next'))],
      actual: answer(200, { 'Access-Control-Allow-Origin': 'null' }),
    },
  }));
  c.add('redirects', 'same-origin PUT redirected (307) to server.test: preflight there', (b) => ({
    origin: PAGE,
    request: { url: b.url(PAGE), method: 'PUT' },
    server: {
      preflight: answer(204, allowPage({ 'Access-Control-Allow-Methods': 'PUT' })),
      redirects: [r(307, b.url(SERVER, 'next'))],
      actual: answer(200, allowPage()),
    },
  }));
  c.add('redirects', 'same-origin PUT redirected (307) to server.test, preflight refuses', (b) => ({
    origin: PAGE,
    request: { url: b.url(PAGE), method: 'PUT' },
    server: {
      preflight: answer(204, allowPage()),
      redirects: [r(307, b.url(SERVER, 'next'))],
      actual: answer(200, allowPage()),
    },
  }));
  // Method rewriting.
  for (const [status, method] of [
    [301, 'POST'],
    [302, 'POST'],
    [303, 'POST'],
    [307, 'POST'],
    [308, 'POST'],
    [303, 'HEAD'],
    [301, 'GET'],
  ] as const) {
    c.add('redirects', `${status} after ${method} with a body`, (b) => ({
      origin: PAGE,
      request: {
        url: b.url(),
        method,
        body: method === 'POST',
        headers: (method === 'POST' ? { 'Content-Type': 'text/plain' } : {}) as Headers,
      },
      server: {
        redirects: [r(status, b.url(SERVER, 'next'), allowPage())],
        actual: answer(200, allowPage()),
      },
    }));
  }
  c.add(
    'redirects',
    '303 turns a preflighted PUT into a GET that needs no preflight at the next origin',
    (b) => ({
      origin: PAGE,
      request: { url: b.url(), method: 'PUT', body: true },
      server: {
        preflight: answer(204, allowPage({ 'Access-Control-Allow-Methods': 'PUT' })),
        redirects: [r(303, b.url(OTHER, 'next'), allowPage())],
        actual: answer(200, { 'Access-Control-Allow-Origin': '*' }),
      },
    }),
  );
  c.add('redirects', '303 drops a JSON Content-Type: the GET needs no preflight', (b) => ({
    origin: PAGE,
    request: { url: b.url(), method: 'POST', body: true, headers: { 'Content-Type': 'application/json' } },
    server: {
      preflight: answer(204, allowPage({ 'Access-Control-Allow-Headers': 'content-type' })),
      redirects: [r(303, b.url(OTHER, 'next'), allowPage())],
      actual: answer(200, { 'Access-Control-Allow-Origin': '*' }),
    },
  }));
  c.add('redirects', '307 keeps PUT: preflight again at the next origin, with Origin null', (b) => ({
    origin: PAGE,
    request: { url: b.url(), method: 'PUT', body: true },
    server: {
      preflights: [
        answer(204, allowPage({ 'Access-Control-Allow-Methods': 'PUT' })),
        answer(204, { 'Access-Control-Allow-Origin': 'null', 'Access-Control-Allow-Methods': 'PUT' }),
      ],
      redirects: [r(307, b.url(OTHER, 'next'), allowPage())],
      actual: answer(200, { 'Access-Control-Allow-Origin': '*' }),
    },
  }));
  c.add('redirects', '307 keeps PUT; the second preflight only allows the page origin', (b) => ({
    origin: PAGE,
    request: { url: b.url(), method: 'PUT', body: true },
    server: {
      preflights: [
        answer(204, allowPage({ 'Access-Control-Allow-Methods': 'PUT' })),
        answer(204, allowPage({ 'Access-Control-Allow-Methods': 'PUT' })),
      ],
      redirects: [r(307, b.url(OTHER, 'next'), allowPage())],
      actual: answer(200, { 'Access-Control-Allow-Origin': '*' }),
    },
  }));
  c.add('redirects', '308 keeps a custom header: same-origin hop is preflighted again (new URL)', (b) => ({
    origin: PAGE,
    request: { url: b.url(), headers: { 'X-A': '1' } },
    server: {
      preflight: answer(204, allowPage({ 'Access-Control-Allow-Headers': 'x-a' })),
      redirects: [r(308, b.url(SERVER, 'next'), allowPage())],
      actual: answer(200, allowPage()),
    },
  }));
  // Userinfo in Location.
  c.add('redirects', 'Location with userinfo to another origin', (b) => ({
    origin: PAGE,
    request: { url: b.url() },
    server: {
      redirects: [r(302, b.url('http://user:pass@other.test', 'next'), allowPage())],
      actual: answer(200, { 'Access-Control-Allow-Origin': '*' }),
    },
  }));
  c.add('redirects', 'Location with userinfo on the same server', (b) => ({
    origin: PAGE,
    request: { url: b.url() },
    server: {
      redirects: [r(302, b.url('http://user:pass@server.test', 'next'), allowPage())],
      actual: answer(200, allowPage()),
    },
  }));
  c.add(
    'redirects',
    'Location with userinfo, and the redirect lacks Allow-Origin: CORS check first',
    (b) => ({
      origin: PAGE,
      request: { url: b.url() },
      server: {
        redirects: [r(302, b.url('http://user:pass@other.test', 'next'))],
        actual: answer(200, { 'Access-Control-Allow-Origin': '*' }),
      },
    }),
  );
  c.add('redirects', 'same-origin URL redirecting to itself with userinfo', (b) => ({
    origin: PAGE,
    request: { url: b.url(PAGE) },
    server: {
      redirects: [r(302, b.url('http://user:pass@page.test', 'next'))],
      actual: answer(200),
    },
  }));
  c.add('redirects', 'no-cors redirect to the page origin with userinfo', (b) => ({
    origin: PAGE,
    request: { url: b.url(PAGE), mode: 'no-cors' },
    server: { redirects: [r(302, b.url('http://user:pass@page.test', 'next'))], actual: answer(200) },
  }));
  c.add('redirects', 'no-cors redirect to another origin with userinfo', (b) => ({
    origin: PAGE,
    request: { url: b.url(), mode: 'no-cors' },
    server: { redirects: [r(302, b.url('http://user:pass@other.test', 'next'))], actual: answer(200) },
  }));
  c.add('redirects', 'same-origin redirect with a username only, redirect mode manual', (b) => ({
    origin: PAGE,
    request: { url: b.url(PAGE), redirect: 'manual' },
    server: { redirects: [r(302, b.url('http://user@page.test', 'next'))], actual: answer(200) },
  }));
  c.add('redirects', 'page origin redirecting to server.test with userinfo', (b) => ({
    origin: PAGE,
    request: { url: b.url(PAGE) },
    server: {
      redirects: [r(302, b.url('http://user:pass@server.test', 'next'))],
      actual: answer(200, { 'Access-Control-Allow-Origin': '*' }),
    },
  }));
  for (const base of ['http://user:pass@server.test', 'http://user@page.test']) {
    c.add('redirects', `fetch() of a URL with userinfo (${base}) rejects`, (b) => ({
      origin: PAGE,
      request: { url: b.url(base) },
      server: { actual: answer(200, { 'Access-Control-Allow-Origin': '*' }) },
    }));
  }
  // Schemes.
  for (const location of [
    'data:text/plain,hi',
    'ftp://other.test/file',
    'about:blank',
    'foo://bar/baz',
    'file:///etc/hosts',
    'blob:http://page.test/0b3c1f57-6d2b-4b7e-9d0e-1f2a3b4c5d6e',
    'filesystem:http://page.test/temporary/x',
    'chrome://version',
    'javascript:void(0)',
    'ws://other.test/socket',
    'mailto:someone@other.test',
  ]) {
    c.add('redirects', `redirect to ${location}`, (b) => ({
      origin: PAGE,
      request: { url: b.url() },
      server: { redirects: [r(302, location, allowPage())], actual: answer(200, allowPage()) },
    }));
  }
  // Redirect modes and limits.
  for (const mode of ['error', 'manual'] as const) {
    c.add('redirects', `redirect mode ${mode}`, (b) => ({
      origin: PAGE,
      request: { url: b.url(), redirect: mode },
      server: { redirects: [r(302, b.url(SERVER, 'next'), allowPage())], actual: answer(200, allowPage()) },
    }));
    c.add('redirects', `redirect mode ${mode}, the 302 lacks Allow-Origin`, (b) => ({
      origin: PAGE,
      request: { url: b.url(), redirect: mode },
      server: { redirects: [r(302, b.url(SERVER, 'next'))], actual: answer(200, allowPage()) },
    }));
  }
  for (const hops of [20, 21]) {
    c.add('redirects', `${hops} redirects`, (b) => ({
      origin: PAGE,
      request: { url: b.url() },
      server: {
        redirects: Array.from({ length: hops }, (_, i) => r(302, b.url(SERVER, `h${i + 1}`), allowPage())),
        actual: answer(200, allowPage()),
      },
    }));
  }
  c.add('redirects', '302 without a Location is the final response', (b) => ({
    origin: PAGE,
    request: { url: b.url() },
    server: { actual: answer(302, allowPage({ 'X-A': '1', 'Access-Control-Expose-Headers': 'x-a' })) },
  }));
  c.add('redirects', 'Location with a fragment', (b) => ({
    origin: PAGE,
    request: { url: `${b.url()}#top` },
    server: {
      redirects: [r(302, b.url(SERVER, 'next#frag'), allowPage())],
      actual: answer(200, allowPage()),
    },
  }));
  c.add('redirects', 'no-cors request across two origins: opaque', (b) => ({
    origin: PAGE,
    request: { url: b.url(), mode: 'no-cors' },
    server: { redirects: [r(302, b.url(OTHER, 'next'))], actual: answer(200) },
  }));
}

function modes(c: CorpusBuilder): void {
  c.simple(
    'modes',
    'same-origin mode to another origin',
    { mode: 'same-origin' },
    { actual: answer(200, allowPage()) },
  );
  c.add('modes', 'same-origin mode to the page origin', (b) => ({
    origin: PAGE,
    request: { url: b.url(PAGE), mode: 'same-origin' },
    server: { actual: answer(200, { 'X-A': '1' }) },
  }));
  c.add('modes', 'same-origin mode redirected to another origin', (b) => ({
    origin: PAGE,
    request: { url: b.url(PAGE), mode: 'same-origin' },
    server: {
      redirects: [answer(302, { Location: b.url(SERVER, 'next') })],
      actual: answer(200, allowPage()),
    },
  }));
  c.add('modes', 'same-origin mode redirected within the page origin', (b) => ({
    origin: PAGE,
    request: { url: b.url(PAGE), mode: 'same-origin' },
    server: {
      redirects: [answer(302, { Location: b.url(PAGE, 'next') })],
      actual: answer(200, { 'X-A': '1' }),
    },
  }));
  c.add('modes', 'same-origin mode, redirect manual towards another origin', (b) => ({
    origin: PAGE,
    request: { url: b.url(PAGE), mode: 'same-origin', redirect: 'manual' },
    server: {
      redirects: [answer(302, { Location: b.url(SERVER, 'next') })],
      actual: answer(200, allowPage()),
    },
  }));
  c.simple(
    'modes',
    'no-cors GET without any CORS header: opaque',
    { mode: 'no-cors' },
    { actual: answer(200) },
  );
  c.simple(
    'modes',
    'no-cors POST: opaque, sent with an Origin header',
    { mode: 'no-cors', method: 'POST' },
    {
      actual: answer(200),
    },
  );
  c.simple(
    'modes',
    'no-cors PUT: fetch() rejects',
    { mode: 'no-cors', method: 'PUT' },
    { actual: answer(200) },
  );
  c.simple(
    'modes',
    'no-cors drops a custom header and a JSON Content-Type',
    {
      mode: 'no-cors',
      method: 'POST',
      headers: { 'X-A': '1', 'Content-Type': 'application/json', Accept: 'text/plain' },
    },
    { actual: answer(200) },
  );
  c.simple('modes', 'no-cors with a 500: still opaque', { mode: 'no-cors' }, { actual: answer(500) });
  for (const redirect of ['error', 'manual'] as const) {
    c.simple(
      'modes',
      `no-cors with redirect ${redirect}`,
      { mode: 'no-cors', redirect },
      { actual: answer(200) },
    );
  }
  c.add('modes', 'cors mode to the page origin: no preflight, every header readable', (b) => ({
    origin: PAGE,
    request: { url: b.url(PAGE), method: 'PUT', headers: { 'X-A': '1' } },
    server: { actual: answer(200, { 'X-A': '1', 'Set-Cookie': 'a=b' }) },
  }));
  c.add('modes', 'no-cors to the page origin: a readable basic response', (b) => ({
    origin: PAGE,
    request: { url: b.url(PAGE), mode: 'no-cors' },
    server: { actual: answer(200, { 'X-A': '1' }) },
  }));
}

function opaqueOrigin(c: CorpusBuilder): void {
  const cases: [string, Omit<RequestInit, 'url'>, Scenario['server']][] = [
    ['Allow-Origin null', {}, { actual: answer(200, { 'Access-Control-Allow-Origin': 'null' }) }],
    ['Allow-Origin *', {}, { actual: answer(200, { 'Access-Control-Allow-Origin': '*' }) }],
    ['Allow-Origin of the parent page', {}, { actual: answer(200, allowPage()) }],
    ['no Allow-Origin', {}, { actual: answer(200) }],
    [
      'credentials, Allow-Origin null and credentials true',
      { credentials: 'include' },
      {
        actual: answer(200, {
          'Access-Control-Allow-Origin': 'null',
          'Access-Control-Allow-Credentials': 'true',
        }),
      },
    ],
    [
      'credentials, Allow-Origin *',
      { credentials: 'include' },
      {
        actual: answer(200, {
          'Access-Control-Allow-Origin': '*',
          'Access-Control-Allow-Credentials': 'true',
        }),
      },
    ],
    [
      'PUT, preflight allows null',
      { method: 'PUT' },
      {
        preflight: answer(204, {
          'Access-Control-Allow-Origin': 'null',
          'Access-Control-Allow-Methods': 'PUT',
        }),
        actual: answer(200, { 'Access-Control-Allow-Origin': 'null' }),
      },
    ],
    [
      'PUT, preflight allows the parent page',
      { method: 'PUT' },
      {
        preflight: answer(204, allowPage({ 'Access-Control-Allow-Methods': 'PUT' })),
        actual: answer(200, { 'Access-Control-Allow-Origin': 'null' }),
      },
    ],
    ['no-cors', { mode: 'no-cors' }, { actual: answer(200) }],
    [
      'same-origin mode',
      { mode: 'same-origin' },
      { actual: answer(200, { 'Access-Control-Allow-Origin': 'null' }) },
    ],
  ];
  for (const [label, request, server] of cases)
    c.simple('opaque-origin', `sandboxed page: ${label}`, request, server, 'sandboxed');
  c.add(
    'opaque-origin',
    'sandboxed page fetching its own URL origin: still cross-origin',
    (b) => ({
      origin: 'null',
      request: { url: b.url(PAGE) },
      server: { actual: answer(200, { 'Access-Control-Allow-Origin': 'null' }) },
    }),
    'sandboxed',
  );
}

function cache(c: CorpusBuilder): void {
  type Step = { request: Omit<RequestInit, 'url'>; preflight?: ServerAnswer; actual?: ServerAnswer };
  const seq = (name: string, steps: Step[]): void => {
    c.add('cache', name, (b) =>
      steps.map((s) => ({
        origin: PAGE,
        request: { url: b.url(), ...s.request },
        server: {
          ...(s.preflight !== undefined ? { preflight: s.preflight } : {}),
          actual:
            s.actual ??
            answer(
              200,
              allowPage(
                s.request.credentials === 'include' ? { 'Access-Control-Allow-Credentials': 'true' } : {},
              ),
            ),
        },
      })),
    );
  };
  const pf = (extra: Headers): ServerAnswer => answer(204, allowPage(extra));
  const put = { method: 'PUT' };
  seq('PUT twice: the second is covered by the cache', [
    { request: put, preflight: pf({ 'Access-Control-Allow-Methods': 'PUT' }) },
    { request: put, preflight: pf({ 'Access-Control-Allow-Methods': 'PUT' }) },
  ]);
  for (const maxAge of ['0', '-1', 'abc', '10', '7201', '1.5', '']) {
    seq(`PUT twice, Max-Age ${JSON.stringify(maxAge)}`, [
      {
        request: put,
        preflight: pf({ 'Access-Control-Allow-Methods': 'PUT', 'Access-Control-Max-Age': maxAge }),
      },
      { request: put, preflight: pf({ 'Access-Control-Allow-Methods': 'PUT' }) },
    ]);
  }
  seq('PUT then DELETE, both allowed by the first preflight', [
    { request: put, preflight: pf({ 'Access-Control-Allow-Methods': 'PUT, DELETE' }) },
    { request: { method: 'DELETE' }, preflight: pf({}) },
  ]);
  seq('PUT then DELETE, the first preflight allowed only PUT', [
    { request: put, preflight: pf({ 'Access-Control-Allow-Methods': 'PUT' }) },
    { request: { method: 'DELETE' }, preflight: pf({ 'Access-Control-Allow-Methods': 'DELETE' }) },
  ]);
  seq('X-A then X-B, both allowed by the first preflight', [
    { request: { headers: { 'X-A': '1' } }, preflight: pf({ 'Access-Control-Allow-Headers': 'x-a, x-b' }) },
    { request: { headers: { 'X-B': '1' } }, preflight: pf({}) },
  ]);
  seq('X-A then X-B, the first preflight allowed only X-A', [
    { request: { headers: { 'X-A': '1' } }, preflight: pf({ 'Access-Control-Allow-Headers': 'x-a' }) },
    { request: { headers: { 'X-B': '1' } }, preflight: pf({ 'Access-Control-Allow-Headers': 'x-b' }) },
  ]);
  seq('X-A then X-B, the second preflight refuses', [
    { request: { headers: { 'X-A': '1' } }, preflight: pf({ 'Access-Control-Allow-Headers': 'x-a' }) },
    { request: { headers: { 'X-B': '1' } }, preflight: pf({ 'Access-Control-Allow-Headers': 'x-a' }) },
  ]);
  seq('uncredentialed then credentialed: preflight again', [
    {
      request: put,
      preflight: pf({ 'Access-Control-Allow-Methods': 'PUT', 'Access-Control-Allow-Credentials': 'true' }),
    },
    {
      request: { method: 'PUT', credentials: 'include' },
      preflight: pf({ 'Access-Control-Allow-Methods': 'PUT', 'Access-Control-Allow-Credentials': 'true' }),
    },
  ]);
  seq('credentialed then uncredentialed: the cache covers it', [
    {
      request: { method: 'PUT', credentials: 'include' },
      preflight: pf({ 'Access-Control-Allow-Methods': 'PUT', 'Access-Control-Allow-Credentials': 'true' }),
    },
    { request: put, preflight: pf({ 'Access-Control-Allow-Methods': 'PUT' }) },
  ]);
  seq('Allow-Methods * then another method', [
    { request: put, preflight: pf({ 'Access-Control-Allow-Methods': '*' }) },
    { request: { method: 'PATCH' }, preflight: pf({}) },
  ]);
  seq('Allow-Headers * then another header', [
    { request: { headers: { 'X-A': '1' } }, preflight: pf({ 'Access-Control-Allow-Headers': '*' }) },
    { request: { headers: { 'X-Other': '1' } }, preflight: pf({}) },
  ]);
  seq('Allow-Headers * then Authorization', [
    { request: { headers: { 'X-A': '1' } }, preflight: pf({ 'Access-Control-Allow-Headers': '*' }) },
    {
      request: { headers: { Authorization: 'Bearer t' } },
      preflight: pf({ 'Access-Control-Allow-Headers': 'authorization' }),
    },
  ]);
  seq('a failed preflight is not cached', [
    { request: put, preflight: pf({}) },
    { request: put, preflight: pf({ 'Access-Control-Allow-Methods': 'PUT' }) },
  ]);
  seq('a failed preflight clears the entry of an earlier success', [
    { request: put, preflight: pf({ 'Access-Control-Allow-Methods': 'PUT' }) },
    { request: { method: 'PATCH' }, preflight: pf({ 'Access-Control-Allow-Methods': 'PUT' }) },
    { request: put, preflight: pf({ 'Access-Control-Allow-Methods': 'PUT' }) },
  ]);
  seq('a later preflight replaces the record: PUT is preflighted again', [
    { request: put, preflight: pf({ 'Access-Control-Allow-Methods': 'PUT' }) },
    { request: { method: 'PATCH' }, preflight: pf({ 'Access-Control-Allow-Methods': 'PATCH' }) },
    { request: put, preflight: pf({ 'Access-Control-Allow-Methods': 'PUT' }) },
  ]);
  seq('the cache covers the preflight but the actual response lacks Allow-Origin', [
    { request: put, preflight: pf({ 'Access-Control-Allow-Methods': 'PUT' }) },
    { request: put, preflight: pf({ 'Access-Control-Allow-Methods': 'PUT' }), actual: answer(200) },
  ]);
  seq('a simple request between two preflighted ones', [
    { request: put, preflight: pf({ 'Access-Control-Allow-Methods': 'PUT' }) },
    { request: {} },
    { request: put },
  ]);
}

// ---------------------------------------------------------------------------------------------------
// Families where the engines differ (issue 11): each case runs in Chromium, Firefox and WebKit.

/** Values of the safelisted request headers at the edges of each engine's rules. */
const SAFELISTED_VALUE_CASES: readonly (readonly [string, string])[] = [
  ['Content-Type', 'text/plain;a=b, application/json'],
  ['Content-Type', 'application/json, text/plain'],
  ['Content-Type', 'text/plain,text/html'],
  ['Content-Type', 'text/plain;charset=utf-8;a=b'],
  ['Content-Type', 'text/plain; charset="utf-8"'],
  ['Content-Type', 'text/plain;'],
  ['Content-Type', ';text/plain'],
  ['Content-Type', 'Text/Plain ; Charset=UTF-8'],
  ['Content-Type', 'application/x-www-form-urlencoded;charset=utf-8'],
  ['Content-Type', 'multipart/form-data'],
  ['Content-Type', 'multipart/form-data;boundary="a b"'],
  ['Content-Type', 'text/plain;"a"=b'],
  ['Content-Type', 'text/plain;charset'],
  ['Content-Type', 'text/plain\u007f'],
  ['Content-Type', 'application/x-www-form-urlencoded, text/plain'],
  ['Accept', ''],
  ['Accept', 'a;b=c'],
  ['Accept', 'text/html;q=0.9'],
  ['Accept-Language', ''],
  ['Accept-Language', '*'],
  ['Accept-Language', 'en;q=0.5'],
  ['Accept-Language', 'zh-Hant-TW'],
  ['Accept-Language', 'en US'],
  ['Accept-Language', 'en=US'],
  ['Accept-Language', 'en;q=abc'],
  ['Content-Language', ''],
  ['Content-Language', 'en;q=1'],
  ['Content-Language', 'x_y'],
  ['Content-Language', 'en US'],
  ['Content-Language', 'de-DE,en'],
];

function safelistedValues(c: CorpusBuilder): void {
  for (const [name, value] of SAFELISTED_VALUE_CASES) {
    const shown = JSON.stringify(value);
    c.simple(
      'safelisted-values',
      `POST ${name}: ${shown}, preflight allows *`,
      { method: 'POST', headers: { [name]: value }, body: true },
      {
        preflight: answer(204, allowPage({ 'Access-Control-Allow-Headers': '*' })),
        actual: answer(200, allowPage()),
      },
    );
    c.simple(
      'safelisted-values',
      `POST ${name}: ${shown}, preflight allows no header`,
      { method: 'POST', headers: { [name]: value }, body: true },
      {
        preflight: answer(204, allowPage({ 'Access-Control-Allow-Headers': 'x-unrelated' })),
        actual: answer(200, allowPage()),
      },
    );
  }
}

/** Range values at the edges: unit case, 64-bit positions, lists. */
const RANGE_CASES: readonly string[] = [
  'BYTES=0-',
  'bYtEs=0-5',
  'bytes=18446744073709551615-',
  'bytes=18446744073709551616-',
  'bytes=0-18446744073709551615',
  'bytes=0-18446744073709551616',
  'bytes=1-0',
  'bytes=0-0',
  'bytes=-0',
  'bytes=0-,',
  'items=0-5',
  'bytes=00000000000000000000001-',
];

function range(c: CorpusBuilder): void {
  for (const value of RANGE_CASES) {
    c.simple(
      'range',
      `Range: ${JSON.stringify(value)}, preflight allows no header`,
      { headers: { Range: value } },
      {
        preflight: answer(204, allowPage({ 'Access-Control-Allow-Headers': 'x-unrelated' })),
        actual: answer(206, allowPage({ 'Content-Range': 'bytes 0-0/1' })),
      },
    );
  }
}

function redirectPreflights(c: CorpusBuilder): void {
  const r = (status: number, location: string, extra: Headers = {}): ServerAnswer =>
    answer(status, { ...extra, Location: location });
  const pf = (extra: Headers = {}): ServerAnswer =>
    answer(204, allowPage({ 'Access-Control-Allow-Methods': 'PUT, DELETE, PATCH', ...extra }));
  const pfNull = (extra: Headers = {}): ServerAnswer =>
    answer(204, {
      'Access-Control-Allow-Origin': 'null',
      'Access-Control-Allow-Methods': 'PUT, DELETE, PATCH',
      ...extra,
    });
  for (const status of [301, 302, 303, 307, 308]) {
    c.add('redirect-preflights', `PUT redirected ${status} on the same server`, (b) => ({
      origin: PAGE,
      request: { url: b.url(), method: 'PUT' },
      server: {
        preflight: pf(),
        redirects: [r(status, b.url(SERVER, 'next'), allowPage())],
        actual: answer(200, allowPage()),
      },
    }));
    c.add(
      'redirect-preflights',
      `X-A GET redirected ${status} to another origin, preflights allow null`,
      (b) => ({
        origin: PAGE,
        request: { url: b.url(), headers: { 'X-A': '1' } },
        server: {
          preflights: [
            answer(204, allowPage({ 'Access-Control-Allow-Headers': 'x-a' })),
            answer(204, { 'Access-Control-Allow-Origin': 'null', 'Access-Control-Allow-Headers': 'x-a' }),
          ],
          redirects: [r(status, b.url(OTHER, 'next'), allowPage())],
          actual: answer(200, { 'Access-Control-Allow-Origin': 'null' }),
        },
      }),
    );
    c.add(
      'redirect-preflights',
      `X-A GET redirected ${status} to another origin, preflights allow *`,
      (b) => ({
        origin: PAGE,
        request: { url: b.url(), headers: { 'X-A': '1' } },
        server: {
          preflight: answer(204, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*' }),
          redirects: [r(status, b.url(OTHER, 'next'), { 'Access-Control-Allow-Origin': '*' })],
          actual: answer(200, { 'Access-Control-Allow-Origin': '*' }),
        },
      }),
    );
  }
  c.add(
    'redirect-preflights',
    'DELETE redirected 307 to another origin whose preflight allows null',
    (b) => ({
      origin: PAGE,
      request: { url: b.url(), method: 'DELETE' },
      server: {
        preflights: [pf(), pfNull()],
        redirects: [r(307, b.url(OTHER, 'next'), allowPage())],
        actual: answer(200, { 'Access-Control-Allow-Origin': 'null' }),
      },
    }),
  );
  c.add('redirect-preflights', 'DELETE redirected 307 to another origin whose preflight allows * ', (b) => ({
    origin: PAGE,
    request: { url: b.url(), method: 'DELETE' },
    server: {
      preflights: [
        pf(),
        answer(204, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': '*' }),
      ],
      redirects: [r(307, b.url(OTHER, 'next'), allowPage())],
      actual: answer(200, { 'Access-Control-Allow-Origin': '*' }),
    },
  }));
  c.add('redirect-preflights', 'simple GET redirected from the server back to the page origin', (b) => ({
    origin: PAGE,
    request: { url: b.url() },
    server: { redirects: [r(302, b.url(PAGE, 'home'), allowPage())], actual: answer(200) },
  }));
  c.add('redirect-preflights', 'PUT redirected 307 from the server back to the page origin', (b) => ({
    origin: PAGE,
    request: { url: b.url(), method: 'PUT' },
    server: { preflight: pf(), redirects: [r(307, b.url(PAGE, 'home'), allowPage())], actual: answer(200) },
  }));
  c.add('redirect-preflights', 'credentialed PUT redirected 307 to another origin', (b) => ({
    origin: PAGE,
    request: { url: b.url(), method: 'PUT', credentials: 'include' },
    server: {
      preflights: [
        pf({ 'Access-Control-Allow-Credentials': 'true' }),
        pfNull({ 'Access-Control-Allow-Credentials': 'true' }),
      ],
      redirects: [r(307, b.url(OTHER, 'next'), allowPage({ 'Access-Control-Allow-Credentials': 'true' }))],
      actual: answer(200, {
        'Access-Control-Allow-Origin': 'null',
        'Access-Control-Allow-Credentials': 'true',
      }),
    },
  }));
  c.add('redirect-preflights', 'page origin redirects a PUT 307 to the server: one preflight there', (b) => ({
    origin: PAGE,
    request: { url: b.url(PAGE), method: 'PUT' },
    server: { preflight: pf(), redirects: [r(307, b.url(SERVER, 'next'))], actual: answer(200, allowPage()) },
  }));
}

function nullOrigin(c: CorpusBuilder): void {
  const cases: [string, Omit<RequestInit, 'url'>, Scenario['server']][] = [
    ['simple GET, Allow-Origin *', {}, { actual: answer(200, { 'Access-Control-Allow-Origin': '*' }) }],
    ['simple GET, Allow-Origin of the parent page', {}, { actual: answer(200, allowPage()) }],
    [
      'simple GET, Allow-Origin "null " with a space',
      {},
      { actual: answer(200, { 'Access-Control-Allow-Origin': 'null ' }) },
    ],
    [
      'simple GET, Allow-Origin "NULL"',
      {},
      { actual: answer(200, { 'Access-Control-Allow-Origin': 'NULL' }) },
    ],
    [
      'credentialed GET, Allow-Origin null with credentials',
      { credentials: 'include' },
      {
        actual: answer(200, {
          'Access-Control-Allow-Origin': 'null',
          'Access-Control-Allow-Credentials': 'true',
        }),
      },
    ],
    [
      'credentialed GET, Allow-Origin *',
      { credentials: 'include' },
      {
        actual: answer(200, {
          'Access-Control-Allow-Origin': '*',
          'Access-Control-Allow-Credentials': 'true',
        }),
      },
    ],
    [
      'PUT, preflight allows null',
      { method: 'PUT' },
      {
        preflight: answer(204, {
          'Access-Control-Allow-Origin': 'null',
          'Access-Control-Allow-Methods': 'PUT',
        }),
        actual: answer(200, { 'Access-Control-Allow-Origin': 'null' }),
      },
    ],
    [
      'X-A, preflight allows * everywhere',
      { headers: { 'X-A': '1' } },
      {
        preflight: answer(204, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*' }),
        actual: answer(200, { 'Access-Control-Allow-Origin': '*' }),
      },
    ],
    [
      'redirected to another origin, final Allow-Origin null',
      {},
      {
        redirects: [answer(302, { 'Access-Control-Allow-Origin': 'null', Location: `${OTHER}/c/ID/next` })],
        actual: answer(200, { 'Access-Control-Allow-Origin': 'null' }),
      },
    ],
  ];
  for (const [name, request, server] of cases) {
    c.add(
      'null-origin',
      `sandboxed page: ${name}`,
      (b) => ({
        origin: 'null',
        request: { url: b.url(), ...request },
        server: JSON.parse(
          JSON.stringify(server).replaceAll('/c/ID/', new URL(b.url()).pathname.replace(/r$/, '')),
        ),
      }),
      'sandboxed',
    );
  }
}

function multipleAllowOrigin(c: CorpusBuilder): void {
  const values: [string, string | string[]][] = [
    ['two identical lines', [PAGE, PAGE]],
    ['the origin and an empty line', [PAGE, '']],
    ['* twice', ['*', '*']],
    ['the origin twice without a space', `${PAGE},${PAGE}`],
    ['the origin and *', `${PAGE}, *`],
    ['the origin, a tab, the origin', `${PAGE}\t${PAGE}`],
    ['null and the origin on two lines', ['null', PAGE]],
    ['three lines', [PAGE, OTHER, SERVER]],
  ];
  for (const [label, value] of values) {
    c.simple(
      'multiple-allow-origin',
      `simple GET, Allow-Origin ${label}`,
      {},
      {
        actual: answer(200, { 'Access-Control-Allow-Origin': value }),
      },
    );
    c.simple(
      'multiple-allow-origin',
      `PUT, preflight Allow-Origin ${label}`,
      { method: 'PUT' },
      {
        preflight: answer(204, {
          'Access-Control-Allow-Origin': value,
          'Access-Control-Allow-Methods': 'PUT',
        }),
        actual: answer(200, allowPage()),
      },
    );
  }
  c.simple(
    'multiple-allow-origin',
    'credentialed GET, Allow-Origin two identical lines',
    { credentials: 'include' },
    {
      actual: answer(200, {
        'Access-Control-Allow-Origin': [PAGE, PAGE],
        'Access-Control-Allow-Credentials': 'true',
      }),
    },
  );
  c.simple(
    'multiple-allow-origin',
    'credentialed GET, Allow-Credentials on two lines',
    { credentials: 'include' },
    {
      actual: answer(200, allowPage({ 'Access-Control-Allow-Credentials': ['true', 'true'] })),
    },
  );
}

/** Any three-digit status (issue 9): what a preflight and a response may answer beyond 599. */
function statusCodes(c: CorpusBuilder): void {
  for (const status of [299, 600, 680, 999]) {
    c.simple(
      'status-codes',
      `PUT, preflight answered ${status}`,
      { method: 'PUT' },
      {
        preflight: answer(status, allowPage({ 'Access-Control-Allow-Methods': 'PUT' })),
        actual: answer(200, allowPage()),
      },
    );
  }
  for (const status of [299, 600, 699, 999]) {
    c.simple('status-codes', `simple GET answered ${status}`, {}, { actual: answer(status, allowPage()) });
    c.simple(
      'status-codes',
      `simple GET answered ${status} without Allow-Origin`,
      {},
      { actual: answer(status) },
    );
  }
  c.simple(
    'status-codes',
    'PUT, preflight answered 407',
    { method: 'PUT' },
    {
      preflight: answer(407, allowPage({ 'Access-Control-Allow-Methods': 'PUT' })),
      actual: answer(200, allowPage()),
    },
  );
  c.simple(
    'status-codes',
    'PUT, preflight answered 407 without Allow-Origin',
    { method: 'PUT' },
    {
      preflight: answer(407, { 'Access-Control-Allow-Methods': 'PUT' }),
      actual: answer(200, allowPage()),
    },
  );
  for (const status of [300, 304]) {
    c.add('status-codes', `a ${status} with a Location`, (b) => ({
      origin: PAGE,
      request: { url: b.url() },
      server: {
        redirects: [answer(status, allowPage({ Location: b.url(SERVER, 'next') }))],
        actual: answer(200, allowPage()),
      },
    }));
  }
  c.add('status-codes', 'a 399 with a Location', (b) => ({
    origin: PAGE,
    request: { url: b.url() },
    server: {
      redirects: [answer(399, allowPage({ Location: b.url(SERVER, 'next') }))],
      actual: answer(200, allowPage()),
    },
  }));
}

/** The whole corpus, in a fixed order. */
export function generateCorpus(): CorpusCase[] {
  const c = new CorpusBuilder();
  methods(c);
  requestHeaders(c);
  safelistLimits(c);
  credentials(c);
  allowOrigin(c);
  allowMethods(c);
  allowHeaders(c);
  authorization(c);
  exposeHeaders(c);
  preflightStatus(c);
  redirectedPreflight(c);
  redirects(c);
  modes(c);
  opaqueOrigin(c);
  cache(c);
  safelistedValues(c);
  range(c);
  redirectPreflights(c);
  nullOrigin(c);
  multipleAllowOrigin(c);
  statusCodes(c);
  return c.cases;
}
