// Whether corskit's extra CPU over HTTP is garbage collection its allocations bring on: no CORS, the
// control (the same headers as constants) and corskit, each server pinned and loaded as in run.ts (fresh
// processes every repetition, balanced order), with the collections counted in the server
// (CORSKIT_BENCH_GC, server.ts): CPU, collection time and collections per request, medians.
//
//   npx tsx bench/http/gc-probe.ts <framework> '<request>,...' [repetitions 6] [origins 1]
import { balancedOrder, type Kind, load, pinLoadGenerator, startServer, statsOf } from './servers.js';

const [framework = 'node', kindList = 'actual allowed', reps = '6', size = '1'] = process.argv.slice(2);
const kinds = kindList.split(',') as Kind[];
const SIZE = Number(size);
process.env.CORSKIT_BENCH_GC = '1';
pinLoadGenerator();
const LOAD = { connections: 10, pipelining: 4 };
const variants = ['none', 'headers', 'corskit'];
const rows = new Map<string, { cpu: number[]; gcUs: number[]; majorUs: number[]; gcs: number[] }>();
for (let r = 0; r < Number(reps); r++) {
  const servers = [];
  for (const v of variants) servers.push({ v, s: await startServer(framework, v, v === 'none' ? 1 : SIZE) });
  for (const { s } of servers) for (const k of kinds) await load(s, k, SIZE, { ...LOAD, seconds: 1 });
  for (const kind of kinds)
    for (const { v, s } of balancedOrder(servers, r)) {
      await load(s, kind, SIZE, { ...LOAD, seconds: 0.3 });
      const a = await statsOf(s);
      const res = await load(s, kind, SIZE, { ...LOAD, seconds: 2 });
      const b = await statsOf(s);
      const n = res.requests.total;
      const key = `${kind}|${v}`;
      const row = rows.get(key) ?? { cpu: [], gcUs: [], majorUs: [], gcs: [] };
      row.cpu.push((b.cpu - a.cpu) / n);
      row.gcUs.push(((b.gcMs - a.gcMs) * 1000) / n);
      row.majorUs.push(((b.majorGcMs - a.majorGcMs) * 1000) / n);
      row.gcs.push(((b.gcs - a.gcs) * 1000) / n);
      rows.set(key, row);
    }
  for (const { s } of servers) s.child.kill();
  process.stderr.write(`rep ${r + 1}\n`);
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
console.log('| request | variant | CPU µs/req | GC µs/req | of which not scavenges | GCs per 1000 req |');
console.log('|---|---|---:|---:|---:|---:|');
for (const [key, row] of rows) {
  const [kind, v] = key.split('|');
  console.log(
    `| ${kind} | ${v} | ${med(row.cpu).toFixed(2)} | ${med(row.gcUs).toFixed(3)} | ${med(row.majorUs).toFixed(3)} | ${med(row.gcs).toFixed(2)} |`,
  );
}
