// Where a server's CPU goes under load, variant beside variant: for one framework and one request, runs
// the HTTP benchmark's server (bench/http/server.ts) once per variant under `node --cpu-prof`, pinned to
// core 0 with single-threaded GC as in bench/http/run.ts, loads it with autocannon from core 1, and
// prints the self time per request of the functions that differ most between the variants. Comparing
// "no CORS" with "headers" (corskit's own answers written as constants, no CORS logic) names the
// framework calls that carrying CORS headers costs; comparing "headers" with "corskit" shows what
// corskit's code adds on top.
//
//   npx tsx bench/http/profile.ts <framework> [request] [seconds] [variants] [--origins N]
//   e.g. npx tsx bench/http/profile.ts hono 'actual allowed' 5 none,headers,corskit
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kind, load, pinLoadGenerator, startServer } from './servers.js';

// --origins N gives the servers N allowed origins (1 by default), as compare-builds.ts does.
const originsAt = process.argv.indexOf('--origins');
const SIZE = originsAt === -1 ? 1 : Number(process.argv[originsAt + 1]);
const [framework = 'hono', kind = 'actual allowed', seconds = '5', list = 'none,headers,peer,corskit'] =
  process.argv.slice(2).filter((a, i, all) => a !== '--origins' && all[i - 1] !== '--origins');
const variants = list.split(',');
pinLoadGenerator();

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** Self time (µs) per request by function, and the requests answered, for one variant. */
async function profileOf(variant: string): Promise<{ perRequest: Map<string, number>; requests: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'corskit-prof-'));
  const started = performance.now();
  const server = await startServer(framework, variant, variant === 'none' ? 1 : SIZE, [
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
  ]);
  const child = server.child;
  const options = { connections: 10, pipelining: 4 };
  await load(server, kind as Kind, SIZE, { ...options, seconds: 1 }); // warm-up, left out of the profile below
  const from = performance.now() - started;
  const result = await load(server, kind as Kind, SIZE, { ...options, seconds: Number(seconds) });
  const to = performance.now() - started;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.disconnect();
  });
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error('no profile written');
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  rmSync(dir, { recursive: true, force: true });
  // The profile's clock starts with the process, a little before `started`: samples are kept from the
  // end of the warm-up to the end of the load (within a few ms).
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let clock = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    clock += dt / 1000;
    const n = byId.get(id) as ProfileNode;
    if (clock < from || clock > to || n.callFrame.functionName === '(idle)') return;
    const name = `${n.callFrame.functionName || '(anonymous)'} (${where(n.callFrame.url)})`;
    self.set(name, (self.get(name) ?? 0) + dt);
  });
  const requests = result.requests.total;
  return { perRequest: new Map([...self].map(([k, v]) => [k, v / requests])), requests };
}

function where(url: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1] as string;
  if (url.includes('/dist/')) return 'corskit';
  if (url.includes('/bench/')) return 'benchmark server';
  if (url.startsWith('node:')) return url.slice(5);
  return url === '' ? 'native' : 'other';
}

const results = new Map<string, { perRequest: Map<string, number>; requests: number }>();
for (const v of variants) results.set(v, await profileOf(v));
const names = new Set<string>();
for (const r of results.values()) for (const k of r.perRequest.keys()) names.add(k);
const at = (v: string, name: string) => results.get(v)?.perRequest.get(name) ?? 0;
const spread = (name: string) => {
  const xs = variants.map((v) => at(v, name));
  return Math.max(...xs) - Math.min(...xs);
};
const rows = [...names].sort((a, b) => spread(b) - spread(a)).slice(0, Number(process.env.ROWS ?? 15));
const totals = variants.map((v) =>
  [...(results.get(v)?.perRequest.values() ?? [])].reduce((a, b) => a + b, 0),
);
console.log(
  `\n#### Profile: ${framework}, ${kind} (${seconds} s per variant; main-thread self time per request, µs)\n`,
);
console.log(`| function (where) | ${variants.join(' | ')} |`);
console.log(`|---|${variants.map(() => '---:').join('|')}|`);
console.log(`| **all (busy main thread)** | ${totals.map((t) => `**${t.toFixed(2)}**`).join(' | ')} |`);
for (const name of rows)
  console.log(`| ${name} | ${variants.map((v) => at(v, name).toFixed(2)).join(' | ')} |`);
console.log(
  `\nRequests answered: ${variants.map((v) => `${v} ${results.get(v)?.requests.toLocaleString('en-US')}`).join(', ')}.`,
);
