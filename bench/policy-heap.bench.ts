// The heap a policy holds for its allowlist: createCorsPolicy over 1 to 100,000 exact origins, the JS
// heap measured after full collections before and after (the origins' array is made first, so what is
// counted is what the policy adds to what its caller holds). A policy's heap is live data that every
// full collection marks again, so it costs wherever a framework makes the collector run often.
//
//   node --expose-gc --import tsx bench/policy-heap.bench.ts
import { createCorsPolicy } from '../src/index.js';
import { originList } from './fixtures.js';
import { machine } from './harness.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

function heapAfterCollection(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

/** Bytes of heap the policy over `origins` holds; `allowed` is one origin it must allow. */
function policyHeap(origins: readonly string[], allowed: string): number {
  const before = heapAfterCollection();
  const policy = createCorsPolicy({ origins, credentials: true });
  const after = heapAfterCollection();
  if (!policy.decide({ method: 'GET', headers: { origin: allowed } }).allowed)
    throw new Error(`${allowed} should be allowed`);
  return after - before;
}

console.log(`# Policy heap (${await machine()})\n`);
console.log('| origins | heap held | per origin |');
console.log('|---:|---:|---:|');
for (const n of [1, 1_000, 10_000, 100_000]) {
  const origins = originList(n);
  const bytes = policyHeap(origins, origins[n - 1] as string);
  console.log(
    `| ${n.toLocaleString('en')} | ${(bytes / 1024).toFixed(0)} KiB | ${Math.round(bytes / n)} B |`,
  );
}
