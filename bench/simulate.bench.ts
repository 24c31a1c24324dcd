// simulate() beside headless Chromium on the same corpus (issue: at least 1,000 times faster).
// Run with `npm run bench:simulate`. Chromium runs the corpus once (as the differential suite does);
// simulate() runs it many times, all scenarios single-fetch and multi-fetch alike. simulate() is timed
// as it ships, from dist/, in a plain node process (tsx's on-the-fly transpiling adds wrappers).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scenario } from '../src/browser/index.js';
import { ChromiumHarness, wireScenario } from '../test/browser/chromium.js';
import { generateCorpus } from '../test/browser/corpus.js';

const corpus = generateCorpus();
const scenarioCount = corpus.length;

async function chromiumRate(): Promise<{ perSecond: number; seconds: number; version: string }> {
  const harness = await ChromiumHarness.start();
  try {
    // Warm-up on a slice, then the whole corpus, timed.
    const started = performance.now();
    await harness.run(corpus);
    const seconds = (performance.now() - started) / 1000;
    return { perSecond: scenarioCount / seconds, seconds, version: harness.version };
  } finally {
    await harness.close();
  }
}

/** Times simulate() from dist/ in a plain node process, on the corpus wired as Chromium saw it. */
function simulateRate(): { perSecond: number; rounds: number } {
  const origins = {
    page: 'http://127.0.0.1:4000',
    server: 'http://localhost:5000',
    other: 'http://127.0.0.2:6000',
  };
  const wired: Scenario[] = corpus.flatMap((c) => c.steps.map((s) => wireScenario(s, origins)));
  const dir = mkdtempSync(join(tmpdir(), 'corskit-bench-'));
  try {
    const file = join(dir, 'corpus.json');
    writeFileSync(file, JSON.stringify(wired));
    const script = `
      import { readFileSync } from 'node:fs';
      import { simulate } from ${JSON.stringify(new URL('../dist/browser/index.js', import.meta.url).href)};
      const wired = JSON.parse(readFileSync(${JSON.stringify(file)}, 'utf8'));
      const runAll = () => { for (const s of wired) simulate(s, { browser: 'chrome', now: 0 }); };
      for (let i = 0; i < 20; i++) runAll(); // warm up the JIT
      let rounds = 0;
      const started = performance.now();
      while (performance.now() - started < 3000) { runAll(); rounds++; }
      console.log(JSON.stringify({ rounds, seconds: (performance.now() - started) / 1000 }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    const { rounds, seconds } = JSON.parse(out) as { rounds: number; seconds: number };
    return { perSecond: (rounds * scenarioCount) / seconds, rounds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sim = simulateRate();
const chrome = await chromiumRate();
const ratio = sim.perSecond / chrome.perSecond;
console.log(`corpus: ${scenarioCount} scenarios`);
console.log(
  `simulate():        ${Math.round(sim.perSecond).toLocaleString('en-US')} scenarios/s (${sim.rounds} rounds in 3 s)`,
);
console.log(
  `headless Chromium: ${Math.round(chrome.perSecond).toLocaleString('en-US')} scenarios/s (${chrome.seconds.toFixed(2)} s, Chromium ${chrome.version})`,
);
console.log(
  `simulate() is ${Math.round(ratio).toLocaleString('en-US')} times faster (target: at least 1,000): ${ratio >= 1000 ? 'met' : 'NOT met'}`,
);
