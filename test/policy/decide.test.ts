// policy.decide(), explain(), describe() and appendVary: classification, methods, headers, Vary, the
// optional features, the async origin lookup, and totality over hostile input.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  appendVary,
  type CorsDecision,
  type CorsExplanation,
  type CorsPolicy,
  type CorsPolicyConfig,
  type CorsReasonCode,
  type CorsRequest,
  createCorsPolicy,
} from '../../src/index.js';
import { nodeRequestDecider } from '../../src/policy/policy.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';

/** decide() for a policy without originLookup: must answer synchronously. */
function decideSync(policy: CorsPolicy, request: CorsRequest): CorsDecision {
  const d = policy.decide(request);
  expect(d).not.toBeInstanceOf(Promise);
  return d as CorsDecision;
}

function explainSync(policy: CorsPolicy, request: CorsRequest): CorsExplanation {
  const e = policy.explain(request);
  expect(e).not.toBeInstanceOf(Promise);
  return e as CorsExplanation;
}

const actual = (
  origin: string | undefined,
  method = 'GET',
  extra: Record<string, string | string[]> = {},
) => ({
  method,
  headers: origin === undefined ? extra : { origin, ...extra },
});

const preflight = (
  origin: string,
  requestMethod: string,
  requestHeaders?: string | string[],
  extra: Record<string, string> = {},
): CorsRequest => ({
  method: 'OPTIONS',
  headers: {
    origin,
    'access-control-request-method': requestMethod,
    ...(requestHeaders === undefined ? {} : { 'access-control-request-headers': requestHeaders }),
    ...extra,
  },
});

/** The headers of a decision as a case-insensitive lookup. */
function header(d: CorsDecision, name: string): string | undefined {
  const found = d.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase());
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0]?.[1];
}

const policyOf = (config: CorsPolicyConfig) => createCorsPolicy(config);

describe('classification', () => {
  const policy = policyOf({ origins: [APP], methods: ['PUT'] });

  it('a request without Origin is not-cors, with no CORS headers', () => {
    for (const method of ['GET', 'POST', 'OPTIONS', 'DELETE']) {
      const d = decideSync(policy, actual(undefined, method));
      expect(d.kind).toBe('not-cors');
      expect(d.reason).toBe('no-origin');
      expect(d.headers).toEqual([]);
      expect(d.status).toBeNull();
    }
  });

  it('OPTIONS with Origin and Access-Control-Request-Method is a preflight', () => {
    const d = decideSync(policy, preflight(APP, 'PUT'));
    expect(d.kind).toBe('preflight');
    expect(d.allowed).toBe(true);
    expect(d.status).toBe(204);
  });

  it('OPTIONS with Origin but without Access-Control-Request-Method is an actual request for the app', () => {
    const d = decideSync(policy, actual(APP, 'OPTIONS'));
    expect(d.kind).toBe('actual');
    expect(d.status).toBeNull();
    expect(d.allowed).toBe(true);
    expect(header(d, 'Access-Control-Allow-Origin')).toBe(APP);
    expect(header(d, 'Access-Control-Allow-Methods')).toBeUndefined();
  });

  it('OPTIONS with Access-Control-Request-Method but no Origin is not-cors', () => {
    const d = decideSync(policy, { method: 'OPTIONS', headers: { 'access-control-request-method': 'PUT' } });
    expect(d.kind).toBe('not-cors');
    expect(d.headers).toEqual([]);
    expect(d.status).toBeNull();
  });

  it('a non-OPTIONS request carrying Access-Control-Request-Method is an actual request', () => {
    const d = decideSync(policy, actual(APP, 'GET', { 'access-control-request-method': 'PUT' }));
    expect(d.kind).toBe('actual');
    expect(header(d, 'Access-Control-Allow-Methods')).toBeUndefined();
  });

  it('reads header names case-insensitively, from records and from Fetch Headers', () => {
    const record = decideSync(policy, {
      method: 'OPTIONS',
      headers: { Origin: APP, 'Access-Control-Request-Method': 'PUT' },
    });
    expect(record.kind).toBe('preflight');
    expect(record.allowed).toBe(true);
    const fetchHeaders = decideSync(policy, {
      method: 'OPTIONS',
      headers: new Headers({ Origin: APP, 'Access-Control-Request-Method': 'PUT' }),
    });
    expect(fetchHeaders).toEqual(record);
  });

  it('an actual request from an allowed origin gets Allow-Origin with the exact origin', () => {
    const d = decideSync(policy, actual(APP));
    expect(d).toMatchObject({ kind: 'actual', allowed: true, reason: 'allowed', status: null });
    expect(d.headers).toEqual([['Access-Control-Allow-Origin', APP]]);
  });

  it('an actual request from another origin gets no CORS headers', () => {
    const d = decideSync(policy, actual(EVIL));
    expect(d).toMatchObject({ kind: 'actual', allowed: false, reason: 'origin-not-allowed' });
    expect(d.headers).toEqual([]);
  });

  it('a preflight from another origin is answered without CORS headers', () => {
    const d = decideSync(policy, preflight(EVIL, 'PUT'));
    expect(d).toMatchObject({ kind: 'preflight', allowed: false, reason: 'origin-not-allowed', status: 204 });
    expect(header(d, 'Access-Control-Allow-Origin')).toBeUndefined();
    expect(header(d, 'Access-Control-Allow-Methods')).toBeUndefined();
  });

  it("refuses Origin 'null' and malformed origins with their own reasons", () => {
    expect(decideSync(policy, actual('null')).reason).toBe('origin-null');
    for (const bad of ['HTTPS://app.example.com', `${APP}/`, ` ${APP}`, 'app.example.com', '']) {
      const d = decideSync(policy, actual(bad));
      expect(d.allowed).toBe(false);
      expect(d.reason).toBe('origin-malformed');
      expect(d.headers).toEqual([]);
    }
  });

  it('gives each refused origin its own reason when refused origins alternate and repeat', () => {
    // The policy keeps the last refused origin's reason: a repeat must reuse it, a change must not.
    const order = [EVIL, EVIL, 'HTTPS://evil.example', 'HTTPS://evil.example', EVIL, '', EVIL, `${EVIL} `];
    const reasons = order.map((o) => decideSync(policy, actual(o)).reason);
    expect(reasons).toEqual([
      'origin-not-allowed',
      'origin-not-allowed',
      'origin-malformed',
      'origin-malformed',
      'origin-not-allowed',
      'origin-malformed',
      'origin-not-allowed',
      'origin-malformed',
    ]);
    expect(decideSync(policy, actual(APP)).allowed).toBe(true);
  });
});

describe('methods', () => {
  it('answers with the requested method only, not the whole list', () => {
    const policy = policyOf({ origins: [APP], methods: ['PUT', 'DELETE', 'PATCH'] });
    const d = decideSync(policy, preflight(APP, 'DELETE'));
    expect(d.allowed).toBe(true);
    expect(header(d, 'Access-Control-Allow-Methods')).toBe('DELETE');
  });

  it.each(['GET', 'HEAD', 'POST'])('allows the safelisted method %s without listing it', (m) => {
    const policy = policyOf({ origins: [APP] });
    const d = decideSync(policy, preflight(APP, m));
    expect(d.allowed).toBe(true);
    expect(header(d, 'Access-Control-Allow-Methods')).toBe(m);
  });

  it('refuses an unlisted method', () => {
    const policy = policyOf({ origins: [APP], methods: ['PUT'] });
    const d = decideSync(policy, preflight(APP, 'DELETE'));
    expect(d).toMatchObject({ allowed: false, reason: 'method-not-allowed', kind: 'preflight' });
    expect(header(d, 'Access-Control-Allow-Methods')).toBeUndefined();
  });

  it("methods '*' allows any method token, answered as requested", () => {
    const policy = policyOf({ origins: [APP], methods: '*' });
    for (const m of ['PUT', 'DELETE', 'PATCH', 'patch', 'PROPFIND', 'X-Custom.1']) {
      const d = decideSync(policy, preflight(APP, m));
      expect(d.allowed).toBe(true);
      expect(header(d, 'Access-Control-Allow-Methods')).toBe(m);
    }
  });

  it('refuses a requested method that is not a token, even with methods "*"', () => {
    const policy = policyOf({ origins: [APP], methods: '*' });
    for (const m of ['GE T', '', 'PUT\r\nX: y', 'PÜT']) {
      const d = decideSync(policy, preflight(APP, m));
      expect(d).toMatchObject({ allowed: false, reason: 'method-invalid' });
      expect(header(d, 'Access-Control-Allow-Methods')).toBeUndefined();
    }
  });

  it("methods are case-sensitive: 'PATCH' listed does not allow 'patch', and the reverse", () => {
    const upper = policyOf({ origins: [APP], methods: ['PATCH'] });
    expect(decideSync(upper, preflight(APP, 'PATCH')).allowed).toBe(true);
    expect(decideSync(upper, preflight(APP, 'patch')).reason).toBe('method-not-allowed');
    const lower = policyOf({ origins: [APP], methods: ['patch'] });
    expect(decideSync(lower, preflight(APP, 'patch')).allowed).toBe(true);
    expect(decideSync(lower, preflight(APP, 'PATCH')).reason).toBe('method-not-allowed');
  });

  it("a config listing 'put' allows 'PUT' (normalized), and lowercase safelisted methods are not safelisted", () => {
    const policy = policyOf({ origins: [APP], methods: ['put'] });
    expect(decideSync(policy, preflight(APP, 'PUT')).allowed).toBe(true);
    // Browsers normalize 'get' to 'GET' before it reaches a preflight, so a raw 'get' is an odd method.
    expect(decideSync(policyOf({ origins: [APP] }), preflight(APP, 'get')).reason).toBe('method-not-allowed');
  });
});

describe('request headers', () => {
  it('compares requested names case-insensitively with the list', () => {
    const policy = policyOf({ origins: [APP], requestHeaders: ['X-Request-Id', 'content-type'] });
    const d = decideSync(policy, preflight(APP, 'POST', 'x-request-id, Content-Type'));
    expect(d.allowed).toBe(true);
    expect(header(d, 'Access-Control-Allow-Headers')?.toLowerCase()).toBe('x-request-id, content-type');
  });

  it('refuses an unlisted header and names it', () => {
    const policy = policyOf({ origins: [APP], requestHeaders: ['X-A'] });
    const d = decideSync(policy, preflight(APP, 'POST', 'x-a,x-b'));
    expect(d).toMatchObject({ allowed: false, reason: 'header-not-allowed' });
    expect(header(d, 'Access-Control-Allow-Headers') ?? '').not.toMatch(/x-b/i);
    expect(explainSync(policy, preflight(APP, 'POST', 'x-a,x-b')).header).toBe('x-b');
  });

  it('with no requestHeaders, any non-empty request header list is refused', () => {
    const policy = policyOf({ origins: [APP] });
    expect(decideSync(policy, preflight(APP, 'POST', 'x-a')).reason).toBe('header-not-allowed');
    expect(decideSync(policy, preflight(APP, 'POST', '')).allowed).toBe(true);
    expect(decideSync(policy, preflight(APP, 'POST', ' , ,')).allowed).toBe(true);
  });

  it("requestHeaders '*' allows any name but Authorization, which must be listed", () => {
    const star = policyOf({ origins: [APP], requestHeaders: '*' });
    const ok = decideSync(star, preflight(APP, 'POST', 'x-a, content-type, x-whatever'));
    expect(ok.allowed).toBe(true);
    expect(header(ok, 'Access-Control-Allow-Headers')).toBe('x-a, content-type, x-whatever');
    for (const auth of ['authorization', 'Authorization', 'x-a, AUTHORIZATION']) {
      const d = decideSync(star, preflight(APP, 'POST', auth));
      expect(d).toMatchObject({ allowed: false, reason: 'authorization-needs-listing' });
      expect(header(d, 'Access-Control-Allow-Headers') ?? '').not.toMatch(/authorization/i);
    }
    const listed = policyOf({ origins: [APP], requestHeaders: ['Authorization', 'X-A'] });
    expect(decideSync(listed, preflight(APP, 'POST', 'authorization, x-a')).allowed).toBe(true);
  });

  it('joins several Access-Control-Request-Headers lines (a record value that is an array)', () => {
    const policy = policyOf({ origins: [APP], requestHeaders: ['X-A', 'X-B', 'X-C'] });
    const d = decideSync(policy, preflight(APP, 'POST', ['x-a', 'x-b, x-c']));
    expect(d.allowed).toBe(true);
    expect(header(d, 'Access-Control-Allow-Headers')).toBe('x-a, x-b, x-c');
    expect(explainSync(policy, preflight(APP, 'POST', ['x-a', 'x-b, x-c'])).requestedHeaders).toEqual([
      'x-a',
      'x-b',
      'x-c',
    ]);
    const refused = decideSync(policy, preflight(APP, 'POST', ['x-a', 'x-d']));
    expect(refused.reason).toBe('header-not-allowed');
  });

  it('refuses a request header list that is not a list of tokens', () => {
    const policy = policyOf({ origins: [APP], requestHeaders: '*' });
    for (const bad of ['x a', 'x-a, (y)', 'x:y', 'ü']) {
      expect(decideSync(policy, preflight(APP, 'POST', bad)).reason).toBe('request-headers-invalid');
    }
  });

  it('refuses too many names (default 64) and too many bytes (default 4096)', () => {
    const policy = policyOf({ origins: [APP], requestHeaders: '*' });
    const names = (n: number) => Array.from({ length: n }, (_, i) => `x-${i}`).join(',');
    expect(decideSync(policy, preflight(APP, 'POST', names(64))).allowed).toBe(true);
    const tooMany = decideSync(policy, preflight(APP, 'POST', names(65)));
    expect(tooMany).toMatchObject({ allowed: false, reason: 'request-headers-too-large' });
    expect(header(tooMany, 'Access-Control-Allow-Headers')).toBeUndefined();
    const long = `x-${'a'.repeat(4095)}`;
    expect(decideSync(policy, preflight(APP, 'POST', long)).reason).toBe('request-headers-too-large');
    expect(decideSync(policy, preflight(APP, 'POST', 'x'.repeat(4096))).allowed).toBe(true);
    // Bytes count over every line together.
    const lines = Array.from({ length: 3 }, () => `x-${'a'.repeat(1500)}`);
    expect(decideSync(policy, preflight(APP, 'POST', lines)).reason).toBe('request-headers-too-large');
  });

  it('applies a configured requestHeadersLimit', () => {
    const policy = policyOf({
      origins: [APP],
      requestHeaders: '*',
      requestHeadersLimit: { maxNames: 2, maxBytes: 20 },
    });
    expect(decideSync(policy, preflight(APP, 'POST', 'x-a,x-b')).allowed).toBe(true);
    expect(decideSync(policy, preflight(APP, 'POST', 'x-a,x-b,x-c')).reason).toBe(
      'request-headers-too-large',
    );
    expect(decideSync(policy, preflight(APP, 'POST', 'x-aaaaaaaaaaaaaaaaaaaa')).reason).toBe(
      'request-headers-too-large',
    );
    expect(explainSync(policy, preflight(APP, 'POST', 'a,b,c')).message).toMatch(
      /more than 2 names or 20 bytes/,
    );
  });
});

describe('Vary', () => {
  const policy = policyOf({ origins: [APP, 'https://*.example.org'], methods: ['PUT'] });

  it("adds 'Origin' to every response that depends on the origin, including rejections and requests without Origin", () => {
    const requests: CorsRequest[] = [
      actual(undefined),
      actual(undefined, 'OPTIONS'),
      { method: 'OPTIONS', headers: { 'access-control-request-method': 'PUT' } },
      actual(APP),
      actual(EVIL),
      actual('null'),
      actual('HTTPS://APP.EXAMPLE.COM'),
      preflight(APP, 'PUT'),
      preflight(APP, 'DELETE'),
      preflight(APP, 'PUT', 'x-not-listed'),
      preflight(EVIL, 'PUT'),
      preflight('https://a.example.org', 'PUT'),
    ];
    for (const r of requests) expect(decideSync(policy, r).vary).toEqual(['Origin']);
  });

  it("adds no Vary with origins '*' (the answer is the same for everyone)", () => {
    const pub = policyOf({ origins: '*', methods: ['PUT'], requestHeaders: ['X-A'] });
    for (const r of [
      actual(undefined),
      actual(APP),
      actual('null'),
      preflight(APP, 'PUT'),
      preflight(APP, 'DELETE'),
    ]) {
      const d = decideSync(pub, r);
      expect(d.vary).toEqual([]);
    }
    expect(header(decideSync(pub, actual(APP)), 'Access-Control-Allow-Origin')).toBe('*');
    expect(header(decideSync(pub, actual('null')), 'Access-Control-Allow-Origin')).toBe('*');
  });

  it('varyPreflight adds the request-method and request-headers tokens to preflights only', () => {
    const vp = policyOf({ origins: [APP], methods: ['PUT'], varyPreflight: true });
    const tokens = ['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers'];
    expect(decideSync(vp, preflight(APP, 'PUT')).vary).toEqual(tokens);
    expect(decideSync(vp, preflight(APP, 'DELETE')).vary).toEqual(tokens);
    expect(decideSync(vp, preflight(EVIL, 'PUT')).vary).toEqual(tokens);
    expect(decideSync(vp, actual(APP)).vary).toEqual(['Origin']);
    expect(decideSync(vp, actual(APP, 'OPTIONS')).vary).toEqual(['Origin']);
    const pna = policyOf({ origins: [APP], varyPreflight: true, privateNetworkAccess: true });
    expect(decideSync(pna, preflight(APP, 'GET')).vary).toEqual([
      ...tokens,
      'Access-Control-Request-Private-Network',
    ]);
    const pub = policyOf({ origins: '*', varyPreflight: true });
    expect(decideSync(pub, preflight(APP, 'GET')).vary).toEqual(tokens.slice(1));
    expect(decideSync(pub, actual(APP)).vary).toEqual([]);
  });
});

describe('response headers', () => {
  it('preflightStatus 200 is used for every preflight answer; actual requests have no status', () => {
    const policy = policyOf({ origins: [APP], methods: ['PUT'], preflightStatus: 200 });
    expect(decideSync(policy, preflight(APP, 'PUT')).status).toBe(200);
    expect(decideSync(policy, preflight(APP, 'DELETE')).status).toBe(200);
    expect(decideSync(policy, preflight(EVIL, 'PUT')).status).toBe(200);
    expect(decideSync(policy, actual(APP)).status).toBeNull();
    expect(decideSync(policyOf({ origins: [APP] }), preflight(APP, 'GET')).status).toBe(204);
  });

  it('privateNetworkAccess answers a private network preflight only when enabled', () => {
    const pnaRequest = preflight(APP, 'GET', undefined, { 'access-control-request-private-network': 'true' });
    const on = policyOf({ origins: [APP], privateNetworkAccess: true });
    const allowed = decideSync(on, pnaRequest);
    expect(allowed.allowed).toBe(true);
    expect(header(allowed, 'Access-Control-Allow-Private-Network')).toBe('true');
    expect(
      header(decideSync(on, preflight(APP, 'GET')), 'Access-Control-Allow-Private-Network'),
    ).toBeUndefined();
    expect(header(decideSync(on, actual(APP)), 'Access-Control-Allow-Private-Network')).toBeUndefined();
    const off = policyOf({ origins: [APP] });
    const refused = decideSync(off, pnaRequest);
    expect(refused).toMatchObject({ allowed: false, reason: 'private-network-not-enabled' });
    expect(header(refused, 'Access-Control-Allow-Private-Network')).toBeUndefined();
    expect(decideSync(off, preflight(APP, 'GET')).allowed).toBe(true);
  });

  it('maxAge is sent on allowed preflights only', () => {
    const policy = policyOf({ origins: [APP], methods: ['PUT'], maxAge: 600 });
    expect(header(decideSync(policy, preflight(APP, 'PUT')), 'Access-Control-Max-Age')).toBe('600');
    expect(header(decideSync(policy, preflight(APP, 'DELETE')), 'Access-Control-Max-Age')).toBeUndefined();
    expect(header(decideSync(policy, actual(APP)), 'Access-Control-Max-Age')).toBeUndefined();
    const zero = policyOf({ origins: [APP], maxAge: 0 });
    expect(header(decideSync(zero, preflight(APP, 'GET')), 'Access-Control-Max-Age')).toBe('0');
    const none = policyOf({ origins: [APP] });
    expect(header(decideSync(none, preflight(APP, 'GET')), 'Access-Control-Max-Age')).toBeUndefined();
  });

  it('exposedHeaders are sent on allowed actual responses only', () => {
    const policy = policyOf({ origins: [APP], exposedHeaders: ['X-Total-Count', 'x-request-id'] });
    expect(header(decideSync(policy, actual(APP)), 'Access-Control-Expose-Headers')).toBe(
      'X-Total-Count, X-Request-Id',
    );
    expect(
      header(decideSync(policy, preflight(APP, 'GET')), 'Access-Control-Expose-Headers'),
    ).toBeUndefined();
    expect(header(decideSync(policy, actual(EVIL)), 'Access-Control-Expose-Headers')).toBeUndefined();
    const star = policyOf({ origins: '*', exposedHeaders: '*' });
    expect(header(decideSync(star, actual(APP)), 'Access-Control-Expose-Headers')).toBe('*');
  });

  it('credentials adds Allow-Credentials: true to allowed answers, and never with Allow-Origin "*"', () => {
    const policy = policyOf({ origins: [APP], credentials: true, methods: ['PUT'] });
    const a = decideSync(policy, actual(APP));
    expect(a.headers).toEqual([
      ['Access-Control-Allow-Origin', APP],
      ['Access-Control-Allow-Credentials', 'true'],
    ]);
    const p = decideSync(policy, preflight(APP, 'PUT'));
    expect(header(p, 'Access-Control-Allow-Credentials')).toBe('true');
    expect(header(decideSync(policy, actual(EVIL)), 'Access-Control-Allow-Credentials')).toBeUndefined();
    const without = policyOf({ origins: [APP] });
    expect(header(decideSync(without, actual(APP)), 'Access-Control-Allow-Credentials')).toBeUndefined();
  });

  it('a full allowed preflight carries exactly the expected headers', () => {
    const policy = policyOf({
      origins: [APP],
      credentials: true,
      methods: ['PUT'],
      requestHeaders: ['Content-Type', 'X-Request-Id'],
      exposedHeaders: ['X-Total'],
      maxAge: 7200,
    });
    const d = decideSync(policy, preflight(APP, 'PUT', 'content-type,x-request-id'));
    expect(d).toMatchObject({ kind: 'preflight', allowed: true, status: 204, reason: 'allowed' });
    expect(d.headers).toEqual([
      ['Access-Control-Allow-Origin', APP],
      ['Access-Control-Allow-Credentials', 'true'],
      ['Access-Control-Allow-Methods', 'PUT'],
      ['Access-Control-Allow-Headers', 'content-type, x-request-id'],
      ['Access-Control-Max-Age', '7200'],
    ]);
  });
});

describe('originLookup', () => {
  const tenants = new Set(['https://tenant-a.example.net', 'https://tenant-b.example.net']);
  const make = (extra: Partial<CorsPolicyConfig> = {}, dependsOn: string[] = ['Host']) => {
    const calls: string[] = [];
    const policy = policyOf({
      origins: [APP],
      credentials: true,
      methods: ['PUT'],
      originLookup: {
        lookup: async (origin) => {
          calls.push(origin);
          await new Promise((r) => setTimeout(r, 1));
          if (origin.includes('broken')) throw new Error('tenant store unavailable');
          return tenants.has(origin);
        },
        dependsOn,
      },
      ...extra,
    });
    return { policy, calls };
  };

  it('is not consulted for configured origins: the answer stays synchronous', () => {
    const { policy, calls } = make();
    const d = decideSync(policy, actual(APP));
    expect(d.allowed).toBe(true);
    expect(calls).toEqual([]);
  });

  it('allows what the lookup allows, asynchronously', async () => {
    const { policy, calls } = make();
    const pending = policy.decide(actual('https://tenant-a.example.net'));
    expect(pending).toBeInstanceOf(Promise);
    const d = await pending;
    expect(d.allowed).toBe(true);
    expect(d.headers).toEqual([
      ['Access-Control-Allow-Origin', 'https://tenant-a.example.net'],
      ['Access-Control-Allow-Credentials', 'true'],
    ]);
    expect(calls).toEqual(['https://tenant-a.example.net']);
    const p = await policy.decide(preflight('https://tenant-b.example.net', 'PUT'));
    expect(p).toMatchObject({ kind: 'preflight', allowed: true, status: 204 });
    expect(header(p, 'Access-Control-Allow-Methods')).toBe('PUT');
  });

  it('denies what the lookup denies', async () => {
    const { policy } = make();
    const d = await policy.decide(actual('https://stranger.example.net'));
    expect(d).toMatchObject({ allowed: false, reason: 'origin-not-allowed' });
    expect(d.headers).toEqual([]);
  });

  it('a throwing lookup never rejects: it denies with origin-lookup-failed and the error in the explanation', async () => {
    const { policy } = make();
    const d = await policy.decide(actual('https://broken.example.net'));
    expect(d).toMatchObject({ allowed: false, reason: 'origin-lookup-failed' });
    expect(d.headers).toEqual([]);
    const e = await policy.explain(actual('https://broken.example.net'));
    expect(e.message).toContain('tenant store unavailable');
    expect(e.message).toContain('https://broken.example.net');

    const sync = policyOf({
      origins: [],
      originLookup: {
        lookup: () => {
          throw new TypeError('boom');
        },
        dependsOn: [],
      },
    });
    await expect(Promise.resolve(sync.decide(actual(APP)))).resolves.toMatchObject({
      reason: 'origin-lookup-failed',
    });
    const throwsNonError = policyOf({
      origins: [],
      originLookup: { lookup: () => Promise.reject('plain string'), dependsOn: [] },
    });
    expect((await throwsNonError.explain(actual(APP))).message).toContain('plain string');
  });

  it('only an answer of exactly true allows', async () => {
    for (const answer of ['yes', 1, {}, null, undefined]) {
      const policy = policyOf({
        origins: [],
        originLookup: { lookup: (() => answer) as unknown as () => boolean, dependsOn: [] },
      });
      expect((await policy.decide(actual(APP))).allowed).toBe(false);
    }
  });

  it('is never asked about null, malformed origins, or plain http with credentials', async () => {
    const { policy, calls } = make();
    expect(decideSync(policy, actual('null')).reason).toBe('origin-null');
    expect(decideSync(policy, actual('HTTPS://tenant-a.example.net')).reason).toBe('origin-malformed');
    expect(decideSync(policy, actual('https://tenant-a.example.net/')).reason).toBe('origin-malformed');
    expect(decideSync(policy, actual('http://tenant-a.example.net')).reason).toBe(
      'origin-insecure-with-credentials',
    );
    expect(calls).toEqual([]);
  });

  it('its dependsOn headers join Origin in Vary, on every answer', async () => {
    const { policy } = make({}, ['Host', 'x-tenant']);
    const expected = ['Origin', 'Host', 'X-Tenant'];
    expect(decideSync(policy, actual(undefined)).vary).toEqual(expected);
    expect(decideSync(policy, actual(APP)).vary).toEqual(expected);
    expect((await policy.decide(actual('https://tenant-a.example.net'))).vary).toEqual(expected);
    expect((await policy.decide(actual('https://stranger.example.net'))).vary).toEqual(expected);
    expect((await policy.decide(actual('https://broken.example.net'))).vary).toEqual(expected);
    const { policy: none } = make({}, []);
    expect(decideSync(none, actual(APP)).vary).toEqual(['Origin']);
  });

  it('passes the request to the lookup', async () => {
    const seen: CorsRequest[] = [];
    const policy = policyOf({
      origins: [],
      originLookup: {
        lookup: (_origin, request) => {
          seen.push(request);
          return true;
        },
        dependsOn: ['Host'],
      },
    });
    const request = actual(APP, 'GET', { host: 'api.example.com' });
    await policy.decide(request);
    expect(seen).toEqual([request]);
  });

  it('never rejects when a header getter throws after the lookup answered', async () => {
    const { policy } = make({ requestHeaders: ['X-A'] });
    const headers = {
      origin: 'https://tenant-a.example.net',
      'access-control-request-method': 'PUT',
      get 'access-control-request-headers'(): string {
        throw new Error('getter exploded');
      },
    };
    const outcome = await Promise.resolve(policy.decide({ method: 'OPTIONS', headers })).then(
      (d) => ({ resolved: d }),
      (err: unknown) => ({ rejected: String(err) }),
    );
    expect(outcome).toHaveProperty('resolved');
    const explained = await Promise.resolve(policy.explain({ method: 'OPTIONS', headers })).then(
      () => 'resolved',
      () => 'rejected',
    );
    expect(explained).toBe('resolved');
  });
});

describe('decide is total', () => {
  class Hostile {
    get origin(): string {
      throw new Error('origin getter');
    }
  }
  const throwingToString = {
    toString: () => {
      throw new Error('toString');
    },
  };
  const huge = 'a'.repeat(1 << 20);
  const hugeCommas = ','.repeat(1 << 20);
  const hugeOrigin = `https://${'a'.repeat(1 << 20)}.example.com`;

  const stringValue = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(APP, 'null', 'PUT', 'x-a, authorization', '*', 'true', huge, hugeCommas, hugeOrigin),
    fc.string({
      unit: fc.constantFrom('\r', '\n', '\0', ',', ' ', '\t', 'a', '\u0100', '\ud800'),
      maxLength: 30,
    }),
  );
  const value: fc.Arbitrary<unknown> = fc.oneof(
    stringValue,
    fc.array(stringValue, { maxLength: 4 }),
    fc.integer(),
    fc.constantFrom(undefined, null, true, {}, [], throwingToString, [throwingToString], Symbol('s'), 1n),
  );
  const headerName = fc.oneof(
    fc.constantFrom(
      'origin',
      'Origin',
      'ORIGIN',
      'access-control-request-method',
      'Access-Control-Request-Method',
      'access-control-request-headers',
      'access-control-request-private-network',
      '__proto__',
      'constructor',
    ),
    fc.string({ maxLength: 10 }),
  );
  const record = fc.dictionary(headerName, value, { maxKeys: 6 });
  const headersArb: fc.Arbitrary<unknown> = fc.oneof(
    record,
    record.map((r) => {
      const withGetter = { ...r };
      Object.defineProperty(withGetter, 'access-control-request-headers', {
        enumerable: true,
        get() {
          throw new Error('acrh getter');
        },
      });
      return withGetter;
    }),
    record.map((r) => ({ get: (name: string) => (r as Record<string, unknown>)[name] ?? null })),
    fc.constantFrom(
      new Hostile(),
      {
        get: () => {
          throw new Error('get');
        },
      },
      { get: () => 42 },
      { get: (n: string) => (n === 'origin' ? APP : { weird: true }) },
      new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error('ownKeys');
          },
          get: () => undefined,
        },
      ),
      new Proxy(
        {},
        {
          get: () => {
            throw new Error('proxy get');
          },
        },
      ),
      null,
      undefined,
      'origin: x',
      42,
    ),
  );
  const methodArb: fc.Arbitrary<unknown> = fc.oneof(
    fc.constantFrom('GET', 'OPTIONS', 'POST', 'options', 'PUT', '', undefined, null, 42, {}),
    fc.string({ unit: 'binary', maxLength: 12 }),
  );
  const requestArb: fc.Arbitrary<unknown> = fc.oneof(
    fc.record({ method: methodArb, headers: headersArb }),
    fc.constantFrom(null, undefined, {}, 'GET', { method: 'OPTIONS' }),
  );

  const policies = [
    policyOf({
      origins: [APP, 'https://*.example.com', 'http://localhost:*'],
      credentials: true,
      methods: ['PUT'],
    }),
    policyOf({
      origins: '*',
      methods: '*',
      requestHeaders: '*',
      exposedHeaders: '*',
      privateNetworkAccess: true,
    }),
    policyOf({
      origins: [APP],
      requestHeaders: ['X-A', 'Authorization'],
      maxAge: 600,
      varyPreflight: true,
      preflightStatus: 200,
      onDenied: () => {
        throw new Error('logger down');
      },
    }),
  ];

  const validDecision = (d: CorsDecision): void => {
    expect(['not-cors', 'preflight', 'actual']).toContain(d.kind);
    expect(typeof d.allowed).toBe('boolean');
    expect(typeof d.reason).toBe('string');
    expect(Array.isArray(d.headers)).toBe(true);
    expect(Array.isArray(d.vary)).toBe(true);
    for (const [n, v] of d.headers) {
      expect(typeof n).toBe('string');
      expect(typeof v).toBe('string');
    }
    if (d.allowed) expect(d.reason).toBe('allowed');
  };

  it('decide() never throws, whatever the method and headers (synchronous policies)', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        for (const policy of policies) {
          const d = policy.decide(request as CorsRequest);
          expect(d).not.toBeInstanceOf(Promise);
          validDecision(d as CorsDecision);
        }
      }),
      {
        numRuns: 1000,
        // Found by this property; kept first so that the failure never depends on the seed.
        examples: [
          [
            {
              method: 'OPTIONS',
              headers: {
                get: (n: string) =>
                  n === 'origin' ? APP : n === 'access-control-request-method' ? 42 : null,
              },
            },
          ],
        ],
      },
    );
  });

  it('a Headers-like get() returning a non-string Access-Control-Request-Method never yields a non-string header value', () => {
    const policy = policyOf({ origins: '*', methods: '*' });
    for (const odd of [42, true, {}, Symbol('m')]) {
      const get = (n: string) => (n === 'origin' ? APP : n === 'access-control-request-method' ? odd : null);
      const d = decideSync(policy, { method: 'OPTIONS', headers: { get } } as unknown as CorsRequest);
      for (const [, v] of d.headers) expect(typeof v).toBe('string');
    }
  });

  it('explain() never throws either, and its message is a string', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        for (const policy of policies) {
          const e = policy.explain(request as CorsRequest) as CorsExplanation;
          expect(typeof e.message).toBe('string');
          expect(e.message.length).toBeGreaterThan(0);
        }
      }),
      {
        numRuns: 1000,
        // Fixed examples first, so that a failure here never depends on the random seed.
        examples: [
          [{ method: 'GET', headers: { get: (n: string) => (n === 'origin' ? Symbol('o') : null) } }],
          [{ method: 'GET', headers: { get: (n: string) => (n === 'origin' ? throwingToString : null) } }],
        ],
      },
    );
  });

  it('explain() does not throw when a Headers-like get() returns a non-string (with origins "*")', () => {
    for (const odd of [Symbol('o'), throwingToString]) {
      const request = { method: 'GET', headers: { get: (n: string) => (n === 'origin' ? odd : null) } };
      for (const policy of policies) {
        expect(() => policy.explain(request as unknown as CorsRequest)).not.toThrow();
      }
    }
  });

  it('never rejects with an originLookup, for headers that read without throwing', async () => {
    const policy = policyOf({
      origins: [APP],
      methods: '*',
      requestHeaders: ['X-A'],
      originLookup: { lookup: (origin) => origin.length % 2 === 0, dependsOn: [] },
    });
    // Values that read without throwing (a getter or toString that throws after the lookup is the
    // directed test in the originLookup section).
    const safeValue = fc.oneof(
      stringValue,
      fc.array(stringValue, { maxLength: 4 }),
      fc.integer(),
      fc.constantFrom(undefined, null, true, {}, []),
    );
    const lookupHeaders = fc.record(
      {
        origin: fc.oneof(
          fc.constantFrom(
            APP,
            'https://t.example.net',
            'https://tt.example.net',
            'http://localhost:3000',
            'null',
          ),
          stringValue,
        ),
        'access-control-request-method': fc.oneof(fc.constantFrom('PUT', 'GET', 'patch'), stringValue),
        'access-control-request-headers': safeValue,
        'access-control-request-private-network': safeValue,
      },
      { requiredKeys: ['origin'] },
    );
    const plainRecord = fc.oneof(lookupHeaders, fc.dictionary(headerName, safeValue, { maxKeys: 6 }));
    const lookupMethod = fc.oneof(fc.constant('OPTIONS'), methodArb);
    await fc.assert(
      fc.asyncProperty(lookupMethod, plainRecord, async (method, headers) => {
        const d = await policy.decide({ method, headers } as CorsRequest);
        validDecision(d);
        const e = await policy.explain({ method, headers } as CorsRequest);
        expect(typeof e.message).toBe('string');
      }),
      { numRuns: 300 },
    );
  });
});

describe('explain()', () => {
  const main = policyOf({
    origins: [APP],
    credentials: true,
    methods: ['PUT'],
    requestHeaders: ['X-A'],
  });
  const star = policyOf({ origins: [APP], requestHeaders: '*' });
  const lookupFails = policyOf({
    origins: [APP],
    credentials: true,
    originLookup: {
      lookup: () => {
        throw new Error('db timeout');
      },
      dependsOn: [],
    },
  });

  // One request per reason code; the Record type makes the compiler insist on every code.
  const cases: Record<CorsReasonCode, [CorsPolicy, CorsRequest, RegExp[]]> = {
    allowed: [main, actual(APP), [/Allowed/, /app\.example\.com/]],
    'no-origin': [main, actual(undefined), [/No Origin header/, /not access control/]],
    'origin-null': [main, actual('null'), [/'null'/, /sandboxed/, /still reached your handler/]],
    'origin-malformed': [
      main,
      actual(`${APP}/`),
      [/'https:\/\/app\.example\.com\/'/, /not an origin a browser sends/],
    ],
    'origin-not-allowed': [
      main,
      actual(EVIL),
      [/evil\.example\.net/, /add 'https:\/\/evil\.example\.net' to origins/],
    ],
    'origin-insecure-with-credentials': [
      lookupFails,
      actual('http://tenant.example.net'),
      [/http:\/\/tenant\.example\.net/, /https/],
    ],
    'origin-lookup-failed': [
      lookupFails,
      actual('https://tenant.example.net'),
      [/tenant\.example\.net/, /db timeout/],
    ],
    'method-invalid': [main, preflight(APP, 'GE T'), [/'GE T'/, /not a method name/]],
    'method-not-allowed': [
      main,
      preflight(APP, 'DELETE'),
      [/DELETE/, /add 'DELETE' to methods/, /case-sensitive/],
    ],
    'request-headers-invalid': [
      main,
      preflight(APP, 'PUT', 'x a'),
      [/Access-Control-Request-Headers/, /app\.example\.com/],
    ],
    'request-headers-too-large': [
      main,
      preflight(APP, 'PUT', 'a,'.repeat(100)),
      [/more than 64 names or 4096 bytes/, /requestHeadersLimit/],
    ],
    'header-not-allowed': [
      main,
      preflight(APP, 'PUT', 'x-a, x-secret'),
      [/'x-secret'/, /add 'x-secret' to requestHeaders/],
    ],
    'authorization-needs-listing': [
      star,
      preflight(APP, 'GET', 'authorization'),
      [/Authorization/, /'\*' never covers/],
    ],
    'private-network-not-enabled': [
      main,
      preflight(APP, 'PUT', undefined, { 'access-control-request-private-network': 'true' }),
      [/private network/, /privateNetworkAccess: true/],
    ],
  };

  for (const [code, [policy, request, patterns]] of Object.entries(cases) as [
    CorsReasonCode,
    [CorsPolicy, CorsRequest, RegExp[]],
  ][]) {
    it(`explains ${code}`, async () => {
      const e = await policy.explain(request);
      const d = await policy.decide(request);
      expect(e.reason).toBe(code);
      expect(d.reason).toBe(code);
      expect(e.allowed).toBe(d.allowed);
      expect(e.kind).toBe(d.kind);
      for (const p of patterns) expect(e.message).toMatch(p);
    });
  }

  it('says that a denied actual request still ran, and a denied preflight stops the browser', () => {
    expect(explainSync(main, actual(EVIL, 'POST')).message).toMatch(/still reached your handler/);
    expect(explainSync(main, preflight(EVIL, 'PUT')).message).toMatch(/will not send the actual request/);
  });

  it('reports the origin, method, requested method and headers', () => {
    const e = explainSync(main, preflight(APP, 'PUT', 'x-a, X-B'));
    expect(e).toMatchObject({
      origin: APP,
      method: 'OPTIONS',
      requestedMethod: 'PUT',
      requestedHeaders: ['x-a', 'X-B'],
      header: 'x-b',
      reason: 'header-not-allowed',
    });
  });
});

describe('onDenied', () => {
  it('is called for denials only, with the explanation', async () => {
    const onDenied = vi.fn();
    const policy = policyOf({ origins: [APP], methods: ['PUT'], onDenied });
    decideSync(policy, actual(APP));
    decideSync(policy, preflight(APP, 'PUT'));
    decideSync(policy, actual(undefined));
    expect(onDenied).not.toHaveBeenCalled();
    decideSync(policy, actual(EVIL));
    decideSync(policy, preflight(APP, 'DELETE'));
    expect(onDenied).toHaveBeenCalledTimes(2);
    expect(onDenied.mock.calls[0]?.[0]).toMatchObject({
      reason: 'origin-not-allowed',
      origin: EVIL,
      allowed: false,
    });
    expect(onDenied.mock.calls[1]?.[0]).toMatchObject({
      reason: 'method-not-allowed',
      requestedMethod: 'DELETE',
    });
    expect(onDenied.mock.calls[1]?.[0].message).toMatch(/DELETE/);
  });

  it('is called for denials after an async lookup', async () => {
    const onDenied = vi.fn();
    const policy = policyOf({
      origins: [APP],
      onDenied,
      originLookup: { lookup: async () => false, dependsOn: [] },
    });
    await policy.decide(actual(EVIL));
    expect(onDenied).toHaveBeenCalledTimes(1);
    expect(onDenied.mock.calls[0]?.[0]).toMatchObject({ reason: 'origin-not-allowed', origin: EVIL });
  });

  it('is not called by explain()', () => {
    const onDenied = vi.fn();
    const policy = policyOf({ origins: [APP], onDenied });
    explainSync(policy, actual(EVIL));
    expect(onDenied).not.toHaveBeenCalled();
  });

  it('a throwing onDenied does not change the answer', async () => {
    const quiet = policyOf({ origins: [APP], methods: ['PUT'] });
    const loud = policyOf({
      origins: [APP],
      methods: ['PUT'],
      onDenied: () => {
        throw new Error('logger down');
      },
    });
    for (const r of [actual(EVIL), preflight(APP, 'DELETE'), actual('null'), actual(APP)]) {
      expect(decideSync(loud, r)).toEqual(decideSync(quiet, r));
    }
    const asyncLoud = policyOf({
      origins: [APP],
      originLookup: { lookup: async () => false, dependsOn: [] },
      onDenied: () => {
        throw new Error('logger down');
      },
    });
    await expect(Promise.resolve(asyncLoud.decide(actual(EVIL)))).resolves.toMatchObject({
      reason: 'origin-not-allowed',
    });
  });
});

describe('describe() and immutability', () => {
  it('returns the normalized config, deeply frozen', () => {
    const lookup = () => true;
    const policy = policyOf({
      origins: [APP, 'https://*.example.org'],
      credentials: true,
      methods: ['put', 'PATCH'],
      requestHeaders: ['X-Request-Id'],
      exposedHeaders: ['X-Total'],
      maxAge: 600,
      originLookup: { lookup, dependsOn: ['Host'] },
      onDenied: () => {},
    });
    const d = policy.describe();
    expect(d).toEqual({
      origins: [APP, 'https://*.example.org'],
      credentials: true,
      methods: ['PUT', 'PATCH'],
      requestHeaders: ['x-request-id'],
      exposedHeaders: ['x-total'],
      maxAge: 600,
      preflightStatus: 204,
      privateNetworkAccess: false,
      varyPreflight: false,
      originLookup: { dependsOn: ['host'] },
      dangerouslyAllowInsecureOriginsWithCredentials: false,
      dangerouslyAllowWildcardOverPublicSuffix: false,
      requestHeadersLimit: { maxNames: 64, maxBytes: 4096 },
      warnings: [{ path: 'methods[0]', message: '"put" is normalized to "PUT" (browsers uppercase it)' }],
    });
    expect(Object.isFrozen(d)).toBe(true);
    for (const part of [
      d.origins,
      d.methods,
      d.requestHeaders,
      d.exposedHeaders,
      d.originLookup,
      d.requestHeadersLimit,
      d.warnings,
      d.warnings[0],
    ]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    expect(() => {
      (d as { credentials: boolean }).credentials = false;
    }).toThrow(TypeError);
    expect(() => (d.origins as string[]).push('https://evil.example.net')).toThrow(TypeError);
    expect(policy.warnings).toBe(d.warnings);
    expect(JSON.stringify(d)).not.toContain('lookup"');
  });

  it('defaults', () => {
    expect(policyOf({ origins: '*' }).describe()).toMatchObject({
      origins: '*',
      credentials: false,
      methods: [],
      requestHeaders: [],
      exposedHeaders: [],
      maxAge: null,
      preflightStatus: 204,
      originLookup: null,
      warnings: [],
    });
  });

  it('the config the user passed can change afterwards without changing the policy', () => {
    const origins = [APP];
    const methods = ['PUT'];
    const policy = policyOf({ origins, methods });
    origins.push(EVIL);
    methods.push('DELETE');
    expect(decideSync(policy, actual(EVIL)).allowed).toBe(false);
    expect(decideSync(policy, preflight(APP, 'DELETE')).allowed).toBe(false);
    expect(policy.describe().origins).toEqual([APP]);
  });

  const mutationCases: [string, CorsPolicyConfig, CorsRequest][] = [
    [
      'an allowed actual response with credentials and exposed headers',
      { origins: [APP], credentials: true, exposedHeaders: ['X-Total'] },
      actual(APP),
    ],
    [
      'an allowed preflight with max-age',
      { origins: [APP], credentials: true, methods: ['PUT'], requestHeaders: ['X-A'], maxAge: 600 },
      preflight(APP, 'PUT', 'x-a'),
    ],
    [
      'a refused preflight',
      { origins: [APP], credentials: true, methods: ['PUT'] },
      preflight(APP, 'DELETE'),
    ],
    ['a public response', { origins: '*', exposedHeaders: ['X-Total'] }, actual(APP)],
    ['a public preflight', { origins: '*', methods: '*', maxAge: 60 }, preflight(APP, 'PATCH')],
    ['a request without Origin', { origins: [APP] }, actual(undefined)],
    // Refused origins share one frozen answer per reason.
    ['an actual request from a refused origin', { origins: [APP] }, actual(EVIL)],
    ['a preflight from a refused origin', { origins: [APP], methods: ['PUT'] }, preflight(EVIL, 'PUT')],
    ['an actual request from a malformed origin', { origins: [APP] }, actual('https://APP.example')],
  ];

  it.each(mutationCases)(
    'the headers and vary of %s are frozen; mutating them has no effect on later decisions',
    (_name, config, request) => {
      const policy = policyOf(config);
      const first = decideSync(policy, request);
      const snapshot = JSON.parse(JSON.stringify(first));
      expect(Object.isFrozen(first.headers)).toBe(true);
      expect(Object.isFrozen(first.vary)).toBe(true);
      const attempt = (f: () => void) => {
        try {
          f();
        } catch {
          // Throwing is one of the two acceptable outcomes.
        }
      };
      attempt(() => (first.headers as [string, string][]).push(['Set-Cookie', 'x=1']));
      attempt(() => (first.vary as string[]).push('Cookie'));
      attempt(() => ((first.vary as string[]).length = 0));
      for (const tuple of first.headers) {
        attempt(() => {
          (tuple as [string, string])[1] = 'tampered';
        });
        attempt(() => {
          (tuple as [string, string])[0] = 'X-Tampered';
        });
      }
      const later = decideSync(policy, request);
      expect(JSON.parse(JSON.stringify(later))).toEqual(snapshot);
    },
  );
});

describe('appendVary', () => {
  it('starts a Vary header', () => {
    expect(appendVary(undefined, ['Origin'])).toBe('Origin');
    expect(appendVary(null, ['Origin', 'Host'])).toBe('Origin, Host');
    expect(appendVary('', ['Origin'])).toBe('Origin');
  });

  it('appends to an existing string, never overwriting', () => {
    expect(appendVary('Accept-Encoding', ['Origin'])).toBe('Accept-Encoding, Origin');
    expect(appendVary('Accept-Encoding, Cookie', ['Origin', 'Host'])).toBe(
      'Accept-Encoding, Cookie, Origin, Host',
    );
  });

  it('appends to several header lines given as an array', () => {
    expect(appendVary(['Accept-Encoding', 'Cookie'], ['Origin'])).toBe('Accept-Encoding, Cookie, Origin');
    expect(appendVary(['Accept-Encoding, Origin'], ['Origin'])).toBe('Accept-Encoding, Origin');
  });

  it("leaves '*' alone: it already varies on everything", () => {
    expect(appendVary('*', ['Origin'])).toBe('*');
    expect(appendVary('Accept, *', ['Origin'])).toBe('Accept, *');
    expect(appendVary(['Accept', '*'], ['Origin'])).toBe('Accept, *');
  });

  it('skips tokens already present, case-insensitively, and duplicates among the new tokens', () => {
    expect(appendVary('origin', ['Origin'])).toBe('origin');
    expect(appendVary('Accept,ORIGIN', ['Origin', 'Host'])).toBe('Accept, ORIGIN, Host');
    expect(appendVary(undefined, ['Origin', 'origin', 'ORIGIN'])).toBe('Origin');
    expect(appendVary('Accept', [])).toBe('Accept');
  });

  it('handles a numeric header value and empty items', () => {
    expect(appendVary(5, ['Origin'])).toBe('5, Origin');
    expect(appendVary('Accept,, ,Cookie', ['Origin'])).toBe('Accept, Cookie, Origin');
  });

  it("combines with a decision's vary tokens", () => {
    const policy = policyOf({ origins: [APP], varyPreflight: true });
    const d = decideSync(policy, preflight(APP, 'GET'));
    expect(appendVary('Accept-Encoding', d.vary)).toBe(
      'Accept-Encoding, Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    );
  });
});

describe('nodeRequestDecider (what the node, express and hono adapters call)', () => {
  const policy = createCorsPolicy({
    origins: [APP],
    credentials: true,
    methods: ['PUT'],
    requestHeaders: ['content-type'],
    privateNetworkAccess: true,
  });
  // Requests as Node hands them over: header names lowercase, rawHeaders present.
  const node = (method: string, headers: Record<string, string>) => ({
    method,
    headers,
    rawHeaders: Object.entries(headers).flat(),
  });
  const requests = [
    node('GET', {}),
    node('GET', { origin: APP }),
    node('GET', { origin: EVIL }),
    node('OPTIONS', { origin: APP }),
    node('OPTIONS', { origin: APP, 'access-control-request-method': 'PUT' }),
    node('OPTIONS', {
      origin: APP,
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'content-type',
      'access-control-request-private-network': 'true',
    }),
    node('OPTIONS', { origin: APP, 'access-control-request-method': 'DELETE' }),
    node('OPTIONS', {
      origin: APP,
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'x-nope',
    }),
  ];

  it("answers exactly as decide() for Node's requests", () => {
    const decide = nodeRequestDecider(policy);
    for (const r of requests) expect(decide(r)).toEqual(policy.decide(r));
  });

  // An actual request from an origin answered before takes a short way (knownActualAnswer): the same
  // answers, asked twice and in every order, whatever the policy.
  it.each([
    ['a list of origins', { origins: [APP], credentials: true, exposedHeaders: ['x-total'] }],
    ["origins '*'", { origins: '*' as const }],
    ['a pattern', { origins: ['https://*.example.com'] }],
  ])('answers as decide() on the second asking too, with %s', (_name, config) => {
    const p = createCorsPolicy(config);
    const decide = nodeRequestDecider(p);
    const asked = [
      node('GET', { origin: APP }),
      node('POST', { origin: EVIL }),
      node('GET', { origin: '' }),
      node('GET', { origin: 'null' }),
      node('DELETE', { origin: 'https://x.example.com' }),
      node('GET', { origin: `https://${'a'.repeat(300)}.example.com` }),
      node('OPTIONS', { origin: APP }),
      node('OPTIONS', { origin: EVIL, 'access-control-request-method': 'GET' }),
    ];
    for (const r of [...asked, ...asked, ...[...asked].reverse()]) expect(decide(r)).toEqual(p.decide(r));
  });

  it('tells onDenied of every refusal, the same origin again included', () => {
    const onDenied = vi.fn();
    const p = createCorsPolicy({ origins: [APP], onDenied });
    const decide = nodeRequestDecider(p);
    for (let i = 0; i < 3; i++)
      expect((decide(node('GET', { origin: EVIL })) as CorsDecision).allowed).toBe(false);
    expect(onDenied).toHaveBeenCalledTimes(3);
  });

  it('asks the originLookup every time: an origin it allowed once may be refused the next', async () => {
    let answer = true;
    const lookup = vi.fn(async () => answer);
    const p = createCorsPolicy({ origins: [APP], originLookup: { lookup, dependsOn: [] } });
    const decide = nodeRequestDecider(p);
    const r = node('GET', { origin: 'https://partner.example.org' });
    expect((await decide(r)).allowed).toBe(true);
    answer = false;
    expect((await decide(r)).allowed).toBe(false);
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('answers a request that throws when read as decide() does', () => {
    const decide = nodeRequestDecider(policy);
    const r = {
      method: 'GET',
      get headers(): Record<string, string> {
        throw new Error('no headers');
      },
    };
    expect(decide(r as CorsRequest)).toEqual(policy.decide(r as CorsRequest));
  });

  it('does not read rawHeaders (the lookup it saves)', () => {
    const decide = nodeRequestDecider(policy);
    const read = vi.fn(() => []);
    const r = { method: 'GET', headers: { origin: APP } };
    Object.defineProperty(r, 'rawHeaders', { get: read });
    expect((decide(r) as CorsDecision).allowed).toBe(true);
    expect(read).not.toHaveBeenCalled();
    policy.decide(r);
    expect(read).toHaveBeenCalled();
  });

  it("falls back to a policy's own decide() when the policy was not made by createCorsPolicy", () => {
    const own = { ...policy, decide: vi.fn((r: CorsRequest) => policy.decide(r)) } as CorsPolicy;
    const r = requests[1] as CorsRequest;
    expect(nodeRequestDecider(own)(r)).toEqual(policy.decide(r));
    expect(own.decide).toHaveBeenCalledWith(r);
  });
});
