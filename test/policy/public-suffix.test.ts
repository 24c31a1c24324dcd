// The Public Suffix List (tldts) is loaded only when a configuration has `*.` patterns to check, and a
// runtime without a synchronous require gets a configuration error that says so instead of a crash.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

/** Runs a module in a fresh Node process (through tsx, so it can import src/) and returns its output. */
function fresh(code: string): string {
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: ROOT,
    encoding: 'utf8',
  }).trim();
}

const TLDTS_LOADED = "Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/tldts/'))";

describe('the Public Suffix List is loaded lazily', () => {
  it('importing corskit and building an exact-origin policy does not load it; a *. pattern does', () => {
    const out = fresh(`import { createRequire } from 'node:module';
const { createCorsPolicy } = await import('./src/index.ts');
const a = ${TLDTS_LOADED};
createCorsPolicy({ origins: ['https://app.example.com', 'http://localhost:*'] });
const b = ${TLDTS_LOADED};
createCorsPolicy({ origins: ['https://*.example.com'] });
const c = ${TLDTS_LOADED};
console.log(JSON.stringify([a, b, c]));`);
    expect(JSON.parse(out)).toEqual([false, false, true]);
  });
});

describe('without a synchronous require (a Workers bundle, a browser)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it('a *. pattern is a configuration error naming the field, exact origins still work', async () => {
    vi.resetModules();
    vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined as never);
    const { createCorsPolicy, CorsConfigError } = await import('../../src/index.js');
    expect(() => createCorsPolicy({ origins: ['https://*.example.com'] })).toThrow(CorsConfigError);
    try {
      createCorsPolicy({ origins: ['https://*.example.com'] });
    } catch (error) {
      expect((error as InstanceType<typeof CorsConfigError>).problems).toEqual([
        expect.objectContaining({
          path: 'origins[0]',
          message: expect.stringContaining('cannot be checked against the Public Suffix List'),
        }),
      ]);
    }
    expect(createCorsPolicy({ origins: ['https://app.example.com'] }).describe().origins).toEqual([
      'https://app.example.com',
    ]);
    // Accepting the risk explicitly needs no list.
    expect(() =>
      createCorsPolicy({
        origins: ['https://*.example.com'],
        dangerouslyAllowWildcardOverPublicSuffix: true,
      }),
    ).not.toThrow();
  });
});
