// What-if: edit the request and the server's answers; the simulator runs in this page on every
// keystroke and the diagram follows. Switch the browser to see where browsers differ.
import { useMemo, useState } from 'preact/hooks';
import type { Scenario, ServerAnswer } from '../../../browser/scenario.js';
import { toHeaderList } from '../../../browser/scenario.js';
import type { BrowserName } from '../../../spec/index.js';
import { CodeBlock, OriginTable, VerdictBanner } from '../components/common.js';
import { Diagram } from '../diagram/Diagram.js';
import { compareOrigins } from '../origins.js';
import { formatHeaderLines, parseHeaderLines, replaceState } from '../route.js';
import { DEFAULT_SCENARIO, PRESETS, runWhatIf } from '../whatif.js';
import { BROWSER_CHOICES, browserLabel } from './browsers.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function scenarioFromParams(p: URLSearchParams): { scenario: unknown; bad: string | null } {
  const s = p.get('s');
  if (s === null) return { scenario: DEFAULT_SCENARIO, bad: null };
  try {
    return { scenario: JSON.parse(s), bad: null };
  } catch {
    return {
      scenario: DEFAULT_SCENARIO,
      bad: 'The link’s scenario is not valid JSON: showing an example instead.',
    };
  }
}

function browserFrom(p: URLSearchParams): BrowserName {
  const b = p.get('browser');
  return (BROWSER_CHOICES as readonly string[]).includes(b ?? '') ? (b as BrowserName) : 'chrome';
}

const asObject = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function headersText(init: unknown): string {
  try {
    return formatHeaderLines(toHeaderList(init as Parameters<typeof toHeaderList>[0]));
  } catch {
    return '';
  }
}

export function WhatIfView(props: { params: URLSearchParams }) {
  const initial = useMemo(() => scenarioFromParams(props.params), []);
  const [scenario, setScenario] = useState<unknown>(initial.scenario);
  const [browser, setBrowser] = useState<BrowserName>(() => browserFrom(props.params));
  // Bumped when the scenario is replaced from outside the fields (preset, link, JSON), to reset them.
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState<string | null>(initial.bad);

  const publish = (next: unknown, nextBrowser: BrowserName) =>
    replaceState('whatif', { s: JSON.stringify(next), browser: nextBrowser });

  // A link opened while the view is shown (hashchange): take its scenario, in this same render.
  const linked = props.params.get('s');
  const linkedBrowser = props.params.get('browser');
  const [seen, setSeen] = useState({ linked, linkedBrowser });
  if (seen.linked !== linked || seen.linkedBrowser !== linkedBrowser) {
    setSeen({ linked, linkedBrowser });
    if (linked !== null && linked !== JSON.stringify(scenario)) {
      const fromLink = scenarioFromParams(props.params);
      setScenario(fromLink.scenario);
      setNotice(fromLink.bad);
      setVersion((v) => v + 1);
    }
    if (linkedBrowser !== null) setBrowser(browserFrom(props.params));
  }

  const replace = (next: unknown) => {
    setScenario(next);
    setVersion((v) => v + 1);
    publish(next, browser);
  };
  const edit = (change: (draft: Mutable<Scenario> & Record<string, unknown>) => void) => {
    const draft = structuredClone(asObject(scenario)) as Mutable<Scenario> & Record<string, unknown>;
    change(draft);
    setScenario(draft);
    publish(draft, browser);
  };
  const switchBrowser = (b: BrowserName) => {
    setBrowser(b);
    publish(scenario, b);
  };

  const outcome = useMemo(() => runWhatIf(scenario, browser), [scenario, browser]);
  const others = useMemo(
    () => BROWSER_CHOICES.map((b) => ({ browser: b, run: runWhatIf(scenario, b) })),
    [scenario],
  );

  const s = asObject(scenario);
  const req = asObject(s.request);
  const server = asObject(s.server);
  const redirects = Array.isArray(server.redirects) ? (server.redirects as ServerAnswer[]) : [];
  const preflights = Array.isArray(server.preflights) ? server.preflights.length : 0;

  return (
    <div class="view">
      <header class="intro">
        <h2>What if…</h2>
        <p>
          Change the request or the server’s answers: corskit’s simulator runs in this page as you type
          (nothing is sent anywhere) and redraws what the browser does.
        </p>
      </header>
      {notice !== null ? <p class="error">{notice}</p> : null}
      <div class="split">
        <form class="card form" aria-label="Scenario" onSubmit={(e) => e.preventDefault()} key={version}>
          <label>
            Start from an example
            <select
              name="preset"
              onChange={(e) => {
                const p = PRESETS.find((x) => x.id === e.currentTarget.value);
                if (p !== undefined) replace(structuredClone(p.scenario));
              }}
            >
              <option value="">(choose)</option>
              {PRESETS.map((p) => (
                <option value={p.id} key={p.id}>
                  {p.title}
                </option>
              ))}
            </select>
          </label>
          <fieldset>
            <legend>The page</legend>
            <label>
              Page origin
              <input
                name="origin"
                value={String(s.origin ?? '')}
                onInput={(e) => edit((d) => (d.origin = e.currentTarget.value))}
              />
            </label>
            <label>
              URL it fetches
              <input
                name="url"
                value={String(req.url ?? '')}
                onInput={(e) =>
                  edit((d) => ((d.request as Mutable<Scenario['request']>).url = e.currentTarget.value))
                }
              />
            </label>
            <div class="row">
              <label>
                Method
                <input
                  name="method"
                  value={String(req.method ?? 'GET')}
                  onInput={(e) =>
                    edit((d) => ((d.request as Mutable<Scenario['request']>).method = e.currentTarget.value))
                  }
                />
              </label>
              <Choice
                label="Credentials"
                name="credentials"
                value={String(req.credentials ?? 'same-origin')}
                options={['omit', 'same-origin', 'include']}
                onChange={(v) =>
                  edit((d) => ((d.request as Mutable<Scenario['request']>).credentials = v as 'omit'))
                }
              />
            </div>
            <div class="row">
              <Choice
                label="Mode"
                name="mode"
                value={String(req.mode ?? 'cors')}
                options={['cors', 'no-cors', 'same-origin']}
                onChange={(v) =>
                  edit((d) => ((d.request as Mutable<Scenario['request']>).mode = v as 'cors'))
                }
              />
              <Choice
                label="Redirect"
                name="redirect"
                value={String(req.redirect ?? 'follow')}
                options={['follow', 'error', 'manual']}
                onChange={(v) =>
                  edit((d) => ((d.request as Mutable<Scenario['request']>).redirect = v as 'follow'))
                }
              />
            </div>
            <HeaderLines
              label="Request headers the page sets"
              name="request-headers"
              initial={headersText(req.headers)}
              onChange={(h) => edit((d) => ((d.request as Mutable<Scenario['request']>).headers = h))}
            />
          </fieldset>
          <fieldset>
            <legend>The server</legend>
            <AnswerFields
              title="Preflight answer (OPTIONS)"
              name="preflight"
              answer={server.preflight as ServerAnswer | undefined}
              emptyNote="No answer set: the server has no OPTIONS route (404)."
              onChange={(a) => edit((d) => setAnswer(d, 'preflight', a))}
            />
            {preflights > 0 ? (
              <p class="muted">
                This scenario lists {preflights} preflight answers in turn (edit them as JSON below).
              </p>
            ) : null}
            {redirects.map((r, i) => (
              <AnswerFields
                key={`${version}-r${i}`}
                title={`Redirect ${i + 1}`}
                name={`redirect-${i}`}
                answer={r}
                onChange={(a) =>
                  edit((d) => {
                    const list = [...((d.server.redirects as ServerAnswer[] | undefined) ?? [])];
                    if (a === undefined) list.splice(i, 1);
                    else list[i] = a;
                    setAnswer(d, 'redirects', list.length > 0 ? list : undefined);
                  })
                }
                removable
              />
            ))}
            <button
              type="button"
              class="secondary"
              onClick={() =>
                replace({
                  ...s,
                  server: {
                    ...server,
                    redirects: [
                      ...redirects,
                      { status: 302, headers: { Location: 'https://other.example.net/next' } },
                    ],
                  },
                })
              }
            >
              Add a redirect
            </button>
            <AnswerFields
              title="Response to the request"
              name="actual"
              answer={server.actual as ServerAnswer | undefined}
              emptyNote="No answer set: a bare 200."
              onChange={(a) => edit((d) => setAnswer(d, 'actual', a))}
            />
          </fieldset>
          <JsonEditor scenario={scenario} onApply={replace} />
        </form>
        <div class="result" aria-live="polite">
          <label class="browser-switch">
            Browser
            <select
              name="browser"
              value={browser}
              onChange={(e) => switchBrowser(e.currentTarget.value as BrowserName)}
            >
              {BROWSER_CHOICES.map((b) => (
                <option value={b} key={b}>
                  {browserLabel(b)}
                </option>
              ))}
            </select>
          </label>
          {outcome.ok ? (
            <WhatIfResult run={outcome} browser={browser} others={others} />
          ) : (
            <p class="error" role="alert" data-testid="whatif-error">
              {outcome.error}
            </p>
          )}
        </div>
      </div>
    </div>
  );
}

function setAnswer(
  d: Mutable<Scenario>,
  key: 'preflight' | 'actual' | 'redirects',
  value: ServerAnswer | ServerAnswer[] | undefined,
): void {
  const server = { ...(d.server as Record<string, unknown>) };
  if (value === undefined) delete server[key];
  else server[key] = value;
  d.server = server as Scenario['server'];
}

function Choice(props: {
  label: string;
  name: string;
  value: string;
  options: readonly string[];
  onChange: (v: string) => void;
}) {
  return (
    <label>
      {props.label}
      <select name={props.name} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.options.map((o) => (
          <option value={o} key={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

function HeaderLines(props: {
  label: string;
  name: string;
  initial: string;
  onChange: (h: [string, string][]) => void;
}) {
  const [text, setText] = useState(props.initial);
  return (
    <label>
      {props.label} <span class="muted">(one “Name: value” per line)</span>
      <textarea
        name={props.name}
        rows={Math.max(2, text.split('\n').length + 1)}
        value={text}
        spellcheck={false}
        onInput={(e) => {
          setText(e.currentTarget.value);
          props.onChange(parseHeaderLines(e.currentTarget.value));
        }}
      />
    </label>
  );
}

function AnswerFields(props: {
  title: string;
  name: string;
  answer: ServerAnswer | undefined;
  emptyNote?: string;
  removable?: boolean;
  onChange: (a: ServerAnswer | undefined) => void;
}) {
  const a = props.answer;
  const [status, setStatus] = useState(a === undefined ? '' : String(a.status));
  const [headers, setHeaders] = useState<[string, string][]>(() => {
    try {
      return toHeaderList(a?.headers);
    } catch {
      return [];
    }
  });
  const emit = (st: string, h: [string, string][]) => {
    if (st.trim() === '' && h.length === 0) return props.onChange(undefined);
    props.onChange({ status: st.trim() === '' ? 200 : Number(st), headers: h });
  };
  return (
    <div class="answer" data-answer={props.name}>
      <div class="answer-head">
        <strong>{props.title}</strong>
        {props.removable ? (
          <button type="button" class="link" onClick={() => props.onChange(undefined)}>
            Remove
          </button>
        ) : null}
      </div>
      <label>
        Status
        <input
          name={`${props.name}-status`}
          inputMode="numeric"
          value={status}
          placeholder={a === undefined ? '(none)' : ''}
          onInput={(e) => {
            setStatus(e.currentTarget.value);
            emit(e.currentTarget.value, headers);
          }}
        />
      </label>
      <HeaderLines
        label="Headers"
        name={`${props.name}-headers`}
        initial={formatHeaderLines(headers)}
        onChange={(h) => {
          setHeaders(h);
          emit(status, h);
        }}
      />
      {a === undefined && props.emptyNote !== undefined ? <p class="muted">{props.emptyNote}</p> : null}
    </div>
  );
}

function JsonEditor(props: { scenario: unknown; onApply: (s: unknown) => void }) {
  const [text, setText] = useState(() => JSON.stringify(props.scenario, null, 2));
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <details class="json-editor">
      <summary>The scenario as JSON (corskit simulate reads it)</summary>
      <textarea
        name="scenario-json"
        aria-label="Scenario JSON"
        rows={12}
        spellcheck={false}
        value={text}
        onFocus={() => setText(JSON.stringify(props.scenario, null, 2))}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      <div class="row">
        <button
          type="button"
          class="secondary"
          onClick={() => {
            try {
              props.onApply(JSON.parse(text));
              setProblem(null);
            } catch (err) {
              setProblem(`Not JSON: ${(err as Error).message}`);
            }
          }}
        >
          Apply JSON
        </button>
        <CodeBlock code={JSON.stringify(props.scenario, null, 2)} label="scenario JSON" />
      </div>
      {problem !== null ? <p class="error">{problem}</p> : null}
    </details>
  );
}

function WhatIfResult(props: {
  run: Extract<ReturnType<typeof runWhatIf>, { ok: true }>;
  browser: BrowserName;
  others: readonly { browser: string; run: ReturnType<typeof runWhatIf> }[];
}) {
  const { scenario, result } = props.run;
  const comparison =
    scenario.origin === 'null' ? null : compareOrigins(scenario.origin, scenario.request.url);
  const mine = `${result.outcome}/${result.error?.code ?? ''}`;
  return (
    <div
      class="whatif-result"
      data-testid="whatif-result"
      data-name={scenario.name ?? ''}
      data-outcome={result.outcome}
      data-code={result.error?.code ?? ''}
      data-status={result.status ?? ''}
      data-visible={result.visibleHeaders.join(',')}
      data-preflight={String(result.preflight.sent)}
      data-actual-sent={String(result.actualSent)}
    >
      <VerdictBanner
        verdict={result.outcome}
        code={result.error?.code ?? null}
        detail={
          result.outcome === 'allowed'
            ? `status ${result.status}; script can read ${result.visibleHeaders.length > 0 ? result.visibleHeaders.join(', ') : 'no headers'}`
            : null
        }
      />
      {result.error !== null ? <pre class="console">{result.error.message}</pre> : null}
      {result.outcome === 'blocked' && result.actualSent ? (
        <p class="warning">
          The request was blocked, but it reached the server and ran: CORS only hid the response from the
          page. State-changing endpoints need CSRF defences, not CORS.
        </p>
      ) : null}
      <Diagram
        pageOrigin={scenario.origin}
        url={scenario.request.url}
        events={result.events}
        error={result.error}
        browserName={browserLabel(props.browser)}
        title={`Sequence diagram: ${scenario.origin} fetches ${scenario.request.url}`}
      />
      <section class="card" aria-labelledby="browsers-h">
        <h3 id="browsers-h">In each browser</h3>
        <table class="browsers">
          <thead>
            <tr>
              <th scope="col">browser</th>
              <th scope="col">outcome</th>
              <th scope="col">error</th>
            </tr>
          </thead>
          <tbody>
            {props.others.map(({ browser, run }) => {
              const theirs = run.ok ? `${run.result.outcome}/${run.result.error?.code ?? ''}` : 'invalid';
              return (
                <tr key={browser} class={theirs !== mine ? 'differs' : ''}>
                  <th scope="row">{browserLabel(browser)}</th>
                  <td>{run.ok ? run.result.outcome : '—'}</td>
                  <td>{run.ok ? (run.result.error?.code ?? '') : run.error}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      <OriginTable comparison={comparison} />
    </div>
  );
}
