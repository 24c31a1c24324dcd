// corskit/node against the HTTP benchmark's control, in process: what corskit's own work costs on
// node:http over writing the very same headers as constants. Four rows per request, each a middleware
// on a real http.IncomingMessage and a fresh http.ServerResponse whose headers are then written
// (writeHead), as in bench/adapters.bench.ts:
//  - no CORS: writeHead only;
//  - control: corskit's answer to this request, decided once, written with setHeader (bench/http's
//    "headers" variant);
//  - decide, no guard: the policy's decision and Vary merged with what the response has, written, but
//    no guard keeping Vary until the headers go out (not a candidate: it bounds what the guard costs);
//  - corskit/node: the adapter.
// The three rows with CORS headers are checked to write the same ones before timing. CPU time per
// request, median and range over interleaved rounds (bench/harness.ts).
//
// --origins N allows N origins (the allowed request comes from the last), as the HTTP benchmark's
// 10,000-origin rows do.
//
//   node --single-threaded-gc --import tsx bench/node-control.bench.ts [--rounds 15] [--sample-ms 50] [--origins 1]
import type { ServerResponse } from 'node:http';
import { cors as corskitNode } from '../src/adapters/node.js';
import { appendVary, type CorsDecision, type CorsRequest, createCorsPolicy } from '../src/index.js';
import { nodeRequestDecider } from '../src/policy/policy.js';
import { corskitConfig, type NodeMw, nodeRow } from './drivers.js';
import { actualRequest, DENIED_ORIGIN, originList } from './fixtures.js';
import { formatNs, machine, measure, type Row } from './harness.js';

const argv = process.argv.slice(2);
const option = (name: string, dflt: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? dflt : Number(argv[i + 1]);
};

const origins = originList(option('origins', 1));
const policy = createCorsPolicy(corskitConfig(origins));
const decide = nodeRequestDecider(policy);
const requests = [
  ['actual allowed', actualRequest(origins[origins.length - 1] as string)],
  ['actual denied', actualRequest(DENIED_ORIGIN)],
] as const;

const rows: Row[] = [];
for (const [kind, r] of requests) {
  const d = policy.decide(r) as CorsDecision; // no originLookup: synchronous
  const constants: [string, string][] = d.headers.map(([n, v]) => [n, v]);
  if (d.vary.length > 0) constants.push(['Vary', d.vary.join(', ')]);
  const control: NodeMw = (_req, res, next) => {
    for (const [n, v] of constants) res.setHeader(n, v);
    next();
  };
  const noGuard: NodeMw = (req, res, next) => {
    const decision = decide(req as CorsRequest) as CorsDecision;
    for (const [n, v] of decision.headers) res.setHeader(n, v);
    if (decision.vary.length > 0) res.setHeader('Vary', appendVary(res.getHeader('Vary'), decision.vary));
    next();
  };
  rows.push(
    nodeRow(`${kind} | no CORS`, null, r),
    nodeRow(`${kind} | control`, control, r),
    nodeRow(`${kind} | decide, no guard`, noGuard, r),
    nodeRow(`${kind} | corskit/node`, corskitNode(policy) as NodeMw, r),
  );
}

// Sanity: every row but no CORS writes the same headers, or the comparison would mean nothing.
for (let i = 0; i < rows.length; i += 4) {
  const written = rows
    .slice(i + 1, i + 4)
    .map((r) => JSON.stringify((r.run() as ServerResponse).getHeaders()));
  if (new Set(written).size !== 1) throw new Error(`rows disagree: ${written.join(' | ')}`);
}

const results = await measure(rows, { rounds: option('rounds', 15), sampleMs: option('sample-ms', 50) });
console.log(
  `\n### node:http against the control, in process, ${origins.length} allowed origin(s) (${await machine()})\n`,
);
console.log('| request | row | CPU per request | range | over the control |');
console.log('|---|---|---:|---|---:|');
for (let i = 0; i < results.length; i++) {
  const x = results[i] as (typeof results)[number];
  const control = results[i - (i % 4) + 1] as (typeof results)[number];
  const [kind, name] = x.name.split(' | ');
  const over = i % 4 >= 2 ? formatNs(x.median - control.median) : '';
  console.log(
    `| ${kind} | ${name} | ${formatNs(x.median)} | ${formatNs(x.low)}–${formatNs(x.high)} | ${over} |`,
  );
}
