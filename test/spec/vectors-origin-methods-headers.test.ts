// Table-driven vectors for the origin, method and header rules of src/spec, written from the URL, HTML
// and Fetch standards (and, for the `chrome` profile, chromium-notes.md). The vectors live in
// test/vectors/{origin,methods,headers}.json: a JSON array with one case per line, each
// { fn, args, expect, profile?, note? }. Each `fn` maps to an adapter below, which calls the real
// function and turns Origin objects and result unions into plain JSON so vectors stay data.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  type BrowserProfile,
  browserProfile,
  corsUnsafeRequestHeaderNames,
  extractHeaderListValues,
  getDecodeSplit,
  type HeaderList,
  type HeaderListLimits,
  isCorsNonWildcardRequestHeaderName,
  isCorsSafelistedMethod,
  isCorsSafelistedRequestHeader,
  isForbiddenMethod,
  isForbiddenRequestHeader,
  isForbiddenResponseHeaderName,
  isHeaderName,
  isHeaderValue,
  isMethod,
  isNoCorsSafelistedRequestHeader,
  isSameOrigin,
  isSameSite,
  isSchemelesslySameSite,
  normalizeHeaderValue,
  normalizeMethod,
  type Origin,
  obtainSite,
  originOfUrl,
  parseOriginHeader,
  registrableDomain,
  serializeOrigin,
  serializeSite,
} from '../../src/spec/index.js';

interface VectorCase {
  readonly fn: string;
  readonly args: readonly unknown[];
  readonly expect: unknown;
  readonly profile?: string;
  readonly note?: string;
}

/** An adapter: runs one fn on JSON arguments; `profile` is the case's browser profile, if any. */
type Adapter = (args: readonly unknown[], profile: BrowserProfile | undefined) => unknown;

const VECTOR_FILES = ['origin.json', 'methods.json', 'headers.json'] as const;
const CASE_KEYS = new Set(['fn', 'args', 'expect', 'profile', 'note']);

// ---- argument helpers: a malformed vector throws, so it can never pass by accident ----

function fail(message: string): never {
  throw new TypeError(`malformed vector: ${message}`);
}

function arity(args: readonly unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) fail(`expected ${min}..${max} arguments, got ${args.length}`);
}

function str(args: readonly unknown[], i: number): string {
  const v = args[i];
  if (typeof v !== 'string') fail(`argument ${i} must be a string`);
  return v;
}

function noProfile(profile: BrowserProfile | undefined): void {
  if (profile !== undefined) fail('this fn takes no browser profile');
}

function headerList(v: unknown): HeaderList {
  if (!Array.isArray(v)) fail('a header list must be an array of [name, value] pairs');
  return v.map((pair: unknown): readonly [string, string] => {
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      typeof pair[0] !== 'string' ||
      typeof pair[1] !== 'string'
    ) {
      fail('a header must be a [name, value] pair of strings');
    }
    return [pair[0], pair[1]];
  });
}

function lines(v: unknown): string[] | null {
  if (v === null) return null;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) fail('lines must be null or strings');
  return v;
}

function limits(v: unknown): HeaderListLimits | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null) fail('limits must be an object');
  const out: { maxElements?: number; maxBytes?: number } = {};
  for (const [k, n] of Object.entries(v)) {
    if ((k !== 'maxElements' && k !== 'maxBytes') || typeof n !== 'number') fail(`bad limit ${k}`);
    out[k] = n;
  }
  return out;
}

function origin(url: string): Origin {
  const o = originOfUrl(url);
  if (o === null) fail(`${JSON.stringify(url)} is not a URL`);
  return o;
}

/** Two origins from one or two URLs; one URL means the origin compared with itself (same object). */
function originPair(args: readonly unknown[]): [Origin, Origin] {
  arity(args, 1, 2);
  const a = origin(str(args, 0));
  return [a, args.length === 1 ? a : origin(str(args, 1))];
}

// ---- adapters ----

const ADAPTERS: Readonly<Record<string, Adapter>> = {
  // origin.json
  originOfUrl: (args, p) => {
    noProfile(p);
    arity(args, 1);
    const o = originOfUrl(str(args, 0));
    return o === null ? null : serializeOrigin(o);
  },
  isSameOrigin: (args, p) => {
    noProfile(p);
    return isSameOrigin(...originPair(args));
  },
  isSameSite: (args, p) => {
    noProfile(p);
    return isSameSite(...originPair(args));
  },
  isSchemelesslySameSite: (args, p) => {
    noProfile(p);
    return isSchemelesslySameSite(...originPair(args));
  },
  obtainSite: (args, p) => {
    noProfile(p);
    arity(args, 1);
    return serializeSite(obtainSite(origin(str(args, 0))));
  },
  registrableDomain: (args, p) => {
    noProfile(p);
    arity(args, 1);
    return registrableDomain(str(args, 0));
  },
  parseOriginHeader: (args, p) => {
    noProfile(p);
    arity(args, 1);
    const r = parseOriginHeader(str(args, 0));
    return r.ok ? serializeOrigin(r.origin) : { error: true };
  },
  // methods.json
  normalizeMethod: (args, p) => {
    noProfile(p);
    arity(args, 1);
    return normalizeMethod(str(args, 0));
  },
  isCorsSafelistedMethod: (args, p) => {
    noProfile(p);
    arity(args, 1);
    return isCorsSafelistedMethod(str(args, 0));
  },
  normalizedIsCorsSafelistedMethod: (args, p) => {
    noProfile(p);
    arity(args, 1);
    return isCorsSafelistedMethod(normalizeMethod(str(args, 0)));
  },
  isForbiddenMethod: (args, p) => {
    noProfile(p);
    arity(args, 1);
    return isForbiddenMethod(str(args, 0));
  },
  isMethod: (args, p) => {
    noProfile(p);
    arity(args, 1);
    return isMethod(str(args, 0));
  },
  // headers.json
  isCorsSafelistedRequestHeader: (args, p) => {
    arity(args, 2);
    return p === undefined
      ? isCorsSafelistedRequestHeader(str(args, 0), str(args, 1))
      : isCorsSafelistedRequestHeader(str(args, 0), str(args, 1), p);
  },
  corsUnsafeRequestHeaderNames: (args, p) => {
    arity(args, 1);
    const list = headerList(args[0]);
    return p === undefined ? corsUnsafeRequestHeaderNames(list) : corsUnsafeRequestHeaderNames(list, p);
  },
  isForbiddenRequestHeader: (args, p) => {
    noProfile(p);
    arity(args, 2);
    return isForbiddenRequestHeader(str(args, 0), str(args, 1));
  },
  isForbiddenResponseHeaderName: (args, p) => {
    noProfile(p);
    arity(args, 1);
    return isForbiddenResponseHeaderName(str(args, 0));
  },
  isNoCorsSafelistedRequestHeader: (args, p) => {
    noProfile(p);
    arity(args, 2);
    return isNoCorsSafelistedRequestHeader(str(args, 0), str(args, 1));
  },
  isCorsNonWildcardRequestHeaderName: (args, p) => {
    noProfile(p);
    arity(args, 1);
    return isCorsNonWildcardRequestHeaderName(str(args, 0));
  },
  isHeaderName: (args, p) => {
    noProfile(p);
    arity(args, 1);
    return isHeaderName(str(args, 0));
  },
  isHeaderValue: (args, p) => {
    noProfile(p);
    arity(args, 1);
    return isHeaderValue(str(args, 0));
  },
  normalizeHeaderValue: (args, p) => {
    noProfile(p);
    arity(args, 1);
    return normalizeHeaderValue(str(args, 0));
  },
  getDecodeSplit: (args, p) => {
    noProfile(p);
    arity(args, 1);
    return getDecodeSplit(str(args, 0));
  },
  extractHeaderListValues: (args, p) => {
    noProfile(p);
    arity(args, 1, 2);
    const caps = limits(args[1]);
    const r =
      caps === undefined
        ? extractHeaderListValues(lines(args[0]))
        : extractHeaderListValues(lines(args[0]), caps);
    if (r === null) return null;
    return r.ok ? { values: r.values } : { error: r.reason };
  },
};

// ---- loading ----

interface LoadedCase {
  readonly file: string;
  readonly line: number;
  readonly c: VectorCase;
}

function loadFile(file: string): LoadedCase[] {
  const text = readFileSync(new URL(`../vectors/${file}`, import.meta.url), 'utf8');
  const all: unknown = JSON.parse(text);
  if (!Array.isArray(all)) throw new TypeError(`${file} is not a JSON array`);
  const rows = text.split('\n');
  const out: LoadedCase[] = [];
  // One case per line: line 1 is "[", then each case, then "]".
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]?.trim() ?? '';
    if (row === '' || row === '[' || row === ']') continue;
    const c: unknown = JSON.parse(row.endsWith(',') ? row.slice(0, -1) : row);
    if (typeof c !== 'object' || c === null || Array.isArray(c))
      throw new TypeError(`${file}:${i + 1} is not an object`);
    out.push({ file, line: i + 1, c: c as VectorCase });
  }
  if (out.length !== all.length)
    throw new TypeError(`${file}: ${all.length} cases but ${out.length} case lines`);
  return out;
}

function show(v: unknown): string {
  const s = JSON.stringify(v, (_k, x: unknown) =>
    typeof x === 'string' && x.length > 48 ? `${x.slice(0, 24)}…(${x.length} chars)` : x,
  );
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
}

function caseName(l: LoadedCase): string {
  const { fn, args, expect: e, profile, note } = l.c;
  const argText = show(args).slice(1, -1);
  const prof = profile === undefined ? '' : ` [${profile}]`;
  const why = note === undefined ? '' : ` (${note})`;
  return `${fn}(${argText})${prof} -> ${show(e)}${why} @${l.file}:${l.line}`;
}

const loaded = VECTOR_FILES.flatMap(loadFile);

describe('vector files', () => {
  test.each(VECTOR_FILES.map((f) => [f]))('%s: one well-formed case per line', (file) => {
    for (const { line, c } of loaded.filter((l) => l.file === file)) {
      const where = `${file}:${line}`;
      for (const k of Object.keys(c)) expect(CASE_KEYS.has(k), `${where}: unknown key ${k}`).toBe(true);
      expect(Object.hasOwn(ADAPTERS, c.fn), `${where}: unknown fn ${c.fn}`).toBe(true);
      expect(Array.isArray(c.args), `${where}: args must be an array`).toBe(true);
      expect('expect' in c, `${where}: expect is missing`).toBe(true);
      if (c.note !== undefined) expect(typeof c.note, `${where}: note must be a string`).toBe('string');
    }
  });

  test('at least 260 cases in all', () => {
    expect(loaded.length).toBeGreaterThanOrEqual(260);
  });
});

const byFn = new Map<string, LoadedCase[]>();
for (const l of loaded) {
  const list = byFn.get(l.c.fn) ?? [];
  list.push(l);
  byFn.set(l.c.fn, list);
}

for (const [fn, cases] of byFn) {
  describe(fn, () => {
    test.each(cases.map((l) => [caseName(l), l] as const))('%s', (_name, l) => {
      const adapter = ADAPTERS[fn];
      if (adapter === undefined) fail(`unknown fn ${fn}`);
      const profile = l.c.profile === undefined ? undefined : browserProfile(l.c.profile);
      expect(adapter(l.c.args, profile)).toStrictEqual(l.c.expect);
    });
  });
}
