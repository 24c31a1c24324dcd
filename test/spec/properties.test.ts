import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  corsUnsafeRequestHeaderNames,
  extractHeaderListValues,
  getDecodeSplit,
  originOfUrl,
  parseOriginHeader,
  serializeOrigin,
} from '../../src/spec/index.js';

const scheme = fc.constantFrom('http', 'https', 'ws', 'wss', 'ftp', 'HTTP', 'Https');
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const dnsHost = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
const ipv4Odd = fc.oneof(
  fc.nat(0xffffffff).map((n) => String(n)),
  fc.nat(0xffffffff).map((n) => `0x${n.toString(16)}`),
  fc.tuple(fc.nat(255), fc.nat(0xffffff)).map(([a, b]) => `${a}.${b}`),
);
const ipv6 = fc.ipV6().map((a) => `[${a}]`);
const idn = fc.constantFrom(
  'bücher.de',
  'münchen.example',
  '日本.jp',
  'xn--bcher-kva.de',
  'ÉXAMPLE.com',
  'пример.рф',
);
const host = fc.oneof(
  dnsHost,
  ipv4,
  ipv4Odd,
  ipv6,
  idn,
  dnsHost.map((h) => `${h}.`),
  dnsHost.map((h) => h.toUpperCase()),
);
const port = fc.option(fc.oneof(fc.nat(65535), fc.constantFrom(80, 443, 21)), { nil: undefined });
const rest = fc.constantFrom('', '/', '/a/b?c=d', '#frag', '/x?y#z', '?q');
const userinfo = fc.constantFrom('', 'user@', 'user:pass@');

describe('origins (property)', () => {
  it('serializeOrigin(originOfUrl(x)) equals new URL(x).origin for generated URLs', () => {
    fc.assert(
      fc.property(scheme, userinfo, host, port, rest, (s, u, h, p, r) => {
        const input = `${s}://${u}${h}${p === undefined ? '' : `:${p}`}${r}`;
        let expected: string | null;
        try {
          expected = new URL(input).origin;
        } catch {
          expected = null;
        }
        const origin = originOfUrl(input);
        if (expected === null) {
          expect(origin).toBeNull();
          return;
        }
        expect(origin).not.toBeNull();
        expect(serializeOrigin(origin!)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('an origin serialization always parses back as an Origin header to itself', () => {
    fc.assert(
      fc.property(fc.constantFrom('http', 'https'), host, port, (s, h, p) => {
        let serialized: string;
        try {
          serialized = new URL(`${s}://${h}${p === undefined ? '' : `:${p}`}`).origin;
        } catch {
          return;
        }
        const parsed = parseOriginHeader(serialized);
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(serializeOrigin(parsed.origin)).toBe(serialized);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('header lists (property)', () => {
  const listChar = fc.constantFrom(',', ' ', '\t', 'a', 'B', '-', '"', '(', '\u00ff', '*', '\\', '\r');
  const listString = fc.array(listChar, { maxLength: 400 }).map((cs) => cs.join(''));

  it('extractHeaderListValues never throws and does work linear in its input', () => {
    fc.assert(
      fc.property(fc.array(listString, { minLength: 1, maxLength: 4 }), (lines) => {
        const counter = { steps: 0 };
        const limits = { maxElements: Number.POSITIVE_INFINITY, maxBytes: Number.POSITIVE_INFINITY, counter };
        const result = extractHeaderListValues(lines, limits);
        expect(result).not.toBeNull();
        const bytes = lines.reduce((n, l) => n + l.length, 0);
        // One step per character plus one per element boundary: at most 2 per byte plus one per line.
        expect(counter.steps).toBeLessThanOrEqual(2 * bytes + lines.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('the step count grows linearly with a pathological input (1 MiB of commas)', () => {
    const sizes = [1024, 16 * 1024, 1024 * 1024];
    const steps = sizes.map((n) => {
      const counter = { steps: 0 };
      extractHeaderListValues(','.repeat(n), { maxBytes: Number.POSITIVE_INFINITY, counter });
      return counter.steps;
    });
    for (let i = 0; i < sizes.length; i++) expect(steps[i]).toBeLessThanOrEqual(sizes[i]! + 1);
    // 1024 times the input costs 1024 times the steps, within 1%.
    expect(Math.abs(steps[2]! / steps[0]! / (sizes[2]! / sizes[0]!) - 1)).toBeLessThan(0.01);
  });

  it('caps stop work early: over maxBytes the input is refused without being split', () => {
    const counter = { steps: 0 };
    const result = extractHeaderListValues('a,'.repeat(1 << 20), { maxBytes: 65_536, counter });
    expect(result).toEqual({ ok: false, reason: 'too-many-bytes' });
    expect(counter.steps).toBe(0);
  });

  it('every element extracted is a token with no surrounding whitespace', () => {
    fc.assert(
      fc.property(listString, (line) => {
        const result = extractHeaderListValues(line, { maxElements: 10_000, maxBytes: 10_000 });
        if (result?.ok) for (const v of result.values) expect(v).toMatch(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/);
      }),
    );
  });

  it('getDecodeSplit never throws and keeps every non-separator character', () => {
    fc.assert(
      fc.property(listString, (line) => {
        const parts = getDecodeSplit(line);
        expect(parts.length).toBeGreaterThanOrEqual(1);
      }),
    );
  });
});

describe('CORS-unsafe request-header names (property)', () => {
  const name = fc.oneof(
    fc.constantFrom(
      'Accept',
      'accept',
      'Content-Type',
      'X-Trace',
      'x-trace',
      'X-TRACE',
      'Range',
      'DPR',
      'Authorization',
    ),
    fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,12}$/),
  );
  const value = fc.oneof(
    fc.constantFrom('*/*', 'text/plain', 'application/json', 'bytes=0-10', '2.0', 'x'.repeat(129), 'a"b'),
    fc.string({ maxLength: 200 }),
  );
  it('come out lowercased, deduplicated and sorted by bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 20 }), (headers) => {
        const names = corsUnsafeRequestHeaderNames(headers);
        expect(names).toEqual([...new Set(names)]);
        for (const n of names) expect(n).toBe(n.toLowerCase());
        const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        expect(names).toEqual(sorted);
        // Every name listed is one of the request's names.
        const lowered = new Set(headers.map(([n]) => n.toLowerCase()));
        for (const n of names) expect(lowered.has(n)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
