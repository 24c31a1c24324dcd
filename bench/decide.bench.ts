// Decision benchmark: corskit's policy.decide() beside express `cors`, hono/cors and @fastify/cors, for
// actual and preflight requests, allowed and denied, with 1, 1,000 and 100,000 configured origins; a
// subdomain pattern among 100,000 origins; and Access-Control-Request-Headers made of commas up to 1 MiB.
//
//   npm run bench                             # everything: about 2 minutes of timing, plus the builds
//   npx tsx bench/decide.bench.ts 'hono|N=1\b'  # time only rows whose name matches (checks still run)
//
// Not part of the tests. Figures and method: BENCHMARKS.md.
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { bench, group, run } from 'mitata';
import { type CorsPolicy, createCorsPolicy } from '../src/index.js';
import { extractHeaderListValues } from '../src/spec/index.js';
import {
  corskitApply,
  corskitConfig,
  corskitDecide,
  type Driver,
  expressCors,
  fastifyApp,
  fastifyCorsHook,
  fastifyInject,
  honoCorsDriver,
  type Observed,
} from './drivers.js';
import {
  CASES,
  isAllowedCase,
  isPreflightCase,
  originList,
  preflightRequest,
  type RequestFixture,
  requestFor,
} from './fixtures.js';

const SIZES = [1, 1_000, 100_000] as const;
const KiB = 1024;
const MiB = 1024 * KiB;
const filter = process.argv[2] === undefined ? /.*/ : new RegExp(process.argv[2], 'i');

/** Every timed row, in registration order, so the tables can be printed from mitata's results. */
interface Row {
  readonly section: string;
  readonly label: string;
  readonly impl: string;
  readonly name: string;
}
const rows: Row[] = [];

function register(section: string, label: string, driver: Driver, request: RequestFixture): void {
  const name = `${driver.name} [${label}]`;
  rows.push({ section, label, impl: driver.name, name });
  bench(name, driver.prepare(request));
}

// ---- sanity checks: no row may time a misconfigured implementation ----

function fail(what: string, observed: Observed, why: string): never {
  throw new Error(`${what}: ${why}\n${JSON.stringify(observed, null, 2)}`);
}

function hasAll(list: string | undefined, wanted: readonly string[]): boolean {
  const got = (list ?? '').split(',').map((s) => s.trim().toLowerCase());
  return wanted.every((w) => got.includes(w.toLowerCase()));
}

async function check(
  what: string,
  driver: Driver,
  request: RequestFixture,
  expect: { allowed: boolean; preflight: boolean },
): Promise<void> {
  const o = await driver.observe(request);
  const label = `${driver.name} ${what}`;
  const acao = o.headers['access-control-allow-origin'];
  if (!expect.allowed) {
    if (acao !== undefined) fail(label, o, 'a denied origin got Access-Control-Allow-Origin');
    return;
  }
  if (acao !== request.headers.origin) fail(label, o, 'the allowed origin was not echoed');
  if (o.headers['access-control-allow-credentials'] !== 'true') fail(label, o, 'no credentials header');
  if (!/\bOrigin\b/i.test(o.headers.vary ?? '')) fail(label, o, 'no Vary: Origin');
  if (expect.preflight) {
    if (o.status !== 204) fail(label, o, 'the preflight was not answered with 204');
    if (!hasAll(o.headers['access-control-allow-methods'], ['PUT'])) fail(label, o, 'PUT not allowed');
    const requested = (request.headers['access-control-request-headers'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (!hasAll(o.headers['access-control-allow-headers'], requested))
      fail(label, o, 'the requested headers were not allowed');
  }
}

// ---- the machine ----

const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
console.log(
  `node ${process.version}, ${cpus().length} CPUs: ${cpus()[0]?.model ?? 'unknown CPU'}; load average ${load()}`,
);

// ---- build time (one-shot, outside mitata; the 100,000-origin policies built here are the ones timed) ----

const buildLines: string[] = [];
function timedBuild(label: string, make: () => CorsPolicy, times: number): CorsPolicy {
  const samples: number[] = [];
  let policy: CorsPolicy | undefined;
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    policy = make();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const ms = (v: number | undefined) => `${(v ?? Number.NaN).toFixed(1)} ms`;
  buildLines.push(`| ${label} | ${times} | ${ms(samples[0])} | ${ms(samples[samples.length >> 1])} |`);
  console.log(`build ${label}: ${ms(samples[0])} (fastest of ${times})`);
  return policy as CorsPolicy;
}

const lists = new Map(SIZES.map((n) => [n, originList(n)]));
const list100k = lists.get(100_000) as string[];
const WILDCARD = 'https://*.example.com';
const policies = new Map<number, CorsPolicy>([
  [1, timedBuild('1 exact origin', () => createCorsPolicy(corskitConfig(lists.get(1) ?? [])), 5)],
  [
    1_000,
    timedBuild('1,000 exact origins', () => createCorsPolicy(corskitConfig(lists.get(1_000) ?? [])), 5),
  ],
  [100_000, timedBuild('100,000 exact origins', () => createCorsPolicy(corskitConfig(list100k)), 1)],
]);
const triePolicy = timedBuild(
  `100,000 exact origins + ${WILDCARD}`,
  () => createCorsPolicy(corskitConfig([...list100k, WILDCARD])),
  1,
);

// ---- the main matrix ----

const MAIN = 'main';
const FASTIFY_HOOK = '@fastify/cors hook';
const FASTIFY_INJECT = 'fastify inject +@fastify/cors';
const fastifyBaseline = fastifyInject(await fastifyApp(null), 'fastify inject, no cors');

for (const n of SIZES) {
  const list = lists.get(n) as string[];
  const policy = policies.get(n) as CorsPolicy;
  const drivers: Driver[] = [
    corskitDecide(policy),
    corskitApply(policy),
    expressCors(list),
    honoCorsDriver(list),
    fastifyCorsHook(list),
    fastifyInject(await fastifyApp(list), FASTIFY_INJECT),
  ];
  const last = list[n - 1] as string;
  const first = list[0] as string;
  group(`${n.toLocaleString('en-US')} origin${n === 1 ? '' : 's'}, allowed origin last`, () => {
    for (const kase of CASES) {
      const request = requestFor(kase, last);
      for (const d of drivers) register(MAIN, `N=${n} ${kase}`, d, request);
      // The same request to the same app without the plugin, timed right after, for the plugin's share.
      register(MAIN, `N=${n} ${kase}`, fastifyBaseline, request);
    }
  });
  for (const kase of CASES) {
    const expect = { allowed: isAllowedCase(kase), preflight: isPreflightCase(kase) };
    for (const d of drivers) await check(`N=${n} ${kase}`, d, requestFor(kase, last), expect);
  }
  if (n === 100_000) {
    group('100,000 origins, allowed origin first', () => {
      for (const kase of ['actual allowed', 'preflight allowed'] as const) {
        for (const d of drivers) {
          if (d.name === 'corskit decide()+write') continue;
          register('first', `N=${n} ${kase}, first origin`, d, requestFor(kase, first));
        }
      }
    });
    for (const d of drivers)
      await check('first origin', d, requestFor('preflight allowed', first), {
        allowed: true,
        preflight: true,
      });
  }
}

// ---- a subdomain pattern among 100,000 exact origins (corskit's reversed-label trie) ----

const trieDriver = corskitDecide(triePolicy);
const trieRequests: [string, RequestFixture, boolean][] = [
  ['exact origin, actual', requestFor('actual allowed', 'https://app99999.example.com'), true],
  ['pattern, actual', requestFor('actual allowed', 'https://new-tenant.example.com'), true],
  ['pattern, 4 labels deep, actual', requestFor('actual allowed', 'https://a.b.c.example.com'), true],
  ['pattern, preflight', requestFor('preflight allowed', 'https://new-tenant.example.com'), true],
  ['denied, actual', requestFor('actual denied', ''), false],
  ['denied, preflight', requestFor('preflight denied', ''), false],
];
group(`corskit, ${WILDCARD} among 100,000 exact origins`, () => {
  for (const [label, request] of trieRequests) register('trie', label, trieDriver, request);
});
for (const [label, request, allowed] of trieRequests) {
  await check(`trie ${label}`, trieDriver, request, { allowed, preflight: request.method === 'OPTIONS' });
}

// ---- Access-Control-Request-Headers made of commas ----

const one = lists.get(1) as string[];
const origin0 = one[0] as string;
const commas = (bytes: number): RequestFixture => preflightRequest(origin0, ','.repeat(bytes));
const defaultPolicy = createCorsPolicy(corskitConfig(one));
const raisedPolicy = createCorsPolicy(corskitConfig(one, { requestHeadersLimit: { maxBytes: 64 * KiB } }));
const defaultDriver = corskitDecide(defaultPolicy);
const raisedDriver: Driver = { ...corskitDecide(raisedPolicy), name: 'corskit decide(), maxBytes 65536' };
const parserLimits = { maxBytes: MiB, maxElements: 1024 };
const parser = (bytes: number): Driver => {
  const value = ','.repeat(bytes);
  return {
    name: 'extractHeaderListValues',
    prepare: () => () => extractHeaderListValues(value, parserLimits),
    observe: async () => ({ status: null, headers: {} }),
  };
};

async function expectReason(driver: Driver, policy: CorsPolicy, request: RequestFixture, reason: string) {
  const d = await policy.decide(request);
  if (d.reason !== reason) throw new Error(`${driver.name}: expected ${reason}, got ${d.reason}`);
}
await expectReason(defaultDriver, defaultPolicy, commas(4 * KiB), 'allowed');
await expectReason(defaultDriver, defaultPolicy, commas(MiB), 'request-headers-too-large');
for (const size of [4 * KiB, 16 * KiB, 64 * KiB])
  await expectReason(raisedDriver, raisedPolicy, commas(size), 'allowed');
await expectReason(raisedDriver, raisedPolicy, commas(MiB), 'request-headers-too-large');
for (const size of [64 * KiB, MiB]) {
  const r = extractHeaderListValues(','.repeat(size), parserLimits);
  if (r === null || !r.ok || r.values.length !== 0) throw new Error('parser: commas should give no names');
}

const acrhPeers: Driver[] = [
  expressCors(one),
  expressCors(one, false),
  honoCorsDriver(one),
  honoCorsDriver(one, false),
  fastifyCorsHook(one),
  fastifyInject(await fastifyApp(one), FASTIFY_INJECT),
  fastifyInject(await fastifyApp(one, false), `${FASTIFY_INJECT} (reflect ACRH)`),
];
for (const d of acrhPeers) {
  const o = await d.observe(commas(MiB));
  if (o.headers['access-control-allow-origin'] !== origin0) fail(`${d.name} 1 MiB`, o, 'not allowed');
}

const sizeLabel = (bytes: number): string => (bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / KiB} KiB`);
const RAISED_SIZES = [4 * KiB, 16 * KiB, 64 * KiB];
const PARSER_SIZES = [64 * KiB, 256 * KiB, MiB];
group('Access-Control-Request-Headers: commas only (1 configured origin)', () => {
  for (const size of [4 * KiB, MiB])
    register('acrh', `${sizeLabel(size)} commas`, defaultDriver, commas(size));
  for (const size of [...RAISED_SIZES, MiB])
    register('acrh', `${sizeLabel(size)} commas`, raisedDriver, commas(size));
  for (const size of PARSER_SIZES) register('acrh', `${sizeLabel(size)} commas`, parser(size), commas(size));
  const honoReflect = acrhPeers[3] as Driver;
  register('acrh', '4 KiB commas', honoReflect, commas(4 * KiB));
  register('acrh', '64 KiB commas', honoReflect, commas(64 * KiB));
  for (const d of acrhPeers) register('acrh', '1 MiB commas', d, commas(MiB));
});

// ---- run, then print the tables ----

const t0 = performance.now();
const { benchmarks } = await run({ filter, format: { mitata: { name: 'longest' } } });
/** Median per request: robust to other processes preempting this one; mitata's output above has the means. */
const median = new Map<string, number>();
for (const trial of benchmarks) {
  const stats = trial.runs[0]?.stats;
  if (stats !== undefined) median.set(trial.alias, stats.p50);
}
console.log(`\nmeasured in ${((performance.now() - t0) / 1000).toFixed(0)} s; load average ${load()}\n`);

const fmt = (ns: number | undefined): string =>
  ns === undefined
    ? '—'
    : ns >= 1e6
      ? `${(ns / 1e6).toFixed(2)} ms`
      : ns >= 1e4
        ? `${(ns / 1e3).toFixed(1)} µs`
        : ns >= 1e3
          ? `${(ns / 1e3).toFixed(2)} µs`
          : `${ns.toFixed(0)} ns`;
const ratio = (a: number | undefined, b: number | undefined): string => {
  if (a === undefined || b === undefined) return '—';
  const r = a / b;
  return `${r.toFixed(r >= 100 ? 0 : r >= 10 ? 1 : 2)}x`;
};
const time = (section: string, label: string, impl: string): number | undefined => {
  const row = rows.find((r) => r.section === section && r.label === label && r.impl === impl);
  return row === undefined ? undefined : median.get(row.name);
};
const defined = (xs: (number | undefined)[]): number[] => xs.filter((v): v is number => v !== undefined);

const out: string[] = [];
out.push(
  '### Build (createCorsPolicy)',
  '',
  '| origins | runs | fastest | median |',
  '|---|---:|---:|---:|',
  ...buildLines,
  '',
);

out.push(
  '### Decisions (allowed origin last in the list; median time per request)',
  '',
  '| N | request | corskit decide() | corskit decide()+write | express cors | hono cors | @fastify/cors hook | fastify inject +cors | fastify inject, no cors | inject difference | fastest peer / corskit | slowest peer / corskit |',
  '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
);
const losses: string[] = [];
const writeLosses: string[] = [];
let compared = 0;
for (const n of SIZES) {
  for (const kase of CASES) {
    const label = `N=${n} ${kase}`;
    const mine = time(MAIN, label, 'corskit decide()');
    const written = time(MAIN, label, 'corskit decide()+write');
    const ex = time(MAIN, label, 'express cors');
    const ho = time(MAIN, label, 'hono cors');
    const hook = time(MAIN, label, FASTIFY_HOOK);
    const inj = time(MAIN, label, FASTIFY_INJECT);
    const base = time(MAIN, label, fastifyBaseline.name);
    const diff = inj !== undefined && base !== undefined ? inj - base : undefined;
    const peers = defined([ex, ho, hook]);
    const fastest = peers.length > 0 ? Math.min(...peers) : undefined;
    const slowest = peers.length > 0 ? Math.max(...peers) : undefined;
    if (mine !== undefined && fastest !== undefined) {
      compared++;
      if (!(mine < fastest)) losses.push(`${label}: corskit ${fmt(mine)}, fastest peer ${fmt(fastest)}`);
    }
    // decide()+write writes into the same recording response object as express `cors`.
    if (written !== undefined && ex !== undefined && !(written < ex))
      writeLosses.push(`${label}: corskit decide()+write ${fmt(written)}, express cors ${fmt(ex)}`);
    // fastify.inject() varies by more than the plugin costs at small N: show only differences above 10%.
    const diffText =
      diff === undefined || base === undefined ? '—' : diff > base * 0.1 ? fmt(diff) : 'below noise';
    out.push(
      `| ${n.toLocaleString('en-US')} | ${kase} | ${fmt(mine)} | ${fmt(written)} | ${fmt(ex)} | ${fmt(ho)} | ${fmt(hook)} | ${fmt(inj)} | ${fmt(base)} | ${diffText} | ${ratio(fastest, mine)} | ${ratio(slowest, mine)} |`,
    );
  }
}
out.push('');

out.push(
  '### Allowed origin first in the list of 100,000',
  '',
  '| request | corskit decide() | express cors | hono cors | @fastify/cors hook | fastify inject +cors |',
  '|---|---:|---:|---:|---:|---:|',
);
for (const kase of ['actual allowed', 'preflight allowed']) {
  const label = `N=100000 ${kase}, first origin`;
  const cells = ['corskit decide()', 'express cors', 'hono cors', FASTIFY_HOOK, FASTIFY_INJECT].map((impl) =>
    fmt(time('first', label, impl)),
  );
  out.push(`| ${kase} | ${cells.join(' | ')} |`);
}
out.push('');

out.push(
  '### corskit: 100,000 origins against 1 (target: within 1.3x)',
  '',
  '| request | 1 origin | 100,000 origins | ratio |',
  '|---|---:|---:|---:|',
);
const flatness: number[] = [];
for (const kase of CASES) {
  const a = time(MAIN, `N=1 ${kase}`, 'corskit decide()');
  const b = time(MAIN, `N=100000 ${kase}`, 'corskit decide()');
  if (a !== undefined && b !== undefined) flatness.push(b / a);
  out.push(`| ${kase} | ${fmt(a)} | ${fmt(b)} | ${ratio(b, a)} |`);
}
out.push('');

out.push(`### corskit, ${WILDCARD} among 100,000 exact origins`, '', '| request | time |', '|---|---:|');
for (const [label] of trieRequests) out.push(`| ${label} | ${fmt(time('trie', label, trieDriver.name))} |`);
out.push('');

out.push(
  '### Access-Control-Request-Headers of commas (preflight, 1 configured origin)',
  '',
  '| implementation | header | time | per KiB |',
  '|---|---|---:|---:|',
);
for (const r of rows.filter((x) => x.section === 'acrh')) {
  const t = median.get(r.name);
  const kib = Number.parseFloat(r.label) * (r.label.includes('MiB') ? 1024 : 1);
  out.push(`| ${r.impl} | ${r.label} | ${fmt(t)} | ${t === undefined ? '—' : fmt(t / kib)} |`);
}
out.push('');

const perKiB = (impl: string, sizes: number[]) =>
  defined(sizes.map((b) => time('acrh', `${sizeLabel(b)} commas`, impl))).map(
    (t, i) => t / ((sizes[i] as number) / KiB),
  );
const spread = (xs: number[]) => (xs.length < 2 ? undefined : Math.max(...xs) / Math.min(...xs));
const raisedSpread = spread(perKiB(raisedDriver.name, RAISED_SIZES));
const parserSpread = spread(perKiB('extractHeaderListValues', PARSER_SIZES));
const refused = time('acrh', '1 MiB commas', defaultDriver.name);
const denied = time(MAIN, 'N=1 preflight denied', 'corskit decide()');

out.push('### Verdicts (computed from this run)', '');
const maxFlat = flatness.length > 0 ? Math.max(...flatness) : undefined;
out.push(
  `- 100,000 origins within 1.3x of 1 origin: ${maxFlat === undefined ? 'not measured' : maxFlat <= 1.3 ? 'met' : 'NOT met'} (worst ratio ${maxFlat === undefined ? '—' : `${maxFlat.toFixed(2)}x`})`,
);
out.push(
  `- faster than every peer in every row (corskit decide() against express cors, hono cors and the @fastify/cors hook): ${compared === 0 ? 'not measured' : losses.length === 0 ? `met (${compared} rows)` : `NOT met in ${losses.length} of ${compared} rows`}`,
);
for (const l of losses) out.push(`  - ${l}`);
if (writeLosses.length > 0) {
  out.push(
    '- with the headers written into the same response object, corskit decide()+write is slower than express cors in:',
  );
  for (const l of writeLosses) out.push(`  - ${l}`);
}
out.push(
  `- 1 MiB Access-Control-Request-Headers in linear time: refused by the default cap in ${fmt(refused)} (a preflight with a denied origin: ${fmt(denied)}); cost per KiB across 4–64 KiB accepted varies ${raisedSpread === undefined ? '—' : `${raisedSpread.toFixed(2)}x`}, and across 64 KiB–1 MiB in the parser ${parserSpread === undefined ? '—' : `${parserSpread.toFixed(2)}x`} (1.00x is perfectly linear)`,
);
console.log(out.join('\n'));
