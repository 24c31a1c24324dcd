// A small timing harness for benchmarks run on a shared machine: rows are interleaved (every round runs
// every row once, in a rotated order), each sample is the process CPU time of a batch divided by its
// size, and a row reports the median and the spread (lowest and highest sample) over the rounds.

export interface Row {
  readonly name: string;
  /** One operation; may return a promise, which is awaited. */
  readonly run: () => unknown;
}

export interface RowResult {
  readonly name: string;
  /** CPU nanoseconds per operation: median over rounds, and the range. */
  readonly median: number;
  readonly low: number;
  readonly high: number;
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

async function batch(row: Row, n: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const r = row.run();
    if (r instanceof Promise) await r;
  }
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / n;
}

/** Batch size giving about `targetMs` of work per sample. */
async function calibrate(row: Row, targetMs: number): Promise<number> {
  let n = 16;
  for (;;) {
    const t0 = performance.now();
    await batch(row, n);
    const elapsed = performance.now() - t0;
    if (elapsed >= targetMs / 4 || n >= 1 << 22) return Math.max(1, Math.round((n * targetMs) / elapsed));
    n *= 4;
  }
}

export async function measure(
  rows: readonly Row[],
  options: { rounds?: number; sampleMs?: number } = {},
): Promise<RowResult[]> {
  const rounds = options.rounds ?? 9;
  const sampleMs = options.sampleMs ?? 15;
  const sizes: number[] = [];
  for (const row of rows) {
    await batch(row, 64); // warm up
    sizes.push(await calibrate(row, sampleMs));
  }
  const samples: number[][] = rows.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < rows.length; k++) {
      const i = (k + r) % rows.length;
      (samples[i] as number[]).push(await batch(rows[i] as Row, sizes[i] as number));
    }
  }
  return rows.map((row, i) => {
    const s = samples[i] as number[];
    return { name: row.name, median: median(s), low: Math.min(...s), high: Math.max(...s) };
  });
}

export function formatNs(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(ns >= 1e4 ? 1 : 2)} µs`;
  return `${Math.round(ns)} ns`;
}

export const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;

/** The machine line every report starts with. */
export async function machine(): Promise<string> {
  const os = await import('node:os');
  const cpus = os.cpus();
  return `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}; Node ${process.version}; load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
}
