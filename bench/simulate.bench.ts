// simulate() beside headless Chromium on the same corpus (issue: at least 1,000 times faster).
// Run with `npm run bench:simulate`. Chromium runs the corpus once (as the differential suite does);
// simulate() runs it many times, all scenarios single-fetch and multi-fetch alike.
import { type Scenario, simulate } from '../src/browser/index.js';
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

function simulateRate(): { perSecond: number; rounds: number } {
  const origins = {
    page: 'http://127.0.0.1:4000',
    server: 'http://localhost:5000',
    other: 'http://127.0.0.2:6000',
  };
  const wired: Scenario[][] = corpus.map((c) => c.steps.map((s) => wireScenario(s, origins)));
  const runAll = (): void => {
    for (const steps of wired) for (const s of steps) simulate(s, { browser: 'chrome', now: 0 });
  };
  for (let i = 0; i < 20; i++) runAll(); // warm up the JIT
  let rounds = 0;
  const started = performance.now();
  while (performance.now() - started < 3000) {
    runAll();
    rounds++;
  }
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: (rounds * scenarioCount) / seconds, rounds };
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
