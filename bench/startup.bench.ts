// Startup cost of each entry point over bare Node: fresh node processes, each importing one module and
// reporting the CPU time, wall time and RSS growth of that import alone. Runs are interleaved (every
// round imports every module once, in a rotated order); medians and ranges over the rounds. Needs the
// build (`npm run build`): the entry points are imported by the package's own name, as users do, so they
// load the bundles of dist/bundle (scripts/bundle.mjs).
//
//   npx tsx bench/startup.bench.ts [rounds]      (npm run bench:startup)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, median } from './harness.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = Number(process.argv[2] ?? 15);

// An empty ES module file, imported by path and through a package's `exports`: what Node's loader costs
// before any of a package's own code runs.
const EMPTY = mkdtempSync(join(tmpdir(), 'corskit-startup-'));
mkdirSync(join(EMPTY, 'node_modules/empty-package'), { recursive: true });
writeFileSync(join(EMPTY, 'package.json'), '{"type":"module"}');
writeFileSync(
  join(EMPTY, 'node_modules/empty-package/package.json'),
  '{"name":"empty-package","type":"module","exports":{"./sub":"./empty.js"}}',
);
writeFileSync(join(EMPTY, 'node_modules/empty-package/empty.js'), 'export default 1;\n');
process.on('exit', () => rmSync(EMPTY, { recursive: true, force: true }));

const TARGETS: readonly { name: string; code: string; cwd?: string }[] = [
  { name: "require('cors') (baseline)", code: "createRequire(import.meta.url)('cors')" },
  {
    name: "import('cors') (the same package through import(): what a file import() costs in ESM)",
    code: "await import('cors')",
  },
  {
    name: "require('corskit/express') (require of an ES module, Node 20.19 and later)",
    code: "createRequire(import.meta.url)('corskit/express')",
  },
  {
    name: 'import() of an empty ES module (the ESM loader alone)',
    code: "await import('data:text/javascript,export default 1')",
  },
  {
    name: 'import() of an empty ES module file',
    code: "await import('./node_modules/empty-package/empty.js')",
    cwd: EMPTY,
  },
  {
    name: "import() of an empty ES module file through a package's exports ('empty-package/sub')",
    code: "await import('empty-package/sub')",
    cwd: EMPTY,
  },
  { name: "import('corskit')", code: "await import('corskit')" },
  { name: "import('corskit/express')", code: "await import('corskit/express')" },
  { name: "import('corskit/node')", code: "await import('corskit/node')" },
  { name: "import('corskit/fastify')", code: "await import('corskit/fastify')" },
  { name: "import('corskit/koa')", code: "await import('corskit/koa')" },
  { name: "import('corskit/hono')", code: "await import('corskit/hono')" },
  { name: "import('corskit/web')", code: "await import('corskit/web')" },
  {
    name: 'corskit/express + a policy with exact origins',
    code: "const { cors } = await import('corskit/express'); cors({ origins: ['https://app.example.com'] })",
  },
  {
    name: 'corskit/express + a policy with a *. pattern (loads the Public Suffix List)',
    code: "const { cors } = await import('corskit/express'); cors({ origins: ['https://*.example.com'] })",
  },
];

interface Sample {
  cpu: number;
  wall: number;
  rss: number;
}

function runOnce(code: string, cwd = ROOT): Sample {
  const script = `import { createRequire } from 'node:module';
const rss0 = process.memoryUsage.rss(); const c0 = process.cpuUsage(); const t0 = performance.now();
${code};
const t1 = performance.now(); const c1 = process.cpuUsage(c0); const rss1 = process.memoryUsage.rss();
console.log(JSON.stringify({ cpu: (c1.user + c1.system) / 1000, wall: t1 - t0, rss: (rss1 - rss0) / 1048576 }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd,
    encoding: 'utf8',
  });
  return JSON.parse(out.trim()) as Sample;
}

const samples = TARGETS.map(() => [] as Sample[]);
for (let r = 0; r < ROUNDS; r++) {
  for (let k = 0; k < TARGETS.length; k++) {
    const i = (k + r) % TARGETS.length;
    (samples[i] as Sample[]).push(runOnce((TARGETS[i] as { code: string }).code, TARGETS[i]?.cwd));
  }
}

const fmt = (xs: number[], unit: string, digits = 1): string =>
  `${median(xs).toFixed(digits)} ${unit} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
console.log(`\n### Startup (${await machine()}; ${ROUNDS} interleaved rounds)\n`);
console.log("| import | CPU time | wall time | RSS growth | CPU − require('cors') | CPU − import('cors') |");
console.log('|---|---:|---:|---:|---:|---:|');
const baseCpu = median((samples[0] as Sample[]).map((s) => s.cpu));
// Like with like: an ES module's import() against the same mechanism loading cors.
const importCorsCpu = median((samples[1] as Sample[]).map((s) => s.cpu));
const signed = (ms: number): string => `${ms >= 0 ? '+' : ''}${ms.toFixed(1)} ms`;
const verdicts: string[] = [];
TARGETS.forEach((t, i) => {
  const s = samples[i] as Sample[];
  const cpu = s.map((x) => x.cpu);
  const over = median(cpu) - baseCpu;
  console.log(
    `| ${t.name} | ${fmt(cpu, 'ms')} | ${fmt(
      s.map((x) => x.wall),
      'ms',
    )} | ${fmt(
      s.map((x) => x.rss),
      'MiB',
    )} | ${i === 0 ? '' : signed(over)} | ${t.name.startsWith("import('corskit") ? signed(median(cpu) - importCorsCpu) : ''} |`,
  );
  if (i > 0 && (t.name.startsWith("import('corskit") || t.name.startsWith("require('corskit")) && over > 10)
    verdicts.push(`MISSED: ${t.name} costs ${over.toFixed(1)} ms more CPU than require('cors')`);
});
console.log(
  `\n${verdicts.length === 0 ? "Every entry point is within 10 ms of require('cors')." : verdicts.join('\n')}`,
);
