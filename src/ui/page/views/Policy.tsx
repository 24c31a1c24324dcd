// Policy builder: a corskit policy as a form. The local server validates it (createCorsPolicy's own
// checks), audits it statically, writes it for each adapter, and tries a request against it.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, postJson } from '../api.js';
import { CodeTabs, VerdictBanner } from '../components/common.js';
import { Diagram } from '../diagram/Diagram.js';
import type { PolicyReportView } from '../model.js';
import { parseHeaderLines, replaceState } from '../route.js';
import { Findings } from './Findings.js';

interface Form {
  origins: string;
  anyOrigin: boolean;
  credentials: boolean;
  methods: string;
  requestHeaders: string;
  exposedHeaders: string;
  maxAge: string;
  preflightStatus: string;
  varyPreflight: boolean;
  tryOrigin: string;
  tryMethod: string;
  tryHeaders: string;
  tryCredentials: boolean;
}

const DEFAULTS: Form = {
  origins: 'https://app.example.com',
  anyOrigin: false,
  credentials: true,
  methods: 'PUT, DELETE',
  requestHeaders: 'Content-Type, Authorization',
  exposedHeaders: '',
  maxAge: '7200',
  preflightStatus: '204',
  varyPreflight: false,
  tryOrigin: 'https://app.example.com',
  tryMethod: 'PUT',
  tryHeaders: 'Content-Type: application/json',
  tryCredentials: true,
};

const list = (text: string): string[] =>
  text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** The form as the config createCorsPolicy takes (omitting what is left at its default). */
export function configOf(f: Form): Record<string, unknown> {
  const c: Record<string, unknown> = { origins: f.anyOrigin ? '*' : list(f.origins) };
  if (f.credentials) c.credentials = true;
  const lists = { methods: f.methods, requestHeaders: f.requestHeaders, exposedHeaders: f.exposedHeaders };
  for (const [k, v] of Object.entries(lists)) {
    if (v.trim() === '*') c[k] = '*';
    else if (list(v).length > 0) c[k] = list(v);
  }
  if (f.maxAge.trim() !== '') c.maxAge = Number(f.maxAge);
  if (f.preflightStatus !== '204') c.preflightStatus = Number(f.preflightStatus);
  if (f.varyPreflight) c.varyPreflight = true;
  return c;
}

function formFrom(p: URLSearchParams): Form {
  const f = { ...DEFAULTS };
  for (const k of Object.keys(DEFAULTS) as (keyof Form)[]) {
    const v = p.get(k);
    if (v === null) continue;
    if (typeof DEFAULTS[k] === 'boolean') (f as Record<string, unknown>)[k] = v === '1';
    else (f as Record<string, unknown>)[k] = v;
  }
  return f;
}

function paramsOf(f: Form): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(f)) out[k] = typeof v === 'boolean' ? (v ? '1' : '0') : v;
  return out;
}

/** Which field a problem's path belongs to: `origins[2]` -> origins. */
function fieldOf(path: string): string {
  const m = /^[A-Za-z]+/.exec(path);
  return m === null ? '' : m[0];
}

export function PolicyView(props: { params: URLSearchParams }) {
  const [form, setForm] = useState<Form>(() => formFrom(props.params));
  const [report, setReport] = useState<PolicyReportView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const config = useMemo(() => configOf(form), [form]);
  const update = (patch: Partial<Form>) => {
    const next = { ...form, ...patch };
    setForm(next);
    replaceState('policy', paramsOf(next));
  };
  useEffect(() => {
    let stale = false;
    const timer = setTimeout(async () => {
      try {
        const r = await postJson<PolicyReportView>('/api/policy', {
          config,
          try: {
            origin: form.tryOrigin,
            method: form.tryMethod,
            headers: parseHeaderLines(form.tryHeaders),
            credentials: form.tryCredentials,
          },
        });
        if (!stale) {
          setReport(r);
          setError(null);
        }
      } catch (err) {
        if (!stale) setError(err instanceof ApiError ? err.message : String(err));
      }
    }, 250);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [JSON.stringify(config), form.tryOrigin, form.tryMethod, form.tryHeaders, form.tryCredentials]);

  const problems = report?.problems ?? [];
  const problemsFor = (field: string) => {
    const mine = problems.filter((p) => fieldOf(p.path) === field);
    if (mine.length === 0) return null;
    return (
      <ul class="field-errors" id={`${field}-errors`}>
        {mine.map((p) => (
          <li key={p.path + p.message}>
            <strong>{p.path}</strong>: {p.message}. Fix: {p.fix}.
          </li>
        ))}
      </ul>
    );
  };
  const invalid = (field: string) => problems.some((p) => fieldOf(p.path) === field);
  const described = (field: string) =>
    invalid(field) ? { 'aria-invalid': true, 'aria-describedby': `${field}-errors` } : {};
  const known = new Set([
    'origins',
    'credentials',
    'methods',
    'requestHeaders',
    'exposedHeaders',
    'maxAge',
    'preflightStatus',
  ]);
  const otherProblems = problems.filter((p) => !known.has(fieldOf(p.path)));

  return (
    <div class="view">
      <header class="intro">
        <h2>Build a policy</h2>
        <p>
          Fill in who may call your API. corskit validates the policy as <code>createCorsPolicy</code> would,
          audits it for the misconfigurations attackers use, and writes it for your framework.
        </p>
      </header>
      <div class="split">
        <form class="card form" aria-label="Policy" onSubmit={(e) => e.preventDefault()}>
          <fieldset>
            <legend>Origins</legend>
            <label class="inline">
              <input
                type="checkbox"
                name="anyOrigin"
                checked={form.anyOrigin}
                onChange={(e) => update({ anyOrigin: e.currentTarget.checked })}
              />
              Any origin ("*": a public resource, never with credentials)
            </label>
            <label>
              Allowed origins (one per line: exact, https://*.example.com, http://localhost:*)
              <textarea
                name="origins"
                rows={3}
                disabled={form.anyOrigin}
                value={form.origins}
                spellcheck={false}
                onInput={(e) => update({ origins: e.currentTarget.value })}
                {...described('origins')}
              />
            </label>
            {problemsFor('origins')}
            <label class="inline">
              <input
                type="checkbox"
                name="credentials"
                checked={form.credentials}
                onChange={(e) => update({ credentials: e.currentTarget.checked })}
              />
              Credentials (cookies, HTTP authentication)
            </label>
            {problemsFor('credentials')}
          </fieldset>
          <fieldset>
            <legend>Requests</legend>
            <label>
              Methods beyond GET, HEAD, POST (comma-separated, or *)
              <input
                name="methods"
                value={form.methods}
                onInput={(e) => update({ methods: e.currentTarget.value })}
                {...described('methods')}
              />
            </label>
            {problemsFor('methods')}
            <label>
              Request headers pages may send (or *)
              <input
                name="requestHeaders"
                value={form.requestHeaders}
                onInput={(e) => update({ requestHeaders: e.currentTarget.value })}
                {...described('requestHeaders')}
              />
            </label>
            {problemsFor('requestHeaders')}
            <label>
              Response headers pages may read (or *)
              <input
                name="exposedHeaders"
                value={form.exposedHeaders}
                onInput={(e) => update({ exposedHeaders: e.currentTarget.value })}
                {...described('exposedHeaders')}
              />
            </label>
            {problemsFor('exposedHeaders')}
            <div class="row">
              <label>
                Preflight cache, seconds (maxAge)
                <input
                  name="maxAge"
                  inputMode="numeric"
                  value={form.maxAge}
                  onInput={(e) => update({ maxAge: e.currentTarget.value })}
                  {...described('maxAge')}
                />
              </label>
              <label>
                Preflight status
                <select
                  name="preflightStatus"
                  value={form.preflightStatus}
                  onChange={(e) => update({ preflightStatus: e.currentTarget.value })}
                >
                  <option value="204">204</option>
                  <option value="200">200</option>
                </select>
              </label>
            </div>
            {problemsFor('maxAge')}
            <label class="inline">
              <input
                type="checkbox"
                name="varyPreflight"
                checked={form.varyPreflight}
                onChange={(e) => update({ varyPreflight: e.currentTarget.checked })}
              />
              Vary on the preflight's request headers (for CDNs that cache OPTIONS)
            </label>
          </fieldset>
          <fieldset>
            <legend>Try a request against this policy</legend>
            <div class="row">
              <label>
                From origin
                <input
                  name="tryOrigin"
                  value={form.tryOrigin}
                  onInput={(e) => update({ tryOrigin: e.currentTarget.value })}
                />
              </label>
              <label>
                Method
                <input
                  name="tryMethod"
                  value={form.tryMethod}
                  onInput={(e) => update({ tryMethod: e.currentTarget.value })}
                />
              </label>
            </div>
            <label>
              Headers (one "Name: value" per line)
              <textarea
                name="tryHeaders"
                rows={2}
                value={form.tryHeaders}
                onInput={(e) => update({ tryHeaders: e.currentTarget.value })}
              />
            </label>
            <label class="inline">
              <input
                type="checkbox"
                name="tryCredentials"
                checked={form.tryCredentials}
                onChange={(e) => update({ tryCredentials: e.currentTarget.checked })}
              />
              With credentials
            </label>
          </fieldset>
        </form>
        <div
          class="result"
          aria-live="polite"
          data-testid="policy-result"
          data-valid={report === null ? '' : String(report.valid)}
        >
          {error !== null ? (
            <p class="error" role="alert">
              {error}
            </p>
          ) : null}
          {report === null ? <p class="muted">Checking…</p> : null}
          {report !== null ? (
            <>
              <div class={`verdict ${report.valid ? 'verdict-allowed' : 'verdict-blocked'}`} role="status">
                <strong>
                  {report.valid
                    ? 'Valid: createCorsPolicy accepts it'
                    : `Invalid: ${problems.length} problem${problems.length === 1 ? '' : 's'} to fix`}
                </strong>
              </div>
              {otherProblems.length > 0 ? (
                <ul class="field-errors">
                  {otherProblems.map((p) => (
                    <li key={p.path}>
                      <strong>{p.path}</strong>: {p.message}. Fix: {p.fix}.
                    </li>
                  ))}
                </ul>
              ) : null}
              <section class="card" aria-labelledby="policy-findings-h">
                <h3 id="policy-findings-h">Static audit</h3>
                {report.findings.length === 0 ? (
                  <p class="ok-text">No misconfiguration found.</p>
                ) : (
                  <Findings findings={report.findings} />
                )}
              </section>
              {report.code.length > 0 ? (
                <section class="card" aria-labelledby="policy-code-h">
                  <h3 id="policy-code-h">The code</h3>
                  <CodeTabs
                    name="policy-code"
                    items={report.code.map((c) => ({ id: c.adapter, title: c.title, code: c.code }))}
                  />
                </section>
              ) : null}
              {report.trial !== null ? (
                <section
                  class="card"
                  aria-labelledby="policy-try-h"
                  data-testid="policy-trial"
                  data-outcome={report.trial.outcome}
                >
                  <h3 id="policy-try-h">The request, against this policy</h3>
                  <VerdictBanner verdict={report.trial.outcome} code={report.trial.error?.code ?? null} />
                  {report.trial.error !== null ? (
                    <pre class="console">{report.trial.error.message}</pre>
                  ) : null}
                  <Diagram
                    pageOrigin={form.tryOrigin}
                    url="https://api.example.com/items"
                    events={report.trial.events}
                    error={report.trial.error}
                    browserName="Chrome"
                    title="Sequence diagram: the request against this policy"
                  />
                </section>
              ) : null}
            </>
          ) : null}
        </div>
      </div>
    </div>
  );
}
