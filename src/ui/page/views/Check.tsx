// Check: a live probe of a real endpoint, run by the local server (a page never sees its preflights).
import { useState } from 'preact/hooks';
import { ApiError, postJson } from '../api.js';
import { Fixes, OriginTable, VerdictBanner, Warnings } from '../components/common.js';
import { Diagram } from '../diagram/Diagram.js';
import type { CheckReportView } from '../model.js';
import { compareOrigins } from '../origins.js';
import { formatHeaderLines, parseHeaderLines, replaceState } from '../route.js';
import { BROWSER_CHOICES, browserLabel } from './browsers.js';

interface Form {
  url: string;
  origin: string;
  method: string;
  headers: string;
  credentials: boolean;
  browser: string;
}

export function formFromParams(p: URLSearchParams): Form {
  return {
    url: p.get('url') ?? 'http://localhost:8080/api/items',
    origin: p.get('origin') ?? 'http://localhost:3000',
    method: p.get('method') ?? 'GET',
    headers: formatHeaderLines(p.getAll('h').map((h) => parseHeaderLines(h)[0] ?? ['', ''])),
    credentials: p.get('credentials') === '1',
    browser: p.get('browser') ?? 'chrome',
  };
}

function paramsOf(f: Form): URLSearchParams {
  const p = new URLSearchParams({ url: f.url, origin: f.origin, method: f.method, browser: f.browser });
  for (const [n, v] of parseHeaderLines(f.headers)) p.append('h', `${n}: ${v}`);
  if (f.credentials) p.set('credentials', '1');
  return p;
}

export function CheckView(props: { params: URLSearchParams }) {
  const [form, setForm] = useState<Form>(() => formFromParams(props.params));
  const [report, setReport] = useState<CheckReportView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const update = (patch: Partial<Form>) => {
    const next = { ...form, ...patch };
    setForm(next);
    replaceState('check', paramsOf(next));
  };
  const run = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setReport(
        await postJson<CheckReportView>('/api/check', {
          url: form.url,
          origin: form.origin,
          method: form.method,
          headers: parseHeaderLines(form.headers),
          credentials: form.credentials,
          browser: form.browser,
        }),
      );
    } catch (err) {
      setReport(null);
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const origins = report === null ? null : (report.origins ?? compareOrigins(report.origin, report.url));
  return (
    <div class="view">
      <header class="intro">
        <h2>Check a live endpoint</h2>
        <p>
          corskit sends exactly what the browser would (the preflight too, which a page never sees) from this
          machine, then explains each step.
        </p>
      </header>
      <form class="card form" onSubmit={run} aria-label="Check a request">
        <div class="grid">
          <label class="wide">
            URL the page fetches
            <input
              name="url"
              type="url"
              required
              value={form.url}
              onInput={(e) => update({ url: e.currentTarget.value })}
            />
          </label>
          <label>
            Page origin
            <input
              name="origin"
              required
              value={form.origin}
              onInput={(e) => update({ origin: e.currentTarget.value })}
            />
          </label>
          <label>
            Method
            <input
              name="method"
              value={form.method}
              onInput={(e) => update({ method: e.currentTarget.value })}
            />
          </label>
          <label class="wide">
            Request headers the page sets (one "Name: value" per line)
            <textarea
              name="headers"
              rows={3}
              value={form.headers}
              onInput={(e) => update({ headers: e.currentTarget.value })}
            />
          </label>
          <label class="inline">
            <input
              type="checkbox"
              name="credentials"
              checked={form.credentials}
              onChange={(e) => update({ credentials: e.currentTarget.checked })}
            />
            Send credentials (credentials: "include")
          </label>
          <label>
            Browser
            <select
              name="browser"
              value={form.browser}
              onChange={(e) => update({ browser: e.currentTarget.value })}
            >
              {BROWSER_CHOICES.filter((b) => b !== 'spec').map((b) => (
                <option value={b} key={b}>
                  {browserLabel(b)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Run check'}
        </button>
      </form>
      {error !== null ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {report !== null ? (
        <div class="result" data-testid="check-result">
          <VerdictBanner verdict={report.verdict} code={report.error?.code ?? null} />
          {report.error !== null ? (
            <section class="card" aria-label="Console message">
              <h3>{browserLabel(report.browser)} console</h3>
              <pre class="console">{report.error.message}</pre>
            </section>
          ) : null}
          <section class="card" aria-label="Sequence of events">
            <h3>What happened</h3>
            <Diagram
              pageOrigin={report.origin}
              url={report.url}
              events={report.events}
              error={report.error}
              browserName={browserLabel(report.browser)}
              title={`Sequence diagram: ${report.origin} fetches ${report.url}`}
            />
          </section>
          <OriginTable comparison={origins} />
          <Fixes fixes={report.fixes} name="check" />
          <Warnings warnings={report.warnings} advice={report.pageAdvice} />
        </div>
      ) : null}
    </div>
  );
}
