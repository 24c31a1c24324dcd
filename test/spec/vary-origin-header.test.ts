import { describe, expect, it } from 'vitest';
import { appendsRequestOriginHeader, variesOnOrigin, varyFieldNames } from '../../src/spec/index.js';

describe('varyFieldNames / variesOnOrigin', () => {
  it.each([
    [[['Vary', 'Origin']], true],
    [[['vary', 'accept-encoding, ORIGIN']], true],
    [
      [
        ['Vary', 'Accept-Encoding'],
        ['Vary', 'Origin'],
      ],
      true,
    ],
    [[['Vary', '*']], true],
    [[['Vary', 'Origins']], false],
    [[['Vary', 'Accept-Encoding']], false],
    [[], false],
  ] as [[string, string][], boolean][])('%j -> %s', (headers, expected) => {
    expect(variesOnOrigin(headers)).toBe(expected);
  });

  it('lowercases, skips empty elements, and reads several lines', () => {
    expect(
      varyFieldNames([
        ['Vary', 'Accept, ,Origin'],
        ['VARY', 'Cookie'],
      ]),
    ).toEqual(['accept', 'origin', 'cookie']);
  });
});

describe('appendsRequestOriginHeader (Fetch: append a request Origin header)', () => {
  it.each([
    ['cors', 'GET', true],
    ['cors', 'HEAD', true],
    ['basic', 'GET', false],
    ['basic', 'HEAD', false],
    ['basic', 'POST', true],
    ['opaque', 'GET', false],
    ['opaque', 'POST', true],
    ['basic', 'patch', true],
  ] as const)('tainting %s, %s -> %s', (tainting, method, expected) => {
    expect(appendsRequestOriginHeader(tainting, method)).toBe(expected);
  });
});
