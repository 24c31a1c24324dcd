// The built package, as users import and run it: every entry point resolves through package.json
// `exports`, `corskit/spec` offers every function of the standards engine, and the bin works.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const run = promisify(execFile);

function requireBuild(): void {
  if (!existsSync(join(ROOT, 'dist/index.js')))
    throw new Error('dist/ is missing: run `npm run build` (npm test does)');
}

/** Imports a subpath by the package's own name, as a user would (package self-reference). */
const load = (specifier: string): Promise<Record<string, unknown>> => import(/* @vite-ignore */ specifier);

const SPEC_FUNCTIONS = [
  'originOfUrl',
  'parseOriginHeader',
  'serializeOrigin',
  'createOpaqueOrigin',
  'isSameOrigin',
  'obtainSite',
  'isSameSite',
  'isSchemelesslySameSite',
  'registrableDomain',
  'serializeSite',
  'normalizeMethod',
  'isCorsSafelistedMethod',
  'isForbiddenMethod',
  'isMethod',
  'isHeaderName',
  'isHeaderValue',
  'normalizeHeaderValue',
  'getHeader',
  'extractHeaderListValues',
  'getDecodeSplit',
  'isCorsSafelistedRequestHeader',
  'parseSingleRangeHeaderValue',
  'corsUnsafeRequestHeaderNames',
  'isCorsUnsafeRequestHeaderByte',
  'isForbiddenRequestHeader',
  'isForbiddenResponseHeaderName',
  'isNoCorsSafelistedRequestHeader',
  'isCorsNonWildcardRequestHeaderName',
  'isRequestBodyHeaderName',
  'planFetch',
  'isCorsPreflightNeeded',
  'corsPreflightRequest',
  'validatePreflightResponse',
  'preflightMaxAge',
  'parseDeltaSeconds',
  'isOkStatus',
  'isRedirectStatus',
  'corsCheck',
  'corsExposedHeaderNames',
  'isCorsSafelistedResponseHeaderName',
  'visibleResponseHeaderNames',
  'CorsPreflightCache',
  'httpRedirectFetch',
  'locationUrl',
  'includesCredentials',
  'redirectRewritesToGet',
  'consoleMessage',
  'chromeErrorDetail',
  'toPreflightCode',
  'browserProfile',
  'serializeRequestOrigin',
  'authorRequestHeaders',
];

describe('the built package', () => {
  it('corskit/spec exports every function of the standards engine', async () => {
    requireBuild();
    const spec = await load('corskit/spec');
    for (const name of SPEC_FUNCTIONS) expect(typeof spec[name], name).toBe('function');
    expect(Object.keys(spec.BROWSER_PROFILES as object).sort()).toEqual([
      'chrome',
      'firefox',
      'safari',
      'spec',
    ]);
    expect((spec.CORS_ERROR_CODES as string[]).length).toBeGreaterThan(20);
  });

  it('every entry point in package.json exports resolves and exports something real', async () => {
    requireBuild();
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    const expected: Record<string, string> = {
      '.': 'createCorsPolicy',
      './spec': 'corsCheck',
      './browser': 'simulate',
      './testing': 'expectCors',
      './doctor': 'runCheck',
      './audit': 'runAudit',
      './web': 'withCors',
      './node': 'cors',
      './express': 'cors',
      './fastify': 'cors',
      './koa': 'cors',
      './hono': 'cors',
    };
    const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json');
    expect(subpaths.sort()).toEqual(Object.keys(expected).sort());
    for (const subpath of subpaths) {
      const mod = await load(subpath === '.' ? 'corskit' : `corskit/${subpath.slice(2)}`);
      expect(typeof mod[expected[subpath] as string], `${subpath} exports ${expected[subpath]}`).toBe(
        'function',
      );
    }
  });

  // scripts/bundle.mjs: the root and each adapter are one file over a shared core.js, so that importing an
  // adapter loads two files (BENCHMARKS.md, Startup) and the policy's classes and state exist once.
  it('the root and every adapter load one file each over core.js, and share its classes and state', async () => {
    requireBuild();
    const runtime = ['index', 'node', 'express', 'fastify', 'koa', 'hono', 'web'];
    for (const name of runtime) {
      const text = readFileSync(join(ROOT, `dist/bundle/${name}.js`), 'utf8');
      const relative = [...text.matchAll(/\bfrom\s*"(\.[^"]*)"/g)].map((m) => m[1]);
      expect(new Set(relative), name).toEqual(new Set(['./core.js']));
    }
    // In a fresh process, by the package's name: a config error thrown by any adapter is the root's
    // CorsConfigError, and the list given to the root's usePublicSuffixList is the one every adapter uses
    // (here a list in which example.com is a public suffix, so *.example.com must be refused).
    const code = `const { CorsConfigError, usePublicSuffixList } = await import('corskit');
usePublicSuffixList((host) => (host === 'example.com' || host.endsWith('.example.com') ? null : host));
const make = {
  node: (m) => m.cors, express: (m) => m.cors, fastify: (m) => m.cors, koa: (m) => m.cors, hono: (m) => m.cors,
  web: (m) => (config) => m.withCors(() => new Response('ok'), config),
};
const out = [];
for (const [name, pick] of Object.entries(make)) {
  const create = pick(await import('corskit/' + name));
  for (const origins of [['not an origin'], ['https://*.example.com']]) {
    try { create({ origins }); out.push(name + ': accepted'); }
    catch (e) { out.push(name + ': ' + (e instanceof CorsConfigError ? 'CorsConfigError' : String(e))); }
  }
}
console.log(JSON.stringify(out));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT });
    expect(JSON.parse(stdout)).toEqual(
      ['node', 'express', 'fastify', 'koa', 'hono', 'web'].flatMap((n) => [
        `${n}: CorsConfigError`,
        `${n}: CorsConfigError`,
      ]),
    );
  });

  it('`corskit simulate` runs examples/scenarios.json: text, --json, and exit codes', async () => {
    requireBuild();
    const file = join(ROOT, 'examples/scenarios.json');
    const json = await run(process.execPath, [CLI, 'simulate', file, '--json']).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect((json as { code?: number }).code).toBe(1); // the first scenario is blocked
    const results = JSON.parse((json as { stdout: string }).stdout) as Record<string, unknown>[];
    expect(results[0]).toMatchObject({
      name: 'PUT with a custom header and credentials; the preflight answer names the origin only: blocked',
      outcome: 'blocked',
      preflight: {
        sent: true,
        requestHeaders: {
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'content-type,x-trace',
        },
      },
      actualSent: false,
      error: { code: 'PreflightInvalidAllowCredentials' },
    });
    expect(results[1]).toMatchObject({ outcome: 'allowed', status: 200, visibleHeaders: ['content-type'] });
    const text = await run(process.execPath, [CLI, 'simulate', file], {
      env: { ...process.env, NO_COLOR: '1' },
    }).catch((e: { stdout: string }) => e);
    expect((text as { stdout: string }).stdout).toContain('BLOCKED (PreflightInvalidAllowCredentials)');
    expect((text as { stdout: string }).stdout).not.toContain('\x1b[');
  });

  it('a malformed scenario names the field and exits 2', async () => {
    requireBuild();
    const child = execFile(process.execPath, [CLI, 'simulate', '-']);
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    child.stdin?.end(
      JSON.stringify({
        origin: 'http://a.test',
        request: { url: 'http://b.test/', mode: 'sideways' },
        server: {},
      }),
    );
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(
      'corskit: -: scenario.request.mode: must be one of cors, no-cors, same-origin',
    );
  });
});
