// Audit: the live misconfiguration scan, run by the local server; progress streams in as each target
// finishes. Findings come with the exchange that proved them; the report exports as SARIF.
import { useState } from 'preact/hooks';
import { ApiError, postStream } from '../api.js';
import type { AuditTargetView } from '../model.js';
import { replaceState } from '../route.js';
import { Findings } from './Findings.js';

interface Done {
  readonly report: {
    readonly targets: readonly AuditTargetView[];
    readonly summary: Record<string, unknown>;
  };
  readonly sarif: unknown;
}

function download(name: string, value: unknown): void {
  const url = URL.createObjectURL(
    new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: 'application/json' }),
  );
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function AuditView(props: { params: URLSearchParams }) {
  const [urls, setUrls] = useState(props.params.get('urls') ?? 'http://localhost:8080/api/items');
  const [trusted, setTrusted] = useState(props.params.get('trusted') ?? '');
  const [progress, setProgress] = useState<{ done: number; total: number; last: string } | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const publish = (u: string, t: string) =>
    replaceState('audit', { urls: u, ...(t !== '' ? { trusted: t } : {}) });
  const lines = (text: string) =>
    text
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const run = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    setProgress({ done: 0, total: lines(urls).length, last: '' });
    try {
      await postStream('/api/audit', { urls: lines(urls), trustedOrigins: lines(trusted) }, (value) => {
        const v = value as { type: string; done?: number; total?: number; url?: string; message?: string };
        if (v.type === 'start') setProgress({ done: 0, total: v.total ?? 0, last: '' });
        else if (v.type === 'progress')
          setProgress({ done: v.done ?? 0, total: v.total ?? 0, last: v.url ?? '' });
        else if (v.type === 'done') setDone(value as Done);
        else if (v.type === 'error') setError(v.message ?? 'the audit failed');
      });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="view">
      <header class="intro">
        <h2>Audit endpoints</h2>
        <p>
          corskit sends each URL requests from the origins attackers use (look-alike domains, null, http://,
          other ports…) and reports every misconfiguration it can prove. Only audit servers you are allowed to
          test.
        </p>
      </header>
      <form class="card form" onSubmit={run} aria-label="Audit">
        <label>
          URLs to audit (one per line)
          <textarea
            name="urls"
            rows={3}
            required
            spellcheck={false}
            value={urls}
            onInput={(e) => {
              setUrls(e.currentTarget.value);
              publish(e.currentTarget.value, trusted);
            }}
          />
        </label>
        <label>
          Origins the site trusts (optional, one per line; https://*.example.com allowed)
          <textarea
            name="trusted"
            rows={2}
            spellcheck={false}
            value={trusted}
            onInput={(e) => {
              setTrusted(e.currentTarget.value);
              publish(urls, e.currentTarget.value);
            }}
          />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Auditing…' : 'Run audit'}
        </button>
      </form>
      {progress !== null ? (
        <div class="card progress-card">
          <label>
            {progress.done} of {progress.total} audited
            {progress.last !== '' ? ` (last: ${progress.last})` : ''}
            <progress max={Math.max(1, progress.total)} value={progress.done} data-testid="audit-progress" />
          </label>
        </div>
      ) : null}
      {error !== null ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {done !== null ? (
        <div class="result" data-testid="audit-result">
          <div class="row">
            <button
              type="button"
              class="secondary"
              onClick={() => download('corskit-audit.sarif', done.sarif)}
            >
              Export SARIF
            </button>
            <button
              type="button"
              class="secondary"
              onClick={() => download('corskit-audit.json', done.report)}
            >
              Export JSON
            </button>
          </div>
          {done.report.targets.map((t) => (
            <section class="card" key={t.url} aria-label={`Findings for ${t.url}`} data-target={t.url}>
              <h3>{t.url}</h3>
              <p class="muted">{t.requests} requests</p>
              {t.error !== null ? <p class="error">Unreachable: {t.error}</p> : null}
              {t.error === null && t.findings.length === 0 ? (
                <p class="ok-text">No misconfiguration found.</p>
              ) : null}
              <Findings findings={t.findings} />
            </section>
          ))}
        </div>
      ) : null}
    </div>
  );
}
