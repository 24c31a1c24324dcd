// What V8's collector does in one benchmark server under load, from its own trace (--trace-gc): the time
// of scavenges and of mark-compacts (their pause and incremental steps) per request, and the live heap
// each mark-compact leaves. Each variant is written <variant>@<origins>, with corskit[:<bundle folder>]
// for a build other than the installed one; the variants take turns over the rounds, in fresh processes.
// PerformanceObserver's gc entries (gc-probe.ts) leave out incremental marking steps; this does not.
//
//   npx tsx bench/http/trace-gc.ts express 'actual denied' 3 none@1 headers@10000 corskit@1 corskit@10000
import { basename } from 'node:path';
import { type Kind, load, pinLoadGenerator, startServer, statsOf } from './servers.js';

const [framework = 'express', kind = 'actual denied', rounds = '3', ...specs] = process.argv.slice(2);
const variants = specs.map((spec) => {
  const m = /^(none|headers|peer|corskit)(?::(.+))?@(\d+)$/.exec(spec);
  if (m === null)
    throw new Error(`usage: trace-gc.ts <framework> <request> <rounds> <variant[:bundle]@origins>...`);
  return { spec, variant: m[1] as string, bundle: m[2], size: Number(m[3]) };
});
pinLoadGenerator();
const LOAD = { connections: 10, pipelining: 4 };
// "[pid:0x…]  1737 ms: Scavenge 40.4 (57.3) -> 32.9 (61.0) MB, 19.37 / 0.18 ms  (+ 12.5 ms in 62 steps …"
const LINE =
  /(Scavenge|Mark-Compact)\S* [\d.]+ \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB, ([\d.]+) \/ [\d.]+ ms(?:\s+\(\+ ([\d.]+) ms)?/;

interface Sample {
  cpu: number;
  scavenge: number;
  markCompact: number;
  live: number[];
}
const results = new Map<string, Sample[]>();
for (let r = 0; r < Number(rounds); r++) {
  for (const { spec, variant, bundle, size } of variants) {
    if (bundle === undefined) delete process.env.CORSKIT_BUNDLE;
    else process.env.CORSKIT_BUNDLE = bundle;
    const server = await startServer(framework, variant, size, ['--trace-gc'], 'pipe');
    let measuring = false;
    const totals = { scavenge: 0, markCompact: 0, live: [] as number[] };
    let buffered = '';
    server.child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const m = LINE.exec(line);
        if (m === null || !measuring) continue;
        const ms = Number(m[3]) + Number(m[4] ?? 0);
        if (m[1] === 'Scavenge') totals.scavenge += ms;
        else {
          totals.markCompact += ms;
          totals.live.push(Number(m[2]));
        }
      }
    });
    await load(server, kind as Kind, size, { ...LOAD, seconds: 1 });
    measuring = true;
    const before = await statsOf(server);
    const result = await load(server, kind as Kind, size, { ...LOAD, seconds: 4 });
    const after = await statsOf(server);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the trace's last lines
    measuring = false;
    server.child.kill();
    const n = result.requests.total;
    const sample = {
      cpu: (after.cpu - before.cpu) / n,
      scavenge: (totals.scavenge * 1000) / n,
      markCompact: (totals.markCompact * 1000) / n,
      live: totals.live,
    };
    results.set(spec, [...(results.get(spec) ?? []), sample]);
    process.stderr.write(`round ${r + 1}: ${spec} ${sample.cpu.toFixed(1)} µs/req\n`);
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;
const name = (spec: string): string => spec.replace(/:([^@]+)@/, (_, dir: string) => `:${basename(dir)}@`);
console.log(`\n${framework}, ${kind}, ${rounds} rounds of 4 s; medians over the rounds\n`);
console.log(
  '| server | CPU µs/req | scavenges µs/req | mark-compacts µs/req | live heap after mark-compact |',
);
console.log('|---|---:|---:|---:|---:|');
for (const [spec, samples] of results) {
  const m = (f: (s: Sample) => number) => median(samples.map(f)).toFixed(1);
  console.log(
    `| ${name(spec)} | ${m((s) => s.cpu)} | ${m((s) => s.scavenge)} | ${m((s) => s.markCompact)} | ${m((s) => median(s.live))} MB |`,
  );
}
