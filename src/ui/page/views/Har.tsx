// HAR: drop a file DevTools exported; its cross-origin requests are judged by corskit's HAR reader.
// The file goes to corskit's own server on this machine's loopback address and nowhere else.
import { useState } from 'preact/hooks';
import { ApiError, postJson } from '../api.js';
import { Fixes, VerdictBanner, Warnings } from '../components/common.js';
import { Diagram } from '../diagram/Diagram.js';
import type { ExplainView } from '../model.js';
import { replaceState } from '../route.js';
import { BROWSER_CHOICES, browserLabel } from './browsers.js';

export function HarView(props: { params: URLSearchParams }) {
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [report, setReport] = useState<ExplainView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [over, setOver] = useState(false);
  const [browser, setBrowser] = useState(props.params.get('browser') ?? 'chrome');
  const [selected, setSelected] = useState<number | null>(() => {
    const n = Number(props.params.get('item'));
    return props.params.has('item') && Number.isInteger(n) ? n : null;
  });
  const publish = (b: string, item: number | null) =>
    replaceState('har', { browser: b, ...(item !== null ? { item: String(item) } : {}) });

  const explain = async (f: { name: string; text: string }, b: string) => {
    setBusy(true);
    setError(null);
    try {
      setReport(await postJson<ExplainView>('/api/explain', { har: f.text, name: f.name, browser: b }));
    } catch (err) {
      setReport(null);
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const load = async (f: File | undefined) => {
    if (f === undefined) return;
    const loaded = { name: f.name, text: await f.text() };
    setFile(loaded);
    setSelected(null);
    publish(browser, null);
    await explain(loaded, browser);
  };
  const item = report !== null && selected !== null ? report.items[selected] : undefined;
  return (
    <div class="view">
      <header class="intro">
        <h2>Explain a HAR file</h2>
        <p>
          In DevTools, Network tab: right-click, “Save all as HAR”. Drop the file here: corskit replays each
          cross-origin request and says why it passed or failed. The file is read by the corskit process on
          this machine (127.0.0.1) and goes nowhere else.
        </p>
      </header>
      <div class="card form">
        <label
          class={`dropzone${over ? ' over' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={(e) => {
            e.preventDefault();
            setOver(false);
            void load(e.dataTransfer?.files[0]);
          }}
        >
          <span>{file === null ? 'Drop a .har file here, or choose one' : `Loaded ${file.name}`}</span>
          <input
            type="file"
            name="har"
            accept=".har,application/json"
            onChange={(e) => void load(e.currentTarget.files?.[0])}
          />
        </label>
        <label>
          Judge as
          <select
            name="browser"
            value={browser}
            onChange={(e) => {
              const b = e.currentTarget.value;
              setBrowser(b);
              publish(b, selected);
              if (file !== null) void explain(file, b);
            }}
          >
            {BROWSER_CHOICES.filter((b) => b !== 'spec').map((b) => (
              <option value={b} key={b}>
                {browserLabel(b)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {busy ? <p class="muted">Reading…</p> : null}
      {error !== null ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {report !== null ? (
        <section class="card" aria-labelledby="har-table-h">
          <h3 id="har-table-h">
            {report.items.length} cross-origin request{report.items.length === 1 ? '' : 's'} in{' '}
            {report.entries} entries
          </h3>
          <p class="muted">
            Skipped: {report.skipped.sameOrigin} same-origin, {report.skipped.notCors} not CORS,{' '}
            {report.skipped.unknownOrigin} of unknown origin.
          </p>
          <table class="har-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">method</th>
                <th scope="col">URL</th>
                <th scope="col">from origin</th>
                <th scope="col">verdict</th>
                <th scope="col">error</th>
              </tr>
            </thead>
            <tbody>
              {report.items.map((it, i) => (
                <tr
                  key={i}
                  class={`${selected === i ? 'selected ' : ''}verdict-row-${it.verdict}`}
                  data-verdict={it.verdict}
                >
                  <td>{i + 1}</td>
                  <td>{it.method}</td>
                  <td class="url">
                    <button
                      type="button"
                      class="link"
                      aria-pressed={selected === i}
                      onClick={() => {
                        setSelected(i);
                        publish(browser, i);
                      }}
                    >
                      {it.url}
                    </button>
                  </td>
                  <td>{it.origin}</td>
                  <td>
                    <span class={`pill pill-${it.verdict}`}>{it.verdict}</span>
                  </td>
                  <td>{it.error?.code ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      {item !== undefined ? (
        <div class="result" data-testid="har-item">
          <VerdictBanner verdict={item.verdict} code={item.error?.code ?? null} />
          {item.error !== null ? <pre class="console">{item.error.message}</pre> : null}
          <section class="card" aria-label="Sequence of events">
            <h3>
              {item.method} {item.url}
            </h3>
            <Diagram
              pageOrigin={item.origin}
              url={item.url}
              events={item.events}
              error={item.error}
              browserName={browserLabel(item.browser)}
              title={`Sequence diagram: ${item.origin} fetches ${item.url}`}
            />
          </section>
          {typeof item.advice === 'string' ? (
            <section class="card">
              <h3>Fix</h3>
              <p>{item.advice}</p>
            </section>
          ) : null}
          <Fixes fixes={item.fixes} name="har" />
          <Warnings warnings={item.warnings} />
          {Array.isArray(item.notes) && item.notes.length > 0 ? (
            <section class="card">
              <h3>How the request was read from the HAR</h3>
              <ul>
                {item.notes.map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
            </section>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
