// Hostile input stays cheap: Origin and Access-Control-Request-Method are refused by length before they
// are hashed or scanned. Counted, not timed: spies record the longest string each step is handed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const seen = vi.hoisted(() => ({ methodScans: [] as number[] }));
vi.mock('../../src/spec/methods.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/spec/methods.js')>();
  return {
    ...actual,
    isMethod: (value: string) => {
      seen.methodScans.push(value.length);
      return actual.isMethod(value);
    },
    isCorsSafelistedMethod: (value: string) => {
      seen.methodScans.push(value.length);
      return actual.isCorsSafelistedMethod(value);
    },
  };
});

import {
  CorsConfigError,
  type CorsDecision,
  type CorsPolicy,
  type CorsRequest,
  createCorsPolicy,
  MAX_METHOD_LENGTH,
  MAX_ORIGIN_LENGTH,
} from '../../src/index.js';
import { OriginMatcher } from '../../src/policy/origins.js';
import { nodeRequestDecider } from '../../src/policy/policy.js';

const APP = 'https://app.example.com';

function decideSync(policy: CorsPolicy, request: CorsRequest): CorsDecision {
  const d = policy.decide(request);
  expect(d).not.toBeInstanceOf(Promise);
  return d as CorsDecision;
}

/** The longest string handed to Set/Map lookups (hashing) while `run` runs. */
function longestHashed(run: () => void): number {
  let longest = 0;
  const note = (key: unknown): void => {
    if (typeof key === 'string' && key.length > longest) longest = key.length;
  };
  // Wrap the real methods: record the key, then call the original.
  const realSetHas = Set.prototype.has;
  const realMapGet = Map.prototype.get;
  const realMapHas = Map.prototype.has;
  Set.prototype.has = function (this: Set<unknown>, k: unknown) {
    note(k);
    return realSetHas.call(this, k);
  };
  Map.prototype.get = function (this: Map<unknown, unknown>, k: unknown) {
    note(k);
    return realMapGet.call(this, k);
  };
  Map.prototype.has = function (this: Map<unknown, unknown>, k: unknown) {
    note(k);
    return realMapHas.call(this, k);
  };
  try {
    run();
  } finally {
    Set.prototype.has = realSetHas;
    Map.prototype.get = realMapGet;
    Map.prototype.has = realMapHas;
  }
  return longest;
}

beforeEach(() => {
  seen.methodScans.length = 0;
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('Origin: capped before hashing', () => {
  const policy = createCorsPolicy({ origins: [APP, 'https://*.example.org', 'http://localhost:*'] });
  const hostile = [
    `https://${'a'.repeat(8192)}.example.com`,
    `https://${'a.'.repeat(4096)}example.org`,
    `http://localhost:${'9'.repeat(8192)}`,
    'x'.repeat(MAX_ORIGIN_LENGTH + 1),
  ];

  it.each(hostile.map((o) => [o.length, o]))('a %i-character Origin is never looked up', (_n, origin) => {
    const matches = vi.spyOn(OriginMatcher.prototype, 'matches');
    let d: CorsDecision | undefined;
    const longest = longestHashed(() => {
      d = decideSync(policy, { method: 'GET', headers: { origin } });
    });
    expect(d).toMatchObject({ allowed: false, reason: 'origin-malformed', headers: [] });
    expect(matches).not.toHaveBeenCalled();
    expect(longest).toBeLessThanOrEqual(MAX_ORIGIN_LENGTH);
  });

  it.each(hostile.map((o) => [o.length, o]))(
    "a %i-character Origin is never looked up by the decider for Node's requests either",
    (_n, origin) => {
      const decide = nodeRequestDecider(policy);
      let d: CorsDecision | undefined;
      const longest = longestHashed(() => {
        for (let i = 0; i < 2; i++) d = decide({ method: 'GET', headers: { origin } }) as CorsDecision;
      });
      expect(d).toMatchObject({ allowed: false, reason: 'origin-malformed', headers: [] });
      expect(longest).toBeLessThanOrEqual(MAX_ORIGIN_LENGTH);
    },
  );

  it('the originLookup is not asked either', async () => {
    const lookup = vi.fn(() => true);
    const withLookup = createCorsPolicy({ origins: [APP], originLookup: { lookup, dependsOn: [] } });
    const d = await withLookup.decide({
      method: 'GET',
      headers: { origin: `https://${'a'.repeat(8192)}.com` },
    });
    expect(d.reason).toBe('origin-malformed');
    expect(lookup).not.toHaveBeenCalled();
  });

  it('an Origin of exactly the cap is still matched', () => {
    const host = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(60)}.io`;
    const origin = `https://${host}:65535`;
    expect(origin.length).toBe(MAX_ORIGIN_LENGTH);
    const p = createCorsPolicy({ origins: [origin] });
    expect(decideSync(p, { method: 'GET', headers: { origin } }).allowed).toBe(true);
  });

  it('a configured origin longer than any browser sends is a config problem', () => {
    const long = `https://${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(20)}.io`;
    expect(() => createCorsPolicy({ origins: [long] })).toThrow(CorsConfigError);
    expect(() => createCorsPolicy({ origins: [long] })).toThrow(/longer than any origin a browser sends/);
  });
});

describe('Access-Control-Request-Method: capped before scanning', () => {
  const preflight = (acrm: string): CorsRequest => ({
    method: 'OPTIONS',
    headers: { origin: APP, 'access-control-request-method': acrm },
  });

  it('with a method list, nothing longer than the longest listed method is scanned or hashed', () => {
    const policy = createCorsPolicy({ origins: [APP], methods: ['PUT', 'PROPFIND'] });
    let d: CorsDecision | undefined;
    const longest = longestHashed(() => {
      d = decideSync(policy, preflight('P'.repeat(8192)));
    });
    expect(d).toMatchObject({ allowed: false, reason: 'method-not-allowed' });
    expect(seen.methodScans.every((n) => n <= 'PROPFIND'.length)).toBe(true);
    expect(longest).toBeLessThanOrEqual(MAX_ORIGIN_LENGTH);
    // The listed method of that length still passes.
    expect(decideSync(policy, preflight('PROPFIND')).allowed).toBe(true);
  });

  it(`with methods '*', nothing longer than ${MAX_METHOD_LENGTH} characters is scanned`, () => {
    const policy = createCorsPolicy({ origins: [APP], methods: '*' });
    expect(decideSync(policy, preflight('P'.repeat(8192)))).toMatchObject({
      allowed: false,
      reason: 'method-invalid',
    });
    expect(seen.methodScans.every((n) => n <= MAX_METHOD_LENGTH)).toBe(true);
    expect(decideSync(policy, preflight('P'.repeat(MAX_METHOD_LENGTH))).allowed).toBe(true);
    expect(seen.methodScans).toContain(MAX_METHOD_LENGTH);
  });
});
