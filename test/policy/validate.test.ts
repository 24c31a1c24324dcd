// Validation of the server policy's configuration: every rejection, every warning, all problems at once,
// and messages that name the offending value and say what to write instead.
import { describe, expect, it } from 'vitest';
import {
  type ConfigProblem,
  CorsConfigError,
  type CorsPolicyConfig,
  createCorsPolicy,
} from '../../src/index.js';

const EXAMPLE = 'https://app.example.com';

/** Builds the policy and returns its problems; fails the test when the config is accepted. */
function problemsOf(config: unknown): readonly ConfigProblem[] {
  try {
    createCorsPolicy(config as CorsPolicyConfig);
  } catch (err) {
    expect(err).toBeInstanceOf(CorsConfigError);
    const e = err as CorsConfigError;
    expect(e.name).toBe('CorsConfigError');
    expect(e.problems.length).toBeGreaterThan(0);
    for (const p of e.problems) {
      expect(typeof p.path).toBe('string');
      expect(p.path.length).toBeGreaterThan(0);
      expect(p.message.length).toBeGreaterThan(0);
      expect(p.fix.length).toBeGreaterThan(0);
      // The thrown message repeats every problem with its path and fix.
      expect(e.message).toContain(`${p.path}: ${p.message}`);
      expect(e.message).toContain(p.fix);
    }
    expect(e.message).toContain(`(${e.problems.length} problem`);
    return e.problems;
  }
  throw new Error(`expected ${JSON.stringify(config)} to be rejected`);
}

/** The single problem of a config, at `path`. */
function onlyProblem(config: unknown, path: string): ConfigProblem {
  const problems = problemsOf(config);
  expect(problems.map((p) => p.path)).toEqual([path]);
  return problems[0] as ConfigProblem;
}

/** The single problem of an origins list holding one entry. */
const originProblem = (entry: string, extra: Partial<CorsPolicyConfig> = {}): ConfigProblem =>
  onlyProblem({ origins: [entry], ...extra }, 'origins[0]');

/** Actionable: the message names the offending value, the fix says what to write. */
function expectActionable(p: ConfigProblem, offending: string, fixContains?: string): void {
  expect(p.message).toContain(offending);
  expect(p.fix).not.toBe(p.message);
  expect(p.fix).toMatch(/^(write|remove|use|list|rename|serve|check|pass|set)\b/);
  if (fixContains !== undefined) expect(p.fix).toContain(fixContains);
}

const accepts = (config: CorsPolicyConfig) => createCorsPolicy(config);

describe('origins: presence and shape', () => {
  it('refuses a config without origins', () => {
    const p = onlyProblem({}, 'origins');
    expect(p.message).toMatch(/no origins/);
    expect(p.fix).toContain("origins: ['https://app.example.com']");
  });

  it('refuses an empty list', () => {
    const p = onlyProblem({ origins: [] }, 'origins');
    expect(p.message).toMatch(/no origins are allowed/);
    expect(p.fix).toMatch(/list the origins/);
  });

  it('accepts an empty list when an originLookup supplies the origins', () => {
    expect(() =>
      accepts({ origins: [], originLookup: { lookup: () => false, dependsOn: [] } }),
    ).not.toThrow();
  });

  it('refuses a string that is not "*", naming it', () => {
    const p = onlyProblem({ origins: EXAMPLE }, 'origins');
    expectActionable(p, `"${EXAMPLE}"`, 'origins: [');
  });

  it('refuses a non-string entry, at its index', () => {
    const p = onlyProblem({ origins: [EXAMPLE, 5] }, 'origins[1]');
    expectActionable(p, '5');
  });

  it('refuses a config that is not an object', () => {
    for (const bad of [null, undefined, 'https://a.com', 42, [EXAMPLE]]) {
      const p = onlyProblem(bad, '(config)');
      expect(p.message).toMatch(/must be an object/);
      expect(p.fix).toContain('origins');
    }
  });
});

describe('origins: values that are never an origin', () => {
  it("refuses 'null': anyone can produce it", () => {
    const p = originProblem('null');
    expect(p.message).toContain("'null'");
    expect(p.message).toMatch(/sandboxed iframes/);
    expect(p.fix).toMatch(/remove "null"/);
  });

  it.each([
    ['file:///home/me/index.html', 'file:'],
    ['ftp://files.example.com', 'ftp:'],
    ['chrome-extension://abcdefghijklmnop', 'chrome-extension:'],
    ['moz-extension://1234-5678', 'moz-extension:'],
    ['ws://app.example.com', 'ws:'],
    ['wss://app.example.com', 'wss:'],
    ['data://text', 'data:'],
  ])('refuses the non-http(s) scheme of %s', (entry, scheme) => {
    const p = originProblem(entry);
    expectActionable(p, scheme);
    expect(p.message).toMatch(/http and https only/);
    expect(p.fix).toMatch(/http\(s\)/);
  });

  it('refuses an entry without a scheme and suggests https', () => {
    const p = originProblem('app.example.com');
    expectActionable(p, '"app.example.com"', '"https://app.example.com"');
  });

  it.each([
    ['https://app.example.com/', /ends with a slash/],
    ['https://app.example.com/api', /path, query or fragment \("\/api"\)/],
    ['https://app.example.com?x=1', /path, query or fragment \("\?x=1"\)/],
    ['https://app.example.com#top', /path, query or fragment \("#top"\)/],
    ['https://app.example.com:8443/', /ends with a slash/],
  ])('refuses %s and gives the bare origin', (entry, message) => {
    const p = originProblem(entry);
    expect(p.message).toMatch(message);
    const bare = entry.includes(':8443') ? 'https://app.example.com:8443' : 'https://app.example.com';
    expectActionable(p, `"${entry}"`, `write "${bare}"`);
  });

  it.each(['https://user@app.example.com', 'https://user:secret@app.example.com'])(
    'refuses userinfo in %s',
    (entry) => {
      const p = originProblem(entry);
      expect(p.message).toMatch(/user name or password/);
      expectActionable(p, `"${entry}"`, 'write "https://app.example.com"');
      expect(p.fix).not.toContain('secret');
    },
  );

  it.each([
    ['http://app.example.com:80', '80', 'http://app.example.com'],
    ['https://app.example.com:443', '443', 'https://app.example.com'],
    ['http://[::1]:80', '80', 'http://[::1]'],
  ])('refuses the default port written out in %s', (entry, port, fixed) => {
    const p = originProblem(entry);
    expect(p.message).toMatch(new RegExp(`default port ${port}`));
    expectActionable(p, `"${entry}"`, `write "${fixed}"`);
  });

  it('refuses a zero-padded port', () => {
    const p = originProblem('https://app.example.com:08443');
    expectActionable(p, '"https://app.example.com:08443"', 'write "https://app.example.com:8443"');
  });

  it.each([
    ['http://0x7f.1', 'http://127.0.0.1'],
    ['http://127.1', 'http://127.0.0.1'],
    ['http://2130706433', 'http://127.0.0.1'],
    ['http://0177.0.0.1', 'http://127.0.0.1'],
    ['http://[0:0::1]', 'http://[::1]'],
    ['http://[0000:0000:0000:0000:0000:0000:0000:0001]', 'http://[::1]'],
  ])('refuses the non-canonical IP %s, giving the form browsers send', (entry, canonical) => {
    const p = originProblem(entry);
    expect(p.message).toMatch(/IP address in a non-canonical form/);
    expectActionable(p, canonical.slice('http://'.length), `write "${canonical}"`);
    expect(p.message).toContain(entry);
  });

  it.each([
    ['https://bücher.example', 'xn--bcher-kva.example'],
    ['https://*.bücher.de', 'xn--bcher-kva.de'],
    ['https://пример.рф', 'xn--e1afmkfd.xn--p1ai'],
  ])('refuses the Unicode host %s and names the punycode form', (entry, puny) => {
    const p = originProblem(entry);
    expect(p.message).toMatch(/Unicode host/);
    expect(p.message).toContain(puny);
    expectActionable(p, entry, puny);
  });

  it.each([
    ['https://App.Example.com', 'https://app.example.com'],
    ['HTTPS://app.example.com', 'https://app.example.com'],
    ['Http://localhost:3000', 'http://localhost:3000'],
    ['https://*.EXAMPLE.com', 'https://*.example.com'],
  ])('refuses upper case in %s', (entry, lower) => {
    const p = originProblem(entry);
    expect(p.message).toMatch(/upper-case/);
    expectActionable(p, entry, `write "${lower}"`);
  });

  it('refuses a trailing dot', () => {
    const p = originProblem('https://app.example.com.');
    expect(p.message).toMatch(/trailing dot/);
    expectActionable(p, '"https://app.example.com."', 'write "https://app.example.com"');
  });

  it('refuses a host that does not parse', () => {
    const p = originProblem('https://exa mple.com');
    expectActionable(p, '"https://exa mple.com"');
  });

  it('refuses a host written with percent-escapes', () => {
    const p = originProblem('https://%61pp.example.com');
    expectActionable(p, '"https://%61pp.example.com"', 'write "https://app.example.com"');
  });
});

describe('origins: wildcards', () => {
  it.each([
    'https://*example.com',
    'https://a.*.com',
    'https://*.*.example.com',
    'https://app.*',
    'https://*',
    '*.example.com',
    'https://example.com:8*',
  ])('refuses %s: only one leading "*." label or a ":*" port', (entry) => {
    const p = originProblem(entry);
    expectActionable(p, entry);
    if (entry.startsWith('https://')) {
      expect(p.message).toMatch(/wildcard that is not one leading "\*\." label/);
      expect(p.fix).toContain('"https://*.example.com"');
    }
  });

  it('refuses "*" inside a list', () => {
    const p = onlyProblem({ origins: [EXAMPLE, '*'] }, 'origins[1]');
    expect(p.message).toMatch(/"\*" must stand alone/);
    expect(p.fix).toMatch(/origins: "\*"/);
  });

  it('refuses "*" with credentials', () => {
    const p = onlyProblem({ origins: '*', credentials: true }, 'origins');
    expect(p.message).toContain('"*"');
    expect(p.message).toMatch(/credentials: true/);
    expect(p.fix).toMatch(/list the origins|credentials: false/);
  });

  it('accepts "*" without credentials, a leading "*." label, ":*", and both', () => {
    for (const origins of [
      '*' as const,
      ['https://*.example.com'],
      ['https://*.api.example.com'],
      ['https://example.com:*'],
      ['http://localhost:*'],
      ['https://*.example.com:*'],
      ['https://*.example.com:8443'],
    ]) {
      expect(() => accepts({ origins })).not.toThrow();
    }
  });

  it('refuses a wildcard in front of an IP address', () => {
    const problems = problemsOf({ origins: ['https://*.127.0.0.1'] });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain('https://*.127.0.0.1');
  });

  it.each([
    ['https://*.github.io', 'github.io'],
    ['https://*.co.uk', 'co.uk'],
    ['https://*.com', 'com'],
    ['https://*.s3.amazonaws.com', 's3.amazonaws.com'],
  ])('refuses %s over a public suffix without the opt-in', (entry, suffix) => {
    const p = originProblem(entry);
    expect(p.message).toContain(`public suffix "${suffix}"`);
    expectActionable(p, entry, 'dangerouslyAllowWildcardOverPublicSuffix: true');
    expect(p.fix).toContain(`yourname.${suffix}`);
  });

  it('accepts wildcards over public suffixes with dangerouslyAllowWildcardOverPublicSuffix', () => {
    const policy = accepts({
      origins: ['https://*.github.io', 'https://*.co.uk', 'https://*.com'],
      dangerouslyAllowWildcardOverPublicSuffix: true,
    });
    expect(policy.describe().dangerouslyAllowWildcardOverPublicSuffix).toBe(true);
    expect(policy.describe().origins).toEqual(['https://*.github.io', 'https://*.co.uk', 'https://*.com']);
  });
});

describe('origins: plain http with credentials', () => {
  it.each([
    ['http://app.example.com', 'https://app.example.com'],
    ['http://app.example.com:8080', 'https://app.example.com:8080'],
    ['http://*.example.com', 'https://*.example.com'],
    ['http://10.0.0.5', 'https://10.0.0.5'],
    ['http://192.168.1.1:3000', 'https://192.168.1.1:3000'],
  ])('refuses %s with credentials and suggests https', (entry, https) => {
    const p = originProblem(entry, { credentials: true });
    expect(p.message).toMatch(/plain http with credentials/);
    expectActionable(p, entry, `use "${https}"`);
    expect(p.fix).toContain('dangerouslyAllowInsecureOriginsWithCredentials: true');
  });

  it('accepts the same http origins without credentials', () => {
    expect(() =>
      accepts({ origins: ['http://app.example.com', 'http://*.example.com', 'http://10.0.0.5'] }),
    ).not.toThrow();
  });

  it('accepts them with credentials and dangerouslyAllowInsecureOriginsWithCredentials', () => {
    const policy = accepts({
      origins: ['http://app.example.com', 'http://*.example.com'],
      credentials: true,
      dangerouslyAllowInsecureOriginsWithCredentials: true,
    });
    expect(policy.describe().dangerouslyAllowInsecureOriginsWithCredentials).toBe(true);
  });

  it.each([
    'http://localhost',
    'http://localhost:3000',
    'http://localhost:*',
    'http://127.0.0.1',
    'http://127.0.0.1:8080',
    'http://127.0.0.2',
    'http://[::1]',
    'http://[::1]:5173',
    'http://app.localhost:3000',
    'http://*.localhost',
    'http://*.localhost:3000',
  ])('accepts the loopback origin %s with credentials', (entry) => {
    // Only this machine reaches a loopback host, so no network attacker can inject into it; every name
    // under .localhost is loopback (RFC 6761 §6.3, and browsers resolve it so), so nobody can register one.
    expect(() => accepts({ origins: [entry], credentials: true })).not.toThrow();
  });
});

describe('methods', () => {
  it.each(['CONNECT', 'TRACE', 'TRACK', 'track', 'Connect'])('refuses the forbidden method %s', (m) => {
    const p = onlyProblem({ origins: [EXAMPLE], methods: ['PUT', m] }, 'methods[1]');
    expect(p.message).toMatch(/forbidden method/);
    expectActionable(p, m, `remove "${m}"`);
  });

  it.each(['GE T', 'PUT\r\n', '', 'PÜT', 'a(b)', 'x:y'])('refuses %j, which is not a token', (m) => {
    const p = onlyProblem({ origins: [EXAMPLE], methods: [m] }, 'methods[0]');
    expect(p.message).toMatch(/not a method name/);
    expect(p.message).toContain(`"${m}"`);
    expect(p.fix).toMatch(/^write a method/);
  });

  it('refuses a non-string method', () => {
    const p = onlyProblem({ origins: [EXAMPLE], methods: [42] }, 'methods[0]');
    expectActionable(p, '42');
  });

  it('refuses "*" inside the list', () => {
    const p = onlyProblem({ origins: [EXAMPLE], methods: ['PUT', '*'] }, 'methods[1]');
    expect(p.message).toMatch(/must stand alone/);
    expect(p.fix).toContain('methods: "*"');
  });

  it('refuses a string other than "*"', () => {
    const p = onlyProblem({ origins: [EXAMPLE], methods: 'PUT' }, 'methods');
    expectActionable(p, '"PUT"', "methods: ['PUT', 'DELETE']");
  });
});

describe('request and exposed headers', () => {
  it.each(['Cookie', 'Host', 'Sec-Fetch-Mode', 'Proxy-Authorization', 'Origin', 'Content-Length'])(
    'refuses the forbidden request header %s',
    (h) => {
      const p = onlyProblem({ origins: [EXAMPLE], requestHeaders: ['X-Ok', h] }, 'requestHeaders[1]');
      expect(p.message).toMatch(/forbidden request header/);
      expectActionable(p, `"${h}"`, `remove "${h}"`);
    },
  );

  it.each(['Access-Control-Allow-Origin', 'access-control-request-method', 'Access-Control-Max-Age'])(
    'refuses the CORS header %s in requestHeaders',
    (h) => {
      const p = onlyProblem({ origins: [EXAMPLE], requestHeaders: [h] }, 'requestHeaders[0]');
      expect(p.message).toMatch(/CORS header/);
      expectActionable(p, `"${h}"`, `remove "${h}" from requestHeaders`);
    },
  );

  it.each(['Access-Control-Allow-Origin', 'Access-Control-Allow-Credentials'])(
    'refuses the CORS header %s in exposedHeaders',
    (h) => {
      const p = onlyProblem({ origins: [EXAMPLE], exposedHeaders: [h] }, 'exposedHeaders[0]');
      expect(p.message).toMatch(/CORS header/);
      expectActionable(p, `"${h}"`, `remove "${h}" from exposedHeaders`);
    },
  );

  it.each(['Set-Cookie', 'set-cookie', 'Set-Cookie2'])('refuses %s in exposedHeaders', (h) => {
    const p = onlyProblem({ origins: [EXAMPLE], exposedHeaders: [h] }, 'exposedHeaders[0]');
    expect(p.message).toMatch(/never readable by script/);
    expectActionable(p, `"${h}"`, `remove "${h}"`);
  });

  it.each(['X Trace', 'x:y', '', 'X-Ünicode', 'x-a\n'])(
    'refuses the header name %j, which is not a token',
    (h) => {
      for (const key of ['requestHeaders', 'exposedHeaders'] as const) {
        const p = onlyProblem({ origins: [EXAMPLE], [key]: [h] }, `${key}[0]`);
        expect(p.message).toMatch(/not a header name/);
        expect(p.message).toContain(`"${h}"`);
        expect(p.fix).toMatch(/^write a header name/);
      }
    },
  );

  it('refuses "*" inside a header list', () => {
    const p = onlyProblem({ origins: [EXAMPLE], requestHeaders: ['X-A', '*'] }, 'requestHeaders[1]');
    expect(p.message).toMatch(/must stand alone/);
    expect(p.fix).toContain('requestHeaders: "*"');
  });

  it('refuses "*" exposed with credentials, and accepts it without', () => {
    const p = onlyProblem({ origins: [EXAMPLE], credentials: true, exposedHeaders: '*' }, 'exposedHeaders');
    expect(p.message).toContain('"*"');
    expect(p.message).toMatch(/credentials/);
    expect(p.fix).toMatch(/^list the response headers/);
    expect(() => accepts({ origins: [EXAMPLE], exposedHeaders: '*' })).not.toThrow();
  });

  it('refuses header lists of the wrong type', () => {
    const problems = problemsOf({ origins: [EXAMPLE], requestHeaders: 5, exposedHeaders: 'X-A' });
    expect(problems.map((p) => p.path)).toEqual(['requestHeaders', 'exposedHeaders']);
    expectActionable(problems[0] as ConfigProblem, '5', "requestHeaders: ['X-Request-Id']");
    expectActionable(problems[1] as ConfigProblem, '"X-A"', "exposedHeaders: ['X-Request-Id']");
  });
});

describe('maxAge and preflightStatus', () => {
  it.each([-1, 86_401, 1e9, 1.5, 0.1, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses maxAge %s, naming each browser cap',
    (v) => {
      const p = onlyProblem({ origins: [EXAMPLE], maxAge: v }, 'maxAge');
      expect(p.message).toContain(String(v));
      expect(p.message).toMatch(/0 to 86400/);
      expect(p.message).toMatch(/Chrome caps it at 7200/);
      expect(p.message).toMatch(/Firefox at 86400/);
      expect(p.message).toMatch(/Safari at 600/);
      expect(p.fix).toMatch(/^write maxAge: \d+/);
    },
  );

  it('refuses maxAge written as a string', () => {
    const p = onlyProblem({ origins: [EXAMPLE], maxAge: '600' }, 'maxAge');
    expect(p.message).toContain('"600"');
  });

  it.each([0, 5, 600, 7200, 86_400])('accepts maxAge %s', (v) => {
    expect(accepts({ origins: [EXAMPLE], maxAge: v }).describe().maxAge).toBe(v);
  });

  it.each([201, 202, 400, 0, '204', null])('refuses preflightStatus %j', (v) => {
    const p = onlyProblem({ origins: [EXAMPLE], preflightStatus: v }, 'preflightStatus');
    expect(p.message).toContain(typeof v === 'string' ? `"${v}"` : String(v));
    expect(p.fix).toMatch(/preflightStatus: 204/);
  });

  it.each([200, 204] as const)('accepts preflightStatus %s', (v) => {
    expect(accepts({ origins: [EXAMPLE], preflightStatus: v }).describe().preflightStatus).toBe(v);
  });
});

describe('unknown options and wrong types', () => {
  it.each([
    ['origin', 'origins'],
    ['allowedOrigins', 'origins'],
    ['allowedMethods', 'methods'],
    ['allowMethods', 'methods'],
    ['allowedHeaders', 'requestHeaders'],
    ['headers', 'requestHeaders'],
    ['exposeHeaders', 'exposedHeaders'],
    ['allowCredentials', 'credentials'],
    ['optionsSuccessStatus', 'preflightStatus'],
    ['maxage', 'maxAge'],
    ['allowPrivateNetwork', 'privateNetworkAccess'],
  ])('refuses %s and suggests renaming it to %s', (key, rename) => {
    const p = onlyProblem({ origins: [EXAMPLE], [key]: true }, key);
    expectActionable(p, `"${key}"`, `rename it to "${rename}"`);
  });

  it('lists the known options for a key it cannot guess', () => {
    const p = onlyProblem({ origins: [EXAMPLE], frobnicate: 1 }, 'frobnicate');
    expectActionable(p, '"frobnicate"');
    for (const known of ['origins', 'credentials', 'methods', 'requestHeaders', 'exposedHeaders', 'maxAge']) {
      expect(p.fix).toContain(known);
    }
  });

  it.each([
    'credentials',
    'privateNetworkAccess',
    'varyPreflight',
    'dangerouslyAllowInsecureOriginsWithCredentials',
    'dangerouslyAllowWildcardOverPublicSuffix',
  ])('refuses a non-boolean %s', (key) => {
    for (const v of ['yes', 1, 0, null]) {
      const p = onlyProblem({ origins: [EXAMPLE], [key]: v }, key);
      expect(p.message).toMatch(/must be true or false/);
      expect(p.message).toContain(typeof v === 'string' ? `"${v}"` : String(v));
      expect(p.fix).toMatch(new RegExp(`^write ${key}: (true|false)$`));
    }
  });

  it('describes an object value in words a reader understands', () => {
    const p = onlyProblem({ origins: [EXAMPLE], exposedHeaders: { 'X-A': true } }, 'exposedHeaders');
    expect(p.message).not.toContain('[object Object]');
  });

  it('refuses bad requestHeadersLimit values and a non-function onDenied', () => {
    const problems = problemsOf({
      origins: [EXAMPLE],
      requestHeadersLimit: { maxNames: 0, maxBytes: 1e9 },
      onDenied: 'console.log',
    });
    expect(problems.map((p) => p.path)).toEqual([
      'requestHeadersLimit.maxNames',
      'requestHeadersLimit.maxBytes',
      'onDenied',
    ]);
    expect(problems[0]?.message).toMatch(/1 to 1024/);
    expect(problems[1]?.message).toMatch(/1 to 65536/);
    expect(problems[2]?.fix).toMatch(/onDenied: \(explanation\) =>/);
  });
});

describe('originLookup', () => {
  const lookup = () => true;

  it('refuses a lookup without dependsOn', () => {
    const p = onlyProblem({ origins: [EXAMPLE], originLookup: { lookup } }, 'originLookup.dependsOn');
    expect(p.message).toMatch(/Vary/);
    expect(p.fix).toContain('dependsOn: []');
  });

  it.each(['Host', ['Ho st'], [5]])(
    'refuses dependsOn %j, which is not a list of header names',
    (dependsOn) => {
      onlyProblem({ origins: [EXAMPLE], originLookup: { lookup, dependsOn } }, 'originLookup.dependsOn');
    },
  );

  it.each([5, null, {}, { dependsOn: [] }])('refuses originLookup %j without a lookup function', (v) => {
    const p = onlyProblem({ origins: [EXAMPLE], originLookup: v }, 'originLookup');
    expect(p.fix).toMatch(/lookup: async \(origin\)/);
  });

  it('refuses a lookup with origins "*"', () => {
    const p = onlyProblem({ origins: '*', originLookup: { lookup, dependsOn: [] } }, 'originLookup');
    expect(p.fix).toMatch(/remove originLookup/);
  });

  it('accepts a lookup with dependsOn and normalizes the names', () => {
    const policy = accepts({ origins: [EXAMPLE], originLookup: { lookup, dependsOn: ['Host', 'X-Tenant'] } });
    expect(policy.describe().originLookup).toEqual({ dependsOn: ['host', 'x-tenant'] });
  });
});

describe('every problem at once', () => {
  it('reports all problems of a config in one error, in order', () => {
    const problems = problemsOf({
      origins: [
        'null',
        'https://app.example.com/',
        'http://app.example.com',
        'https://*.github.io',
        'https://App.example.com',
        'https://ok.example.com',
        'file:///x',
      ],
      credentials: true,
      methods: ['PUT', 'TRACE', 'GE T'],
      requestHeaders: ['X-Ok', 'Cookie', 'Access-Control-Allow-Origin'],
      exposedHeaders: ['Set-Cookie'],
      maxAge: 100_000,
      preflightStatus: 201,
      allowedOrigins: [],
      originLookup: { lookup: () => true },
    });
    expect(problems.map((p) => p.path)).toEqual([
      'allowedOrigins',
      'origins[0]',
      'origins[1]',
      'origins[2]',
      'origins[3]',
      'origins[4]',
      'origins[6]',
      'methods[1]',
      'methods[2]',
      'requestHeaders[1]',
      'requestHeaders[2]',
      'exposedHeaders[0]',
      'maxAge',
      'preflightStatus',
      'originLookup.dependsOn',
    ]);
  });

  it('reports each bad origin of a list, not only the first', () => {
    const entries = [
      'null',
      'https://*example.com',
      'https://a.com:443',
      'https://a.com/x',
      'https://u@a.com',
    ];
    const problems = problemsOf({ origins: entries });
    expect(problems.map((p) => p.path)).toEqual(entries.map((_, i) => `origins[${i}]`));
    problems.forEach((p, i) => {
      if (i > 0) expect(p.message).toContain(entries[i]);
    });
  });
});

describe('warnings', () => {
  it('warns about duplicate origins, methods and headers', () => {
    const policy = accepts({
      origins: [EXAMPLE, 'https://api.example.com', EXAMPLE],
      methods: ['PUT', 'PUT'],
      requestHeaders: ['X-A', 'x-a'],
      exposedHeaders: ['X-B', 'X-b'],
    });
    expect(policy.warnings).toEqual([
      { path: 'origins[2]', message: `"${EXAMPLE}" repeats origins[0]` },
      { path: 'methods[1]', message: '"PUT" is listed twice' },
      { path: 'requestHeaders[1]', message: '"x-a" is listed twice' },
      { path: 'exposedHeaders[1]', message: '"X-b" is listed twice' },
    ]);
    expect(policy.describe().origins).toEqual([EXAMPLE, 'https://api.example.com']);
    expect(policy.describe().methods).toEqual(['PUT']);
    expect(policy.describe().requestHeaders).toEqual(['x-a']);
  });

  it('warns about exact entries that a wildcard or an any-port entry already covers', () => {
    const policy = accepts({
      origins: [
        'https://*.example.com',
        'https://a.example.com',
        'https://a.b.example.com',
        'https://example.com', // not covered: "*." needs one or more labels
        'http://a.example.com', // not covered: other scheme
        'https://a.example.com:8443', // not covered: other port
        'http://localhost:*',
        'http://localhost',
        'http://localhost:3000',
      ],
    });
    expect(policy.warnings.map((w) => w.path)).toEqual([
      'origins[1]',
      'origins[2]',
      'origins[7]',
      'origins[8]',
    ]);
    for (const w of policy.warnings) expect(w.message).toMatch(/already covered by a wildcard entry/);
    expect(policy.warnings[0]?.message).toContain('"https://a.example.com"');
  });

  it("warns that 'patch' is case-sensitive and keeps it as written", () => {
    const policy = accepts({ origins: [EXAMPLE], methods: ['patch'] });
    expect(policy.warnings).toHaveLength(1);
    expect(policy.warnings[0]?.path).toBe('methods[0]');
    expect(policy.warnings[0]?.message).toMatch(/"patch" is case-sensitive/);
    expect(policy.warnings[0]?.message).toContain('"PATCH"');
    expect(policy.describe().methods).toEqual(['patch']);
  });

  it("normalizes 'get' and 'Put' (fetch uppercases them) with a warning", () => {
    const policy = accepts({ origins: [EXAMPLE], methods: ['get', 'Put'] });
    expect(policy.describe().methods).toEqual(['GET', 'PUT']);
    expect(policy.warnings.map((w) => w.message)).toEqual([
      '"get" is normalized to "GET" (browsers uppercase it)',
      '"Put" is normalized to "PUT" (browsers uppercase it)',
    ]);
  });

  it('warns about safelisted response headers in exposedHeaders', () => {
    const policy = accepts({
      origins: [EXAMPLE],
      exposedHeaders: ['Content-Type', 'X-Total', 'cache-control'],
    });
    expect(policy.warnings).toEqual([
      { path: 'exposedHeaders[0]', message: '"Content-Type" is always readable; listing it changes nothing' },
      {
        path: 'exposedHeaders[2]',
        message: '"cache-control" is always readable; listing it changes nothing',
      },
    ]);
  });

  it('has no warnings for a clean config', () => {
    const policy = accepts({
      origins: [EXAMPLE, 'https://*.api.example.com'],
      credentials: true,
      methods: ['PUT', 'PATCH', 'DELETE'],
      requestHeaders: ['Content-Type', 'Authorization', 'X-Request-Id'],
      exposedHeaders: ['X-Total-Count'],
      maxAge: 600,
    });
    expect(policy.warnings).toEqual([]);
  });
});
