// Security properties of the server policy: the attacker origins of reference/misconfigurations.md are
// never allowed, decisions agree with an independent reference model on hostile origins, no control
// character of a request reaches a response header, and Access-Control-Request-Headers costs linear work.
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// Count the characters extractHeaderListValues examines when the policy calls it: the wrapper passes a
// `counter` through the real function and records the work done for each call.
const work = vi.hoisted(() => ({ calls: [] as { inputLength: number; steps: number }[] }));
vi.mock('../../src/spec/headers.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/spec/headers.js')>();
  return {
    ...actual,
    extractHeaderListValues: (
      values: readonly string[] | string | null,
      limits?: Parameters<typeof actual.extractHeaderListValues>[1],
    ) => {
      const counter = { steps: 0 };
      const result = actual.extractHeaderListValues(values, { ...limits, counter });
      const lines = values === null ? [] : typeof values === 'string' ? [values] : values;
      work.calls.push({ inputLength: lines.reduce((n, l) => n + l.length, 0), steps: counter.steps });
      return result;
    },
  };
});

import {
  type CorsDecision,
  type CorsPolicy,
  type CorsPolicyConfig,
  type CorsRequest,
  createCorsPolicy,
} from '../../src/index.js';

const TARGET = 'https://api.example.com';

function decideSync(policy: CorsPolicy, request: CorsRequest): CorsDecision {
  const d = policy.decide(request);
  expect(d).not.toBeInstanceOf(Promise);
  return d as CorsDecision;
}

const actualRequest = (origin: string, method = 'GET'): CorsRequest => ({ method, headers: { origin } });
const preflightRequest = (origin: string): CorsRequest => ({
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-a' },
});

const allowOrigin = (d: CorsDecision): string | undefined =>
  d.headers.find(([n]) => n.toLowerCase() === 'access-control-allow-origin')?.[1];

// ---------------------------------------------------------------------------------------------------
// The reference model: written independently of src/policy/origins.ts, from the meaning of the
// patterns. It parses the Origin with WHATWG URL and requires the value to be exactly its own origin
// serialization, then compares scheme, host and port with plain string logic.
// ---------------------------------------------------------------------------------------------------

interface RefPattern {
  readonly scheme: string;
  /** Exact host, or for a `*.` pattern the base after it. */
  readonly host: string;
  readonly subdomains: boolean;
  /** '' for the default port, digits, or '*' for any. */
  readonly port: string;
}

function refPattern(entry: string): RefPattern {
  const [scheme, rest] = entry.split('://') as [string, string];
  let hostPort = rest;
  let subdomains = false;
  if (hostPort.startsWith('*.')) {
    subdomains = true;
    hostPort = hostPort.slice(2);
  }
  let port = '';
  const close = hostPort.lastIndexOf(']');
  const colon = hostPort.lastIndexOf(':');
  if (colon > close) {
    port = hostPort.slice(colon + 1);
    hostPort = hostPort.slice(0, colon);
  }
  return { scheme, host: hostPort, subdomains, port };
}

/** The parts of an Origin value when it is exactly a serialized http(s) origin; null otherwise. */
function refParse(value: string): { scheme: string; host: string; port: string } | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.origin !== value) return null;
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') return null;
  return { scheme, host: url.hostname, port: url.port };
}

function refAllows(patterns: readonly RefPattern[], value: string): boolean {
  const o = refParse(value);
  if (o === null) return false;
  return patterns.some((p) => {
    if (p.scheme !== o.scheme) return false;
    if (p.port !== '*' && p.port !== o.port) return false;
    if (!p.subdomains) return o.host === p.host;
    // One or more non-empty labels, then a dot, then the base.
    if (!o.host.endsWith(`.${p.host}`)) return false;
    const labels = o.host.slice(0, o.host.length - p.host.length - 1);
    return labels.split('.').every((l) => l.length > 0);
  });
}

/** Hosts a DNS registration can produce: LDH labels of 1 to 63 characters, 253 characters at most. */
function isDnsHost(host: string): boolean {
  if (host.length > 253) return false;
  return host.split('.').every((l) => /^[a-z0-9-]{1,63}$/.test(l));
}

// ---------------------------------------------------------------------------------------------------
// (1) The attacker origins of misconfigurations.md, for target https://api.example.com.
// ---------------------------------------------------------------------------------------------------

const SPECIAL = ['_', '%60', '`', ...'-"{}+^!~;|&\'()*,$='];

const ATTACKER_ORIGINS: readonly string[] = [
  // reflect-any-origin
  'https://attacker-7f3a.com',
  'https://evil.com',
  // null-origin
  'null',
  // prefix-match
  'https://api.example.com.evil.com',
  'https://api.example.com.attacker-7f3a.com',
  'https://api.example.comevil.com',
  'https://api.example.comattacker-7f3a.com',
  // suffix-match
  'https://evilexample.com',
  'https://evilapi.example.com',
  'https://attacker-7f3aexample.com',
  // substring-match
  'https://xample.com',
  'https://example.co',
  'https://pi.example.com',
  'https://api.example.co',
  'https://api.exampl.com',
  // unescaped-dot
  'https://apixexample.com',
  'https://api.examplexcom',
  'https://apiXexample.com',
  // special-chars
  ...SPECIAL.map((c) => `https://api.example.com${c}.evil.com`),
  // any-subdomain (only allowed where a pattern says so)
  'https://attacker-7f3a.api.example.com',
  'https://attacker-7f3a.example.com',
  // http-origin-trusted
  'http://api.example.com',
  'http://app.example.com',
  // other-port-trusted
  'https://api.example.com:8443',
  'https://api.example.com:444',
  'http://api.example.com:443',
  // localhost-trusted
  'http://localhost',
  'http://localhost:3000',
  'http://127.0.0.1',
  'http://[::1]',
  // third-party-origin
  'https://x.github.io',
  'https://attacker-7f3a.github.io',
  'https://codepen.io',
  'https://jsfiddle.net',
  'http://jsbin.com',
  // trailing dot
  'https://api.example.com.',
  'https://app.example.com.',
  // case
  'https://API.example.com',
  'HTTPS://api.example.com',
  'https://Api.Example.Com',
  // userinfo
  'https://user@api.example.com',
  'https://user:pass@api.example.com',
  'https://api.example.com@evil.com',
  'https://api.example.com:x@evil.com',
  // paths, query, fragment
  'https://api.example.com/',
  'https://api.example.com/path',
  'https://api.example.com?x',
  'https://api.example.com#x',
  'https://api.example.com/.evil.com',
  // default port written out
  'https://api.example.com:443',
  'https://api.example.com:0443',
  // whitespace around the value
  ' https://api.example.com',
  'https://api.example.com ',
  '\thttps://api.example.com',
  'https://api.example.com\t',
  'https://api.example.com\n',
  // two origins comma-joined (or space-joined)
  'https://api.example.com, https://evil.com',
  'https://api.example.com,https://api.example.com',
  'https://evil.com, https://api.example.com',
  'https://api.example.com https://evil.com',
  // odd schemes and forms
  'file://',
  'chrome-extension://api.example.com',
  'ws://api.example.com',
  'https://api.example.com\\.evil.com',
  '//api.example.com',
  'api.example.com',
  '*',
  '',
];

const MATRIX: readonly [string, readonly string[]][] = [
  ['one exact origin', [TARGET]],
  ['several exact origins', [TARGET, 'https://app.example.com', 'https://admin.example.com']],
  ['a wildcard subdomain', ['https://*.example.com']],
  ['a wildcard under the target', ['https://*.api.example.com', TARGET]],
  ['explicit ports', ['https://api.example.com:8080', 'https://app.example.com:9443', TARGET]],
  ['any port', ['https://api.example.com:*']],
  ['a wildcard with any port', ['https://*.example.com:*']],
];

describe('attacker origins for https://api.example.com are never allowed', () => {
  const cases = MATRIX.flatMap(([name, origins]) =>
    [false, true].map(
      (credentials) => [`${name}${credentials ? ', with credentials' : ''}`, origins, credentials] as const,
    ),
  );

  it.each(cases)('%s', (_name, origins, credentials) => {
    const config: CorsPolicyConfig = { origins, credentials, methods: ['PUT'], requestHeaders: ['X-A'] };
    const policy = createCorsPolicy(config);
    const model = origins.map(refPattern);
    let modelAllowed = 0;
    for (const origin of ATTACKER_ORIGINS) {
      // A few attacker origins are genuinely inside some allowlists (any subdomain under a "*." entry,
      // another port under ":*"): those are what the configuration says, not a bypass.
      const legitimate = refAllows(model, origin);
      if (legitimate) modelAllowed++;
      for (const request of [
        actualRequest(origin),
        actualRequest(origin, 'POST'),
        preflightRequest(origin),
      ]) {
        const d = decideSync(policy, request);
        const aco = allowOrigin(d);
        if (!legitimate) {
          expect(d.allowed, `${JSON.stringify(origin)} allowed by ${origins.join(' ')}`).toBe(false);
          expect(aco, `${JSON.stringify(origin)} answered`).toBeUndefined();
        } else {
          expect(aco).toBe(origin);
        }
        // Never '*' for credentialed responses, never anything but the exact origin.
        if (aco !== undefined) expect(aco).toBe(origin);
        expect(d.headers.some(([n]) => n === 'Access-Control-Allow-Credentials')).toBe(
          credentials && aco !== undefined,
        );
        expect(d.vary).toContain('Origin');
      }
    }
    // Exact-only allowlists admit none of the attacker origins.
    if (!origins.some((o) => o.includes('*'))) expect(modelAllowed).toBe(0);
    // The target itself is allowed everywhere in the matrix.
    expect(decideSync(policy, actualRequest(TARGET)).allowed).toBe(
      origins.some((o) => refAllows([refPattern(o)], TARGET)),
    );
  });

  it('the reference model agrees with the policy on every attacker origin', () => {
    for (const [, origins] of MATRIX) {
      const policy = createCorsPolicy({ origins });
      const model = origins.map(refPattern);
      for (const origin of ATTACKER_ORIGINS) {
        expect(decideSync(policy, actualRequest(origin)).allowed, `${origin} vs ${origins.join(' ')}`).toBe(
          refAllows(model, origin),
        );
      }
    }
  });

  it("origins '*' answers '*', never the attacker's origin, and never with credentials", () => {
    const policy = createCorsPolicy({ origins: '*' });
    for (const origin of ATTACKER_ORIGINS) {
      for (const request of [actualRequest(origin), preflightRequest(origin)]) {
        const d = decideSync(policy, request);
        for (const [name, value] of d.headers) {
          if (name.toLowerCase() === 'access-control-allow-origin') expect(value).toBe('*');
          expect(name.toLowerCase()).not.toBe('access-control-allow-credentials');
        }
      }
    }
  });

  it('an origin lookup that allows everything is still never asked about malformed origins, and http is refused with credentials', async () => {
    const asked: string[] = [];
    const policy = createCorsPolicy({
      origins: [TARGET],
      credentials: true,
      originLookup: {
        lookup: (o) => {
          asked.push(o);
          return true;
        },
        dependsOn: [],
      },
    });
    for (const origin of ATTACKER_ORIGINS) {
      const d = await policy.decide(actualRequest(origin));
      const aco = allowOrigin(d);
      if (aco !== undefined) {
        expect(aco).toBe(origin);
        expect(refParse(origin), `${JSON.stringify(origin)} reflected`).not.toBeNull();
        expect(
          origin.startsWith('https://') ||
            origin.startsWith('http://localhost') ||
            origin.startsWith('http://127.') ||
            origin.startsWith('http://[::1]'),
        ).toBe(true);
      }
    }
    for (const o of asked) expect(refParse(o), `lookup asked about ${JSON.stringify(o)}`).not.toBeNull();
    expect(asked).not.toContain('null');
    expect(asked).not.toContain('http://api.example.com');
  });
});

// ---------------------------------------------------------------------------------------------------
// (2) Property: decide().allowed on actual requests agrees with the reference model.
// ---------------------------------------------------------------------------------------------------

const ALLOWLISTS: readonly (readonly string[])[] = [
  [TARGET],
  [TARGET, 'https://app.example.com', 'http://localhost:3000'],
  ['https://*.example.com'],
  ['https://*.api.example.com', 'https://example.org'],
  ['https://api.example.com:8443', TARGET],
  ['https://api.example.com:*', 'https://*.example.org:*'],
  ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*', 'http://app.localhost:*'],
  ['https://*.xn--bcher-kva.example', 'https://xn--80ak6aa92e.com'],
];

/** IDN look-alikes: Unicode and the punycode browsers send, computed by WHATWG URL. */
const UNICODE_LOOKALIKES = [
  'аpi.example.com', // Cyrillic а
  'api.exаmple.com',
  'api.example.сom',
  'bücher.example',
  'www.bücher.example',
  'аррӏе.com', // Cyrillic look-alike of apple.com
  'api.examplе.com',
  'ex\u00e4mple.com',
  'api.example.com\u3002evil.com', // ideographic full stop
  'api\uff0eexample.com', // fullwidth full stop: becomes api.example.com after IDNA
  'ＡＰＩ.example.com', // fullwidth letters
];
const PUNYCODE_LOOKALIKES = UNICODE_LOOKALIKES.flatMap((h) => {
  try {
    return [new URL(`https://${h}`).hostname];
  } catch {
    return [];
  }
});

const BASES = [
  'api.example.com',
  'example.com',
  'app.example.com',
  'example.org',
  'localhost',
  'xn--bcher-kva.example',
  'xn--80ak6aa92e.com',
  // bases that are not allowed anywhere
  'evil.com',
  'example.co',
  'xample.com',
  'evilexample.com',
  'apixexample.com',
  'api.example.com.evil.com',
  'github.io',
  'example.com.evil.com',
];

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);

const baseHost = fc.oneof(
  fc.constantFrom(...BASES),
  fc
    .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.constantFrom(...BASES))
    .map(([ls, b]) => `${ls.join('.')}.${b}`),
  fc.constantFrom('127.0.0.1', '127.0.0.2', '[::1]', '[0:0::1]', '0x7f.1', '127.1', '2130706433', '10.0.0.1'),
  fc.constantFrom(...UNICODE_LOOKALIKES, ...PUNYCODE_LOOKALIKES),
  // very long hosts, beyond DNS limits and at them
  fc
    .tuple(fc.integer({ min: 1, max: 6 }), fc.constantFrom('example.com', 'api.example.com', 'evil.com'))
    .map(([n, b]) => `${Array.from({ length: n * 10 }, () => 'abcdefghi').join('.')}.${b}`),
  fc.constantFrom(
    `${'a'.repeat(63)}.example.com`,
    `${'a'.repeat(64)}.example.com`,
    `${'a'.repeat(300)}.example.com`,
  ),
);

/** Hostile transformations of a host. */
const hostileHost = fc.oneof(
  { weight: 3, arbitrary: baseHost },
  fc.tuple(baseHost, fc.nat()).map(([h, i]) => {
    // upper-case one character
    const k = i % h.length;
    return h.slice(0, k) + h.charAt(k).toUpperCase() + h.slice(k + 1);
  }),
  baseHost.map((h) => h.toUpperCase()),
  baseHost.map((h) => `${h}.`),
  baseHost.map((h) => `.${h}`),
  fc.tuple(baseHost, fc.nat()).map(([h, i]) => {
    // an extra dot somewhere
    const k = i % (h.length + 1);
    return `${h.slice(0, k)}.${h.slice(k)}`;
  }),
  fc.tuple(baseHost, fc.nat()).map(([h, i]) => {
    // drop one character (truncations, missing dots)
    const k = i % h.length;
    return h.slice(0, k) + h.slice(k + 1);
  }),
  fc.tuple(baseHost, fc.nat()).map(([h, i]) => {
    // a dot becomes another character (the unescaped-dot class)
    const dots = [...h].flatMap((c, j) => (c === '.' ? [j] : []));
    if (dots.length === 0) return h;
    const k = dots[i % dots.length] as number;
    return `${h.slice(0, k)}x${h.slice(k + 1)}`;
  }),
  fc
    .tuple(baseHost, fc.constantFrom(...SPECIAL), fc.constantFrom('evil.com', 'example.com', 'attacker.net'))
    .map(([h, c, tail]) => `${h}${c}.${tail}`),
  fc.tuple(label, baseHost).map(([l, h]) => `${l}${h}`),
  fc.tuple(baseHost, label).map(([h, l]) => `${h}${l}`),
  fc.tuple(label, baseHost).map(([l, h]) => `${l}_.${h}`),
  fc.tuple(label, baseHost).map(([l, h]) => `${l}_x.${h}`),
);

const schemeArb = fc.constantFrom('https', 'https', 'https', 'http', 'HTTPS', 'Http', 'ftp', 'wss');
const userinfoArb = fc.constantFrom('', '', '', 'user@', 'user:pass@', 'api.example.com@', ':@');
const portArb = fc.constantFrom(
  '',
  '',
  '',
  ':443',
  ':80',
  ':8443',
  ':3000',
  ':8080',
  ':0443',
  ':65536',
  ':',
  ':0',
);
const tailArb = fc.constantFrom('', '', '', '/', '/path', '?q', '#f', ' ', '\t', '%00');
/** Well-formed origins over the same bases, so that the property sees many allowed ones too. */
const likelyAllowedHost = fc.oneof(
  fc.constantFrom(
    'api.example.com',
    'app.example.com',
    'example.org',
    'localhost',
    '127.0.0.1',
    '[::1]',
    'app.localhost',
  ),
  fc
    .tuple(
      fc.array(label, { minLength: 1, maxLength: 3 }),
      fc.constantFrom('example.com', 'api.example.com', 'example.org', 'xn--bcher-kva.example'),
    )
    .map(([ls, b]) => `${ls.join('.')}.${b}`),
);
const cleanOrigin = fc
  .tuple(
    fc.constantFrom('https', 'https', 'http'),
    fc.oneof(likelyAllowedHost, baseHost),
    fc.constantFrom('', '', ':8443', ':3000', ':8080'),
  )
  .map(([s, h, p]) => `${s}://${h}${p}`);
const hostileOrigin = fc.oneof(
  { weight: 6, arbitrary: cleanOrigin },
  {
    weight: 10,
    arbitrary: fc
      .tuple(schemeArb, userinfoArb, hostileHost, portArb, tailArb)
      .map(([s, u, h, p, t]) => `${s}://${u}${h}${p}${t}`),
  },
  fc.constantFrom('null', '', '*', 'https://', 'https://:443'),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
);

describe('decisions agree with an independent reference model on hostile origins', () => {
  const policies = ALLOWLISTS.map((origins) => ({
    origins,
    model: origins.map(refPattern),
    policy: createCorsPolicy({ origins }),
    withCredentials: createCorsPolicy({ origins, credentials: true }),
  }));

  it('never allows what the model refuses; allows what it allows for DNS-shaped hosts', () => {
    fc.assert(
      fc.property(hostileOrigin, (origin) => {
        for (const { origins, model, policy, withCredentials } of policies) {
          const expected = refAllows(model, origin);
          for (const p of [policy, withCredentials]) {
            const d = decideSync(p, actualRequest(origin));
            const pre = decideSync(p, preflightRequest(origin));
            const where = `${JSON.stringify(origin)} against ${origins.join(' ')}`;
            // Soundness: nothing outside the allowlist, whatever the host looks like.
            if (d.allowed) expect(expected, `allowed ${where}`).toBe(true);
            // Completeness for origins a browser on a DNS-named or IP page can send.
            const parts = refParse(origin);
            if (expected && parts !== null && (isDnsHost(parts.host) || parts.host.startsWith('['))) {
              expect(d.allowed, `refused ${where}`).toBe(true);
            }
            // The preflight agrees on the origin part (it allows PUT? no: only the origin matters here).
            expect(allowOrigin(pre) !== undefined).toBe(d.allowed);
            if (d.allowed) expect(allowOrigin(d)).toBe(origin);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('the generators reach both sides of the model', () => {
    // Guard against a vacuous property: a good share of generated origins are allowed somewhere.
    const sample = fc.sample(hostileOrigin, { numRuns: 2000, seed: 42 });
    const allowed = sample.filter((o) => policies.some(({ model }) => refAllows(model, o)));
    expect(allowed.length).toBeGreaterThan(100);
    expect(sample.length - allowed.length).toBeGreaterThan(500);
  });

  it('directed cases: long hosts, look-alikes, underscores and encoded characters', () => {
    const wildcard = createCorsPolicy({ origins: ['https://*.example.com'] });
    const allowed = (o: string) => decideSync(wildcard, actualRequest(o)).allowed;
    expect(allowed(`https://${'a'.repeat(63)}.example.com`)).toBe(true);
    expect(allowed(`https://${'a'.repeat(300)}.example.com`)).toBe(false);
    expect(allowed(`https://${Array.from({ length: 40 }, () => 'abcdefghi').join('.')}.example.com`)).toBe(
      false,
    );
    expect(allowed('https://xn--pi-7kc.example.com')).toBe(true); // a real subdomain, punycode
    expect(allowed('https://аpi.example.com')).toBe(false); // Unicode is never sent
    expect(allowed('https://api.xn--exmple-4nf.com')).toBe(false); // look-alike of example.com
    expect(allowed('https://api.example.com%60.evil.com')).toBe(false);
    expect(allowed('https://api.example.com`.evil.com')).toBe(false);
    expect(allowed('https://api.example.com_.evil.com')).toBe(false);
    expect(allowed('https://a..example.com')).toBe(false);
    expect(allowed('https://.example.com')).toBe(false);
    expect(allowed('https://example.com')).toBe(false);
    expect(allowed('https://a.example.com.')).toBe(false);
    expect(allowed('https://a.example.com:443')).toBe(false);
    expect(allowed('https://a.example.com:8443')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------
// (3) Control characters in request headers never reach a response header value.
// ---------------------------------------------------------------------------------------------------

/** A header value safe to write: no byte below 0x20 except tab, no 0x7f, nothing above 0xff. */
function isStrictHeaderValue(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) return false;
  }
  return true;
}

function isTokenName(v: string): boolean {
  return /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(v);
}

describe('no control character of a request reaches a response header', () => {
  const reflectiveLookup = createCorsPolicy({
    origins: [TARGET],
    methods: '*',
    requestHeaders: '*',
    exposedHeaders: ['X-Total'],
    maxAge: 600,
    privateNetworkAccess: true,
    originLookup: { lookup: () => true, dependsOn: ['Host'] },
  });
  const policies: CorsPolicy[] = [
    createCorsPolicy({
      origins: '*',
      methods: '*',
      requestHeaders: '*',
      exposedHeaders: '*',
      privateNetworkAccess: true,
    }),
    createCorsPolicy({
      origins: [TARGET, 'https://*.example.com', 'http://localhost:*'],
      credentials: true,
      methods: '*',
      requestHeaders: '*',
    }),
    createCorsPolicy({ origins: [TARGET], methods: ['PUT'], requestHeaders: ['X-A'], varyPreflight: true }),
    reflectiveLookup,
  ];

  const nasty = fc.constantFrom(
    '\r',
    '\n',
    '\r\n',
    '\0',
    '\x7f',
    '\x01',
    '\x1b',
    '\t',
    ' ',
    '\u0100',
    '\u2028',
    '\ud800',
  );
  const injected = (base: string) =>
    fc
      .tuple(
        fc.nat(base.length),
        fc.array(nasty, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('', 'Set-Cookie: a=b', 'x-evil'),
      )
      .map(([k, cs, payload]) => `${base.slice(0, k)}${cs.join('')}${payload}${base.slice(k)}`);
  const originValue = fc.oneof(
    injected(TARGET),
    injected('https://a.example.com'),
    fc.constant(`${TARGET}\r\nSet-Cookie: session=stolen`),
    fc.constant(`${TARGET}\0`),
    fc.constant(TARGET),
    fc.string({ unit: 'binary', maxLength: 30 }),
  );
  const methodValue = fc.oneof(
    injected('PUT'),
    fc.constantFrom('PUT', 'PUT\r\nX-Injected: 1', 'DEL\0ETE'),
    fc.string({ unit: 'binary', maxLength: 12 }),
  );
  const headersValue = fc.oneof(
    injected('x-a, content-type'),
    fc.constantFrom('x-a', 'x-a\r\nSet-Cookie: a=b', 'x-a,\0', ['x-a', 'x-b\r\n'], ['x-a\n', 'x-b']),
    fc.array(injected('x-b'), { maxLength: 3 }),
    fc.string({ unit: 'binary', maxLength: 30 }),
  );
  const pnaValue = fc.option(fc.oneof(fc.constant('true'), injected('true')), { nil: undefined });

  it('every header value and name is strict, for preflights and actual requests', async () => {
    await fc.assert(
      fc.asyncProperty(
        originValue,
        methodValue,
        headersValue,
        pnaValue,
        fc.boolean(),
        async (origin, acrm, acrh, pna, isPreflight) => {
          const headers: Record<string, string | string[]> = { origin };
          if (isPreflight) headers['access-control-request-method'] = acrm;
          headers['access-control-request-headers'] = acrh;
          if (pna !== undefined) headers['access-control-request-private-network'] = pna;
          const request = { method: isPreflight ? 'OPTIONS' : acrm, headers };
          for (const policy of policies) {
            const d = await policy.decide(request);
            for (const [name, value] of d.headers) {
              expect(isTokenName(name), `name ${JSON.stringify(name)}`).toBe(true);
              expect(isStrictHeaderValue(value), `${name}: ${JSON.stringify(value)}`).toBe(true);
              expect(value).toBe(value.trim());
            }
            for (const token of d.vary) expect(isTokenName(token)).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a CRLF in the Origin is never reflected, even by a lookup that allows everything', async () => {
    for (const origin of [
      `${TARGET}\r\nSet-Cookie: a=b`,
      `https://evil.com\r\n`,
      `https://evil.com\n`,
      `https://evil\0.com`,
    ]) {
      const d = await reflectiveLookup.decide({ method: 'GET', headers: { origin } });
      expect(d.allowed).toBe(false);
      expect(d.headers).toEqual([]);
    }
  });

  it('a CRLF in Access-Control-Request-Method or -Headers is refused, not echoed', () => {
    const policy = policies[1] as CorsPolicy;
    const m = decideSync(policy, {
      method: 'OPTIONS',
      headers: { origin: TARGET, 'access-control-request-method': 'PUT\r\nSet-Cookie: a=b' },
    });
    expect(m.reason).toBe('method-invalid');
    const h = decideSync(policy, {
      method: 'OPTIONS',
      headers: {
        origin: TARGET,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'x-a\r\nSet-Cookie: a=b',
      },
    });
    expect(h.reason).toBe('request-headers-invalid');
    for (const d of [m, h]) for (const [, v] of d.headers) expect(isStrictHeaderValue(v)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------
// (4) A huge Access-Control-Request-Headers is refused, and the work stays linear.
// ---------------------------------------------------------------------------------------------------

describe('Access-Control-Request-Headers: bounded, linear work', () => {
  beforeEach(() => {
    work.calls.length = 0;
  });

  const preflightWith = (acrh: string | string[]): CorsRequest => ({
    method: 'OPTIONS',
    headers: {
      origin: TARGET,
      'access-control-request-method': 'PUT',
      'access-control-request-headers': acrh,
    },
  });

  it('a 1 MiB header of commas is refused as too large without being scanned', () => {
    const policy = createCorsPolicy({ origins: [TARGET], methods: ['PUT'], requestHeaders: '*' });
    const commas = ','.repeat(1 << 20);
    const d = decideSync(policy, preflightWith(commas));
    expect(d).toMatchObject({ kind: 'preflight', allowed: false, reason: 'request-headers-too-large' });
    expect(d.headers.some(([n]) => n === 'Access-Control-Allow-Headers')).toBe(false);
    // Refused by its length before the parser is even called.
    expect(work.calls).toHaveLength(0);
  });

  it('the same 1 MiB split over many header lines is refused too', () => {
    const policy = createCorsPolicy({ origins: [TARGET], methods: ['PUT'], requestHeaders: '*' });
    const lines = Array.from({ length: 1024 }, () => ','.repeat(1024));
    const d = decideSync(policy, preflightWith(lines));
    expect(d.reason).toBe('request-headers-too-large');
    expect(work.calls.every((c) => c.steps === 0)).toBe(true);
  });

  it('at the largest limits, commas and names cost at most one step per character', () => {
    const policy = createCorsPolicy({
      origins: [TARGET],
      methods: ['PUT'],
      requestHeaders: '*',
      requestHeadersLimit: { maxNames: 1024, maxBytes: 65_536 },
    });
    const inputs = [
      ','.repeat(65_536),
      ' ,'.repeat(32_768),
      'x,'.repeat(32_768), // stops at 1025 names
      `${'x'.repeat(65_535)},`,
      Array.from({ length: 1024 }, (_, i) => `x-${i}`)
        .join(',')
        .slice(0, 65_536),
    ];
    for (const input of inputs) {
      work.calls.length = 0;
      const d = decideSync(policy, preflightWith(input));
      expect(d.kind).toBe('preflight');
      expect(work.calls).toHaveLength(1);
      const { inputLength, steps } = work.calls[0] as { inputLength: number; steps: number };
      expect(inputLength).toBe(input.length);
      expect(steps).toBeLessThanOrEqual(inputLength + 1);
    }
  });

  it('the steps grow linearly with the input', () => {
    const policy = createCorsPolicy({
      origins: [TARGET],
      methods: ['PUT'],
      requestHeaders: '*',
      requestHeadersLimit: { maxNames: 1024, maxBytes: 65_536 },
    });
    const stepsFor = (n: number): number => {
      work.calls.length = 0;
      decideSync(policy, preflightWith(', '.repeat(n)));
      return work.calls[0]?.steps ?? Number.NaN;
    };
    const small = stepsFor(1000);
    const large = stepsFor(32_000);
    expect(large / small).toBeLessThan(32 * 1.1);
    expect(large / small).toBeGreaterThan(32 * 0.9);
  });

  it('a huge Origin or Access-Control-Request-Method is refused (see caps.test.ts for the work done)', () => {
    const policy = createCorsPolicy({
      origins: [TARGET, 'https://*.example.com'],
      methods: '*',
      requestHeaders: '*',
    });
    const longHost = decideSync(policy, {
      method: 'GET',
      headers: { origin: `https://${'a.'.repeat(1 << 19)}example.com` },
    });
    const longMethod = decideSync(policy, {
      method: 'OPTIONS',
      headers: { origin: TARGET, 'access-control-request-method': 'P'.repeat(1 << 20) },
    });
    expect(longHost.allowed).toBe(false);
    expect(longHost.headers).toEqual([]);
    expect(longHost.reason).toBe('origin-malformed');
    // A 1 MiB method is a token, but longer than any method is read: refused unread.
    expect(longMethod).toMatchObject({ allowed: false, reason: 'method-invalid' });
  });
});
