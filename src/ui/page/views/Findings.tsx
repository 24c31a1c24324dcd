// Audit findings with their evidence (the request that proved each one and the answer's CORS headers).
import type { FindingView } from '../model.js';

function headerLines(h: Record<string, string | string[]>): string {
  return Object.entries(h)
    .map(([n, v]) => `${n}: ${Array.isArray(v) ? v.join(', ') : v}`)
    .join('\n');
}

export function Findings(props: { findings: readonly FindingView[] }) {
  return (
    <ul class="findings">
      {props.findings.map((f, i) => (
        <li class={`finding severity-${f.severity}`} key={`${f.id}-${i}`} data-finding={f.id}>
          <div class="finding-head">
            <span class={`severity severity-${f.severity}`}>{f.severity}</span>
            <strong>{f.id}</strong>
            <span class="muted">
              {f.origin}
              {f.credentials ? ' · with credentials' : ''}
            </span>
          </div>
          {f.evidence.note !== undefined ? <p>{f.evidence.note}</p> : null}
          {f.evidence.config !== undefined ? (
            <p>
              In the config at <code>{f.evidence.config.path}</code>: <code>{f.evidence.config.value}</code>
            </p>
          ) : null}
          <p class="fix">
            <strong>Fix:</strong> {f.fix}
          </p>
          {f.evidence.exchanges.length > 0 ? (
            <details>
              <summary>Evidence ({f.evidence.via})</summary>
              {f.evidence.exchanges.map((x, k) => (
                <pre class="evidence" key={k}>
                  {`${x.request.method} ${x.request.url}\n${headerLines(x.request.headers)}\n\n→ ${x.response.status}\n${headerLines(x.response.headers)}`}
                </pre>
              ))}
            </details>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
