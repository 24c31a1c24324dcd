// Small pieces the views share: the verdict banner, code with a copy button, the origin comparison,
// the fixes per framework, warnings.
import { useState } from 'preact/hooks';
import type { FixView, Verdict, WarningView } from '../model.js';
import type { OriginComparison } from '../origins.js';

const VERDICT_TEXT: Record<Verdict, string> = {
  allowed: 'Allowed: the page can read the response',
  blocked: 'Blocked by CORS',
  'same-origin': 'Same origin: CORS does not apply',
  'network-error': 'Network error',
  incomplete: 'Incomplete: the HAR lacks an answer',
  opaque: 'Opaque: sent, but the page sees nothing',
};

export function VerdictBanner(props: { verdict: Verdict; code?: string | null; detail?: string | null }) {
  return (
    <div
      class={`verdict verdict-${props.verdict}`}
      role="status"
      data-verdict={props.verdict}
      data-code={props.code ?? ''}
    >
      <strong>{VERDICT_TEXT[props.verdict]}</strong>
      {props.code ? <span class="code-tag">{props.code}</span> : null}
      {props.detail ? <span class="verdict-detail">{props.detail}</span> : null}
    </div>
  );
}

export function CopyButton(props: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
    } catch {
      // No clipboard permission (headless, http): select the text instead.
      const area = document.createElement('textarea');
      area.value = props.text;
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <button type="button" class="copy" onClick={copy}>
      {copied ? 'Copied' : 'Copy'}
      <span class="sr-only"> {props.label}</span>
    </button>
  );
}

export function CodeBlock(props: { code: string; label: string }) {
  return (
    <div class="code-block">
      <CopyButton text={props.code} label={props.label} />
      <pre>
        <code>{props.code}</code>
      </pre>
    </div>
  );
}

/** Tabs of code, one per framework; arrow keys move between tabs. */
export function CodeTabs(props: {
  items: readonly { id: string; title: string; code: string }[];
  name: string;
}) {
  const [active, setActive] = useState(0);
  const items = props.items;
  if (items.length === 0) return null;
  const current = items[Math.min(active, items.length - 1)] as (typeof items)[number];
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    e.preventDefault();
    const next = (active + (e.key === 'ArrowRight' ? 1 : items.length - 1)) % items.length;
    setActive(next);
    (document.getElementById(`${props.name}-tab-${next}`) as HTMLElement | null)?.focus();
  };
  return (
    <div class="tabs">
      <div role="tablist" aria-label={props.name} class="tablist">
        {items.map((it, i) => (
          <button
            type="button"
            role="tab"
            id={`${props.name}-tab-${i}`}
            aria-selected={i === active}
            aria-controls={`${props.name}-panel`}
            tabIndex={i === active ? 0 : -1}
            key={it.id}
            onClick={() => setActive(i)}
            onKeyDown={onKey}
          >
            {it.title}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${props.name}-panel`} aria-labelledby={`${props.name}-tab-${active}`}>
        <CodeBlock code={current.code} label={current.title} />
      </div>
    </div>
  );
}

const FIX_DIALECTS: readonly { key: keyof FixView; title: string }[] = [
  { key: 'corskit', title: 'corskit' },
  { key: 'expressCors', title: 'express cors' },
  { key: 'fastifyCors', title: '@fastify/cors' },
  { key: 'honoCors', title: 'hono/cors' },
  { key: 'koaCors', title: '@koa/cors' },
  { key: 'nginx', title: 'nginx' },
];

function headerText(list: readonly (readonly [string, string])[]): string {
  return list.map(([n, v]) => `${n}: ${v}`).join('\n');
}

export function Fixes(props: { fixes: FixView | null | undefined; name: string }) {
  const f = props.fixes;
  if (f === null || f === undefined || typeof f !== 'object') return null;
  const items = FIX_DIALECTS.flatMap(({ key, title }) => {
    const code = f[key];
    return typeof code === 'string' ? [{ id: key, title, code }] : [];
  });
  const preflight = Array.isArray(f.preflight) ? f.preflight : null;
  const actual = Array.isArray(f.actual) ? f.actual : null;
  return (
    <section class="card" aria-labelledby={`${props.name}-fix-h`}>
      <h3 id={`${props.name}-fix-h`}>
        The fix
        {f.proven === true ? <span class="badge">proven: replayed with these headers, it passes</span> : null}
      </h3>
      {preflight !== null ? (
        <>
          <p>Answer the preflight (OPTIONS, status 204) with:</p>
          <CodeBlock code={headerText(preflight)} label="preflight headers" />
        </>
      ) : null}
      {actual !== null ? (
        <>
          <p>Answer the request itself with:</p>
          <CodeBlock code={headerText(actual)} label="response headers" />
        </>
      ) : null}
      <CodeTabs items={items} name={`${props.name}-fix`} />
    </section>
  );
}

export function Warnings(props: {
  warnings: readonly WarningView[] | undefined;
  advice?: readonly string[] | undefined;
}) {
  const warnings = Array.isArray(props.warnings) ? props.warnings : [];
  const advice = Array.isArray(props.advice) ? props.advice.filter((a) => typeof a === 'string') : [];
  if (warnings.length === 0 && advice.length === 0) return null;
  return (
    <section class="card" aria-label="Warnings and advice">
      {warnings.length > 0 ? <h3>Warnings</h3> : null}
      <ul class="warnings">
        {warnings.map((w) => (
          <li key={w.id} class="warning">
            <span class="code-tag">{w.id}</span> {w.message}
          </li>
        ))}
      </ul>
      {advice.length > 0 ? (
        <>
          <h3>For the page</h3>
          <ul>
            {advice.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

/** Scheme, host and port side by side; the doctor's comparison when the report has one. */
export function OriginTable(props: { comparison: Partial<OriginComparison> | null | undefined }) {
  const c = props.comparison;
  if (c === null || c === undefined) return null;
  const rows = (['scheme', 'host', 'port'] as const).flatMap((k) => {
    const p = c[k];
    return p !== undefined && p !== null && typeof p === 'object' ? [[k, p] as const] : [];
  });
  const notes = Array.isArray(c.notes) ? c.notes.filter((n) => typeof n === 'string') : [];
  return (
    <section class="card" aria-labelledby="origins-h">
      <h3 id="origins-h">The origins, compared</h3>
      <table class="origins">
        <thead>
          <tr>
            <th scope="col">part</th>
            <th scope="col">page</th>
            <th scope="col">target</th>
            <th scope="col">equal</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([k, p]) => (
            <tr key={k} class={p.equal ? 'same' : 'differs'}>
              <th scope="row">{k}</th>
              <td>{String(p.page)}</td>
              <td>{String(p.target)}</td>
              <td>{p.equal ? '= same' : '≠ differs'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="origin-summary">
        {typeof c.sameOrigin === 'boolean' ? (c.sameOrigin ? 'Same origin' : 'Cross-origin') : null}
        {typeof c.sameSite === 'boolean' ? ` · ${c.sameSite ? 'same site' : 'cross-site'}` : null}
      </p>
      <ul>
        {notes.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
    </section>
  );
}
