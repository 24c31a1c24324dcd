// The sample outputs shown in README.md and docs/: each is produced by running the built CLI
// (`npm run build` first) against loopback servers this script starts, then written into the block that
// follows its `<!-- sample: ID -->` marker.
//
//   node scripts/docs-samples.mjs           regenerate every sample in place (npm run docs:samples)
//   node scripts/docs-samples.mjs --check   compare instead, and exit 1 on drift (the test suite does)
//
// Ports, durations and request rates change from run to run; `normalize` blanks them for the comparison
// only, so the docs show a real run. Random labels are made reproducible by scripts/docs-seed.mjs.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
const SEED = join(ROOT, 'scripts/docs-seed.mjs');

/** Runs the built CLI with reproducible random labels; resolves with its output and exit status. */
function corskit(args, { cwd = ROOT, stdin = '' } = {}) {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', pathToFileURL(SEED).href, CLI, ...args],
      { cwd, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : error.code, stdout, stderr });
      },
    );
    child.stdin.end(stdin);
  });
}

const listen = (server) =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));

/** A loopback API with one route configured with corskit and others broken in the classic ways. */
async function startSampleApi() {
  const { withCors } = await import(pathToFileURL(join(ROOT, 'dist/adapters/node.js')).href);
  const items = withCors((_req, res) => res.end('[{"id":1}]'), {
    origins: ['https://app.example.com'],
    credentials: true,
    methods: ['PUT'],
  });
  const json = (res, headers) => {
    res.writeHead(200, { 'Content-Type': 'application/json', ...headers });
    res.end('{}');
  };
  const server = createServer((req, res) => {
    const origin = req.headers.origin;
    const path = req.url ?? '/';
    if (path.startsWith('/items')) return items(req, res);
    if (path === '/api/me') {
      // Echoes any origin, with credentials, and no Vary.
      return json(
        res,
        origin ? { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true' } : {},
      );
    }
    if (path === '/api/partner') {
      // Checks only the start of the origin.
      const ok = origin?.startsWith('https://app.example.com');
      return json(res, {
        ...(ok ? { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true' } : {}),
        Vary: 'Origin',
      });
    }
    if (path === '/api/public') return json(res, { 'Access-Control-Allow-Origin': '*' });
    if (path === '/api/orders') {
      const ok = origin === 'https://app.example.com';
      const allow = ok
        ? { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true' }
        : {};
      if (req.method === 'OPTIONS') {
        // Grants whatever method the preflight asks for.
        const method = req.headers['access-control-request-method'];
        res.writeHead(204, {
          ...allow,
          Vary: 'Origin',
          ...(ok && method ? { 'Access-Control-Allow-Methods': method } : {}),
        });
        return res.end();
      }
      return json(res, { ...allow, Vary: 'Origin' });
    }
    res.writeHead(404).end();
  });
  const port = await listen(server);
  const dead = createServer();
  const deadPort = await listen(dead);
  await new Promise((resolve) => dead.close(resolve));
  return {
    base: `http://127.0.0.1:${port}`,
    down: `http://127.0.0.1:${deadPort}`,
    close: () => server.close(),
  };
}

/** The blocks of a report (separated by blank lines). */
const blocksOf = (text) => text.trimEnd().split('\n\n');

/** `$ corskit ARGS`, the output, and the exit status when it is not 0. */
function transcript(display, { stdout, stderr, code }, { status = true } = {}) {
  const out = `$ corskit ${display}\n${stderr}${stdout}`.trimEnd();
  return status ? `${out}\n$ echo $?\n${code}` : out;
}

const HAR = 'test/fixtures/har/chromium-cors.har';
const POLICY = '{ "origins": ["https://*.example.com", "null"], "credentials": true }\n';
/** The README's shorter audit sample: one finding. */
const README_POLICY = '{ "origins": ["https://*.example.com"], "credentials": true }\n';

/** Every sample: its id, and how to produce it given the running API. */
const SAMPLES = {
  async 'check-blocked'({ api }) {
    const args = ['check', `${api.base}/items`, '--origin', 'https://app.example.com', '--method', 'PUT'];
    args.push('--header', 'Content-Type: application/json', '--credentials');
    const display = `check ${api.base}/items --origin https://app.example.com --method PUT \\\n    --header 'Content-Type: application/json' --credentials`;
    return transcript(display, await corskit(args));
  },
  async 'readme-check'({ api }) {
    const args = ['check', `${api.base}/items`, '--origin', 'https://app.example.com', '--method', 'PUT'];
    args.push('--header', 'Content-Type: application/json');
    const run = await corskit(args);
    // The fix as code for each library follows; the README shows where it starts.
    const cut = run.stdout.indexOf('\n  In corskit:');
    if (cut < 0) throw new Error('readme-check: the check output has no "In corskit:" section any more');
    const stdout = `${run.stdout.slice(0, cut)}\n  In corskit: ... (then the same fix for cors, @fastify/cors, hono/cors, @koa/cors, nginx)\n`;
    const display = `check ${api.base}/items --origin https://app.example.com \\\n    --method PUT --header 'Content-Type: application/json'`;
    return transcript(display, { ...run, stdout }, { status: false });
  },
  async 'explain-har'() {
    const run = await corskit(['explain', HAR]);
    const wanted = ['/api/header-not-allowed', '/api/redirect-tainted', '/api/down'];
    const blocks = blocksOf(run.stdout);
    const shown = blocks.filter((b) => wanted.some((w) => b.split('\n')[0].endsWith(w)));
    return [...shown, blocks.at(-1)].join('\n\n');
  },
  async 'readme-explain'() {
    const run = await corskit(['explain', HAR]);
    const blocks = blocksOf(run.stdout);
    const shown = blocks.filter((b) => b.split('\n')[0].endsWith('/api/no-acao'));
    return transcript(
      `explain chromium-cors.har`,
      { ...run, stdout: [...shown, blocks.at(-1)].join('\n\n') },
      { status: false },
    ).replace('\n', '\n(one of nine exchanges shown)\n');
  },
  async 'audit-live'({ api }) {
    const urls = ['me', 'partner', 'public', 'orders'].map((p) => `${api.base}/api/${p}`);
    // One target at a time, so that the seeded random labels come out in the same order on every run.
    const args = ['audit', ...urls, `${api.down}/api/down`, '--origin', 'https://app.example.com'];
    args.push('--concurrency', '1');
    const display = `audit ${urls.join(' ')} \\\n    ${api.down}/api/down --origin https://app.example.com --concurrency 1`;
    return transcript(display, await corskit(args));
  },
  async 'audit-json-finding'({ api }) {
    const args = ['audit', `${api.base}/api/partner`, '--origin', 'https://app.example.com', '--json'];
    const run = await corskit(args);
    const finding = JSON.parse(run.stdout).targets[0].findings.find((f) => f.id === 'prefix-match');
    return JSON.stringify(finding, null, 2);
  },
  async 'audit-policy'({ dir }) {
    return transcript(
      'audit --policy cors.json',
      await corskit(['audit', '--policy', 'cors.json'], { cwd: dir }),
    );
  },
  async 'readme-audit'({ dir }) {
    return transcript(
      'audit --policy cors.json',
      await corskit(['audit', '--policy', 'cors.json'], { cwd: join(dir, 'readme') }),
    );
  },
  async 'readme-simulate'() {
    const run = await corskit(['simulate', 'examples/scenarios.json']);
    const third = blocksOf(run.stdout)[2];
    return transcript('simulate examples/scenarios.json   # the third of its three scenarios', {
      ...run,
      stdout: third,
    });
  },
  async 'simulate-invalid'() {
    const bad =
      '{"origin":"http://a.test","request":{"url":"http://b.test/","mode":"sideways","heders":{}},"server":{}}';
    return transcript(`simulate - <<< '${bad}'`, await corskit(['simulate', '-'], { stdin: bad }));
  },
  async 'usage-errors'() {
    const a = await corskit(['check', 'https://api.example.com/items']);
    const b = await corskit(['audit', 'https://api.example.com/me', '--cookie', 'sid=…']);
    return [
      transcript('check https://api.example.com/items', a),
      transcript(`audit https://api.example.com/me --cookie 'sid=…'`, b),
    ].join('\n');
  },
};

/** Blanks what changes from run to run: ports, durations, rates. */
export function normalize(text) {
  return text
    .replace(/(127\.0\.0\.1|localhost):\d{2,5}\b/g, '$1:PORT')
    .replace(/\b[1-6]\d{4}\b/g, 'PORT') // a port on its own, as in the origin comparison
    .replace(/[─]+/g, '─')
    .replace(/ +/g, ' ')
    .replace(/\d+(\.\d+)? s\b/g, 'T s')
    .replace(/\(\d+\/s\)/g, '(N/s)')
    .replace(/"durationMs": [\d.]+/g, '"durationMs": T');
}

/** README.md and docs/**.md. */
function pages() {
  const out = ['README.md'];
  const walk = (dir) => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      if (e.isDirectory()) walk(`${dir}/${e.name}`);
      else if (e.name.endsWith('.md')) out.push(`${dir}/${e.name}`);
    }
  };
  walk('docs');
  return out;
}

const MARKER = /<!-- sample: ([\w-]+) -->\n```(\w*)\n([\s\S]*?)```/g;

/** Runs every sample; returns id → text. */
export async function generateSamples() {
  const api = await startSampleApi();
  const dir = mkdtempSync(join(tmpdir(), 'corskit-samples-'));
  writeFileSync(join(dir, 'cors.json'), POLICY);
  mkdirSync(join(dir, 'readme'));
  writeFileSync(join(dir, 'readme', 'cors.json'), README_POLICY);
  try {
    // Each sample is its own process: they run at once.
    const made = await Promise.all(
      Object.entries(SAMPLES).map(async ([id, make]) => [id, await make({ api, dir })]),
    );
    return Object.fromEntries(made);
  } finally {
    api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each page's sample blocks: { page, id, shown }. */
export function sampleBlocks() {
  return pages().flatMap((page) =>
    [...readFileSync(join(ROOT, page), 'utf8').matchAll(MARKER)].map((m) => ({
      page,
      id: m[1],
      shown: m[3],
    })),
  );
}

/** Writes the samples into every page that shows them. */
function write(samples) {
  for (const page of pages()) {
    const text = readFileSync(join(ROOT, page), 'utf8');
    const next = text.replace(MARKER, (_whole, id, lang) => {
      if (!(id in samples)) throw new Error(`${page}: no sample named ${id}`);
      return `<!-- sample: ${id} -->\n\`\`\`${lang}\n${samples[id]}\n\`\`\``;
    });
    if (next !== text) writeFileSync(join(ROOT, page), next);
  }
}

/** The samples that differ from what the docs show, once normalized. */
export function drift(samples) {
  const blocks = sampleBlocks();
  const unused = Object.keys(samples).filter((id) => !blocks.some((b) => b.id === id));
  return [
    ...blocks
      .filter(({ id, shown }) => !(id in samples) || normalize(shown.trimEnd()) !== normalize(samples[id]))
      .map(({ page, id }) => `${page}: sample ${id} differs from a fresh run`),
    ...unused.map((id) => `sample ${id} is shown nowhere`),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const samples = await generateSamples();
  if (process.argv.includes('--check')) {
    const stale = drift(samples);
    for (const s of stale) console.error(`corskit docs: ${s} (npm run docs:samples rewrites them)`);
    process.exitCode = stale.length > 0 ? 1 : 0;
  } else {
    write(samples);
    console.log(`${Object.keys(samples).length} samples written`);
  }
}
