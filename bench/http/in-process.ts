// The HTTP benchmark's servers without the HTTP: each app of server.ts (the same framework, the same
// middleware, the same handler) is handed Node's request and response objects in its own process, with
// no parser, socket or kernel, and its CPU time per request is taken. For telling what corskit's code
// costs within the framework from what only shows over HTTP. Its resolution is that of separate
// processes: two copies of one build came out up to 0.5 µs apart on node:http and Fastify within a run
// (the control's figure up to 1 µs between runs), and up to 2.3 µs on Express, whose processes differ
// by ±5% of its ~111 µs (BENCHMARKS.md).
//
//   npx tsx bench/http/in-process.ts <framework> <request,...> <repetitions> [bundle folder...] [--origins N]
//     [--requests N]
//
// Each repetition starts a fresh process for no CORS, the control (server.ts's constant headers), the
// installed build and each bundle folder given (as compare-builds.ts), in a balanced order, pinned to
// core 0 where taskset exists; each serves 20,000 requests of warm-up and then 200,000 timed ones (or
// --requests: Express takes about 100 µs a request), 40 at a time, and reports the median of twenty
// windows (server.ts).
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { median } from '../harness.js';
import { balancedOrder, hasTaskset, KINDS, type Kind, ROOT } from './servers.js';

const option = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? dflt : Number(process.argv[i + 1]);
};
const SIZE = option('origins', 1);
const REQUESTS = option('requests', 200_000);
const args = process.argv
  .slice(2)
  .filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
const [framework = 'node', kindList = 'actual denied', reps = '8', ...bundles] = args;
const kinds = kindList.split(',') as Kind[];
if (
  kinds.some((k) => !KINDS.includes(k)) ||
  !(Number.isInteger(SIZE) && SIZE >= 1) ||
  !(Number.isInteger(REQUESTS) && REQUESTS >= 1000)
)
  throw new Error(
    'usage: in-process.ts <framework> <request,...> <repetitions> [bundle folder...] [--origins N] [--requests N]',
  );

interface Variant {
  readonly name: string;
  readonly variant: string;
  readonly bundle?: string;
}
const variants: Variant[] = [
  { name: 'no CORS', variant: 'none' },
  { name: 'control', variant: 'headers' },
  ...(bundles.length === 0
    ? [{ name: 'corskit', variant: 'corskit' }]
    : bundles.map((b) => ({ name: basename(b), variant: 'corskit', bundle: b }))),
];

function run(v: Variant, kind: Kind): Promise<{ nsPerRequest: number; head: string }> {
  const node = [
    process.execPath,
    '--single-threaded-gc',
    '--import',
    'tsx',
    `${ROOT}bench/http/server.ts`,
    framework,
    v.variant,
    String(v.variant === 'none' ? 1 : SIZE),
  ];
  const [command, ...rest] = hasTaskset ? ['taskset', '-c', '0', ...node] : node;
  const env: NodeJS.ProcessEnv = { ...process.env, CORSKIT_BENCH_IN_PROCESS: `${kind},${REQUESTS}` };
  if (v.bundle === undefined) delete env.CORSKIT_BUNDLE;
  else env.CORSKIT_BUNDLE = v.bundle;
  const child = spawn(command as string, rest, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once(
      'exit',
      (code) => code !== 0 && reject(new Error(`${framework}/${v.name} exited with ${code}`)),
    );
  });
}

const samples = new Map<string, number[]>();
/** The CORS headers first written for each request kind: the control and every build must write the same. */
const heads = new Map<string, string>();
for (let r = 0; r < Number(reps); r++) {
  console.error(`repetition ${r + 1} of ${reps}`);
  for (const kind of kinds) {
    for (const v of balancedOrder(variants, r)) {
      const key = `${kind}|${v.name}`;
      const { nsPerRequest, head } = await run(v, kind);
      samples.set(key, [...(samples.get(key) ?? []), nsPerRequest]);
      if (!/^HTTP\/1\.1 20[04] /.test(head))
        throw new Error(`${framework}/${v.name}, ${kind}: answered ${head}`);
      const corsHead = head
        .split('\r\n')
        .filter((l) => /^(access-control-|vary:)/i.test(l))
        .join('\n');
      if (v.variant !== 'none') {
        const seen = heads.get(kind);
        if (seen === undefined) heads.set(kind, corsHead);
        else if (seen.toLowerCase() !== corsHead.toLowerCase())
          throw new Error(
            `${framework}/${v.name}, ${kind}: CORS headers differ from another variant's:\n${corsHead}\n---\n${seen}`,
          );
      }
    }
  }
}

const ns = (x: number): string => `${x.toFixed(0)} ns`;
console.log(
  `\n| request | server | CPU per request | range | over no CORS (paired) | over the control (paired) |`,
);
console.log('|---|---|---:|---|---:|---:|');
for (const kind of kinds) {
  const none = samples.get(`${kind}|no CORS`) as number[];
  const control = samples.get(`${kind}|control`) as number[];
  for (const v of variants) {
    const xs = samples.get(`${kind}|${v.name}`) as number[];
    const over = (base: number[]) => median(xs.map((x, i) => x - (base[i] as number)));
    console.log(
      `| ${kind} | ${v.name} | ${ns(median(xs))} | ${ns(Math.min(...xs))}–${ns(Math.max(...xs))} | ` +
        `${v.name === 'no CORS' ? '' : ns(over(none))} | ${v.name === 'corskit' || v.bundle ? ns(over(control)) : ''} |`,
    );
  }
}
