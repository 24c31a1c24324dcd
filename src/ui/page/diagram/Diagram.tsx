// The sequence diagram as SVG, drawn from layoutSequence(). Check marks are buttons: they open the rule,
// the standard's section and the browser's console message below the drawing.
import { useMemo, useState } from 'preact/hooks';
import type { SimEvent } from '../../../browser/engine.js';
import { GEOMETRY, layoutSequence, type Row } from './layout.js';
import { ruleFor } from './rules.js';

export interface DiagramProps {
  readonly pageOrigin: string;
  readonly url?: string;
  readonly events: readonly SimEvent[];
  /** The fetch's failure, for the console message of the failing mark. */
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly browserName: string;
  /** Names the drawing for assistive technology. */
  readonly title: string;
}

const CHAR = 7.3;

function clip(text: string, room: number): string {
  const max = Math.max(8, Math.floor(room / CHAR));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

interface Selected {
  readonly row: number;
  readonly check: string;
  readonly ok: boolean;
  readonly code: string | null;
}

export function Diagram(props: DiagramProps) {
  const layout = useMemo(
    () =>
      layoutSequence({
        pageOrigin: props.pageOrigin,
        events: props.events,
        ...(props.url !== undefined ? { url: props.url } : {}),
      }),
    [props.pageOrigin, props.url, props.events],
  );
  const [selected, setSelected] = useState<Selected | null>(null);
  const open = (s: Selected) => setSelected((cur) => (cur?.row === s.row ? null : s));
  const keyOpen = (s: Selected) => (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      open(s);
    }
  };
  const g = GEOMETRY;
  const laneTop = 12;
  const mark = (
    row: Row & { kind: 'check' | 'note' },
    i: number,
    s: Selected,
    label: string,
    y: number,
    cx: number,
  ) => (
    // biome-ignore lint/a11y/useSemanticElements: SVG has no <button>; this group is one, with role and keys.
    <g
      class={`mark ${s.ok ? 'ok' : 'fail'}${selected?.row === i ? ' selected' : ''}`}
      role="button"
      // SVG attributes keep their case: tabIndex would not make it focusable.
      tabindex={0}
      aria-label={`${label}: open the rule`}
      aria-pressed={selected?.row === i}
      data-row={i}
      onClick={() => open(s)}
      onKeyDown={keyOpen(s)}
    >
      <circle cx={cx} cy={y} r={11} />
      <text x={cx} y={y + 4} class="mark-sign" text-anchor="middle">
        {s.ok ? '✓' : '✗'}
      </text>
      {row.kind === 'check' ? (
        <text x={cx + 18} y={y + 4} class="mark-label">
          {clip(label, layout.width - cx - 30)}
        </text>
      ) : null}
    </g>
  );
  return (
    <figure class="diagram">
      {/* biome-ignore lint/a11y/useSemanticElements: a drawing that holds buttons; <fieldset> cannot be inside SVG. */}
      <svg
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        // Drawn a third larger than its geometry, so header text reads at body size; CSS caps it to the card.
        width={Math.round(layout.width * 1.35)}
        class="sequence"
        role="group"
        aria-label={props.title}
      >
        <defs>
          <marker
            id="head"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="8"
            markerHeight="8"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head" />
          </marker>
        </defs>
        {layout.lanes.map((lane) => (
          <g class={`lane lane-${lane.role}`} key={lane.key} data-lane={lane.role}>
            <line x1={lane.x} x2={lane.x} y1={laneTop + 40} y2={layout.height} class="lane-line" />
            <rect x={lane.x - 110} y={laneTop} width={220} height={40} rx={8} class="lane-box" />
            <text x={lane.x} y={laneTop + 17} text-anchor="middle" class="lane-title">
              {lane.title}
            </text>
            <text x={lane.x} y={laneTop + 32} text-anchor="middle" class="lane-origin">
              {clip(lane.origin, 210)}
            </text>
          </g>
        ))}
        {layout.rows.map((row, i) => {
          if (row.kind === 'arrow') {
            const from = layout.lanes[row.from]?.x ?? 0;
            const to = layout.lanes[row.to]?.x ?? 0;
            const left = Math.min(from, to);
            const room = Math.abs(to - from) - 28;
            return (
              <g
                class={`arrow arrow-${row.arrow}`}
                key={i}
                data-arrow={row.arrow}
                data-from={row.from}
                data-to={row.to}
              >
                <text x={left + 14} y={row.y + 12} class="arrow-label">
                  {clip(row.label, room)}
                </text>
                <line
                  x1={from}
                  x2={to}
                  y1={row.y + 20}
                  y2={row.y + 20}
                  class="arrow-line"
                  marker-end="url(#head)"
                />
                {row.headers.map(([n, v], k) => (
                  <text x={left + 14} y={row.y + 20 + g.line * (k + 1)} class="arrow-header" key={k}>
                    <title>{`${n}: ${v}`}</title>
                    {clip(`${n}: ${v}`, room)}
                  </text>
                ))}
              </g>
            );
          }
          if (row.kind === 'check') {
            const code = row.ok ? null : row.detail;
            return (
              <g key={i}>
                {mark(
                  row,
                  i,
                  { row: i, check: row.check, ok: row.ok, code },
                  row.label,
                  row.y + 12,
                  layout.lanes[0]?.x ?? g.margin,
                )}
              </g>
            );
          }
          const blocked = row.tone === 'blocked' && props.error !== null;
          return (
            <g class={`note note-${row.tone}`} key={i}>
              <rect
                x={8}
                y={row.y - 2}
                width={layout.width - 16}
                height={row.height + 6}
                rx={4}
                class="note-bg"
              />
              {row.lines.map((line, k) => (
                <text x={blocked ? 40 : 16} y={row.y + 12 + k * g.line} key={k} class="note-text">
                  {line}
                </text>
              ))}
              {blocked
                ? mark(
                    row,
                    i,
                    { row: i, check: 'result', ok: false, code: props.error?.code ?? null },
                    'Blocked',
                    row.y + 8,
                    24,
                  )
                : null}
            </g>
          );
        })}
      </svg>
      {selected !== null ? (
        <RulePanel selected={selected} error={props.error} browserName={props.browserName} />
      ) : null}
    </figure>
  );
}

function RulePanel(props: { selected: Selected; error: DiagramProps['error']; browserName: string }) {
  const { selected, error } = props;
  const rule = ruleFor(selected.check, selected.ok, selected.code ?? error?.code ?? null);
  const message = selected.ok ? null : (error?.message ?? null);
  return (
    <section class="rule" aria-live="polite" aria-label="The rule behind this check">
      <h4>{rule.title}</h4>
      <p>{rule.text}</p>
      <p>
        Standard:{' '}
        <a href={rule.href} target="_blank" rel="noreferrer noopener">
          {rule.section}
        </a>
      </p>
      {message !== null ? (
        <>
          <p class="console-title">{props.browserName} console:</p>
          <pre class="console">{message}</pre>
        </>
      ) : (
        <p class="muted">The check passed: the browser prints nothing.</p>
      )}
    </section>
  );
}
