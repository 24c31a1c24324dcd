// The decider the Node adapters call (nodeRequestDecider) beside policy.decide(), in process: an actual
// request from an origin answered before takes a short way there (one lookup in the kept answers, or one
// comparison with the last refused origin) instead of the whole origin check. Exact origins and a
// subdomain pattern, allowed and refused. Every request carries an Origin string made for it from bytes,
// as Node's parser makes one per request, so no hash is left over from the request before; the row
// "making the request" times that alone and is subtracted.
//
//   node --single-threaded-gc --import tsx bench/node-decider.bench.ts [--rounds 15] [--sample-ms 50]
import { type CorsDecision, type CorsRequest, createCorsPolicy } from '../src/index.js';
import { nodeRequestDecider } from '../src/policy/policy.js';
import { DENIED_ORIGIN } from './fixtures.js';
import { formatNs, machine, measure, type Row } from './harness.js';

const argv = process.argv.slice(2);
const option = (name: string, dflt: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? dflt : Number(argv[i + 1]);
};

const ALLOWED = 'https://app.example.com';
const configs = [
  ['exact origin', [ALLOWED]],
  ['subdomain pattern', ['https://*.example.com']],
] as const;

/** A GET with an Origin made from bytes on every call. */
const requestOf = (origin: string): (() => CorsRequest) => {
  const bytes = Buffer.from(origin, 'latin1');
  return () => ({ method: 'GET', headers: { origin: bytes.toString('latin1') } });
};

const rows: Row[] = [];
const making = requestOf(ALLOWED);
rows.push({ name: 'making the request', run: making });
for (const [config, origins] of configs) {
  const policy = createCorsPolicy({ origins: [...origins], credentials: true });
  const decide = nodeRequestDecider(policy);
  for (const [kind, origin] of [
    ['allowed', ALLOWED],
    ['refused', DENIED_ORIGIN],
  ] as const) {
    const make = requestOf(origin);
    // The two must agree, or the comparison would mean nothing.
    const long = policy.decide(make()) as CorsDecision;
    const short = decide(make()) as CorsDecision;
    if (JSON.stringify(long) !== JSON.stringify(short) || long.allowed !== (kind === 'allowed'))
      throw new Error(`${config}, ${kind}: the deciders disagree`);
    rows.push(
      { name: `${config} | ${kind} | policy.decide()`, run: () => policy.decide(make()) },
      { name: `${config} | ${kind} | nodeRequestDecider`, run: () => decide(make()) },
    );
  }
}

const results = await measure(rows, { rounds: option('rounds', 15), sampleMs: option('sample-ms', 50) });
const base = (results[0] as (typeof results)[number]).median;
console.log(`\n### The decider of the Node adapters, in process (${await machine()})\n`);
console.log(`Making a request with a fresh Origin string: ${formatNs(base)}, subtracted below.\n`);
console.log('| origins | request | decider | CPU per decision | range |');
console.log('|---|---|---|---:|---|');
for (const x of results.slice(1)) {
  const [config, kind, decider] = x.name.split(' | ');
  console.log(
    `| ${config} | ${kind} | ${decider} | ${formatNs(x.median - base)} | ${formatNs(x.low - base)}–${formatNs(x.high - base)} |`,
  );
}
