// compareOrigins (spec/origin.ts): two origins part by part, with the rules that applied, from
// test/vectors/origin-compare.json; and the shape `check --json` promises.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CompareOriginsOptions, compareOrigins } from '../../src/spec/index.js';

interface Vector {
  page: string;
  target: string;
  options?: CompareOriginsOptions;
  note: string;
  expect: Record<string, unknown>;
  /** Each must be the start of (or inside) one of the comparison's notes. */
  notes: string[];
}
const VECTORS: Vector[] = JSON.parse(
  readFileSync(new URL('../vectors/origin-compare.json', import.meta.url), 'utf8'),
);

describe('compareOrigins vectors', () => {
  it.each(VECTORS.map((v) => [v.note, v] as const))('%s', (_note, v) => {
    const c = compareOrigins(v.page, v.target, v.options);
    expect(c).toMatchObject(v.expect);
    for (const n of v.notes)
      expect(
        c.notes.some((x) => x.includes(n)),
        `${n} in ${c.notes}`,
      ).toBe(true);
  });

  it('has exactly the keys check --json promises', () => {
    expect(Object.keys(compareOrigins('https://a.example', 'https://b.example/'))).toEqual([
      'page',
      'target',
      'scheme',
      'host',
      'port',
      'sameOrigin',
      'sameSite',
      'schemelesslySameSite',
      'notes',
    ]);
  });

  it('sameOrigin holds exactly when scheme, host and port are all equal', () => {
    for (const v of VECTORS.filter((x) => x.options === undefined)) {
      const c = compareOrigins(v.page, v.target);
      expect(c.sameOrigin, v.note).toBe(c.scheme.equal && c.host.equal && c.port.equal);
    }
  });

  it('reads a hostile URL in linear time, without throwing', () => {
    const long = `https://${'a'.repeat(100_000)}@${':'.repeat(50_000)}`;
    expect(() => compareOrigins(long, long)).not.toThrow();
    expect(compareOrigins('not a url', 'https://a.example/').notes.join(' ')).toMatch(/not a URL/);
  });
});
