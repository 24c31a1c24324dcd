// The sequence diagram's geometry, as a pure function of a simulated fetch's events: one lane for the
// page, one for the server, one more for each other origin a redirect leads to; each request and answer
// an arrow between lanes, each check a mark on the page's lane (the browser checks), the rest notes.
// No DOM here: the unit tests call it directly and the SVG component only draws what it returns.
import type { SimEvent } from '../../../browser/engine.js';

export interface LayoutInput {
  /** The page's serialized origin ("null" for an opaque one). */
  readonly pageOrigin: string;
  readonly events: readonly SimEvent[];
  /** The first URL, so the server has a lane even when nothing was sent. */
  readonly url?: string;
}

export interface Lane {
  /** `page`, or the origin the lane stands for. */
  readonly key: string;
  readonly role: 'page' | 'server' | 'redirect';
  readonly title: string;
  readonly origin: string;
  readonly x: number;
}

export type ArrowKind = 'preflight' | 'preflight-answer' | 'request' | 'answer';

export type Row =
  | {
      readonly kind: 'arrow';
      /** Index in the events list. */
      readonly event: number;
      readonly arrow: ArrowKind;
      readonly from: number;
      readonly to: number;
      readonly y: number;
      readonly height: number;
      readonly label: string;
      readonly headers: readonly (readonly [string, string])[];
    }
  | {
      readonly kind: 'check';
      readonly event: number;
      readonly lane: number;
      readonly y: number;
      readonly height: number;
      readonly ok: boolean;
      readonly check: string;
      /** The failure's code, or the passed check's sentence. */
      readonly detail: string;
      readonly label: string;
    }
  | {
      readonly kind: 'note';
      readonly event: number;
      readonly tone: 'plan' | 'cache' | 'redirect' | 'error' | 'allowed' | 'blocked' | 'opaque';
      readonly y: number;
      readonly height: number;
      readonly lines: readonly string[];
    };

export interface SequenceLayout {
  readonly lanes: readonly Lane[];
  readonly rows: readonly Row[];
  readonly width: number;
  readonly height: number;
}

export const GEOMETRY = {
  margin: 130,
  laneGap: 420,
  top: 64,
  line: 16,
  rowGap: 14,
  /** Characters per line of a note (the SVG does not wrap text itself). */
  noteChars: 84,
} as const;

/** Request headers are all drawn (few, all relevant); answers only the CORS-relevant ones. */
export function isCorsRelevantHeader(name: string): boolean {
  const n = name.toLowerCase();
  return (
    n === 'origin' ||
    n.startsWith('access-control-') ||
    n === 'vary' ||
    n === 'location' ||
    n === 'authorization' ||
    n === 'content-type'
  );
}

export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

/** Greedy word wrap; a word longer than a line is cut. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    let w = word;
    while (w.length > width) {
      if (current !== '') {
        lines.push(current);
        current = '';
      }
      lines.push(w.slice(0, width));
      w = w.slice(width);
    }
    if (current === '') current = w;
    else if (current.length + 1 + w.length <= width) current += ` ${w}`;
    else {
      lines.push(current);
      current = w;
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}

function checkLabel(check: string, ok: boolean, detail: string): string {
  const what = check === 'preflight' ? 'preflight check' : check === 'cors' ? 'CORS check' : `${check} check`;
  return ok ? `${what} passed` : `${what} failed: ${detail}`;
}

/** Lays out the events of one simulated fetch. */
export function layoutSequence(input: LayoutInput): SequenceLayout {
  const g = GEOMETRY;
  const laneKeys: string[] = ['page'];
  const laneOf = (url: string): number => {
    const origin = originOf(url);
    let i = laneKeys.indexOf(origin, 1);
    if (i === -1) {
      laneKeys.push(origin);
      i = laneKeys.length - 1;
    }
    return i;
  };
  if (input.url !== undefined) laneOf(input.url);
  const rows: Row[] = [];
  let y = g.top;
  const push = (row: Row): void => {
    rows.push(row);
    y += row.height + g.rowGap;
  };
  const note = (event: number, tone: Extract<Row, { kind: 'note' }>['tone'], text: string): void => {
    const lines = wrap(text, g.noteChars);
    push({ kind: 'note', event, tone, y, height: lines.length * g.line, lines });
  };
  input.events.forEach((e, i) => {
    switch (e.step) {
      case 'plan':
        note(i, 'plan', e.detail);
        break;
      case 'cache':
        note(i, 'cache', `${e.detail}${e.hit ? ' (cache hit: no preflight)' : ''}`);
        break;
      case 'preflight-request':
      case 'request': {
        const preflight = e.step === 'preflight-request';
        const label = `${e.method} ${pathOf(e.url)}${preflight ? ' (preflight, no cookies)' : e.credentials ? ' (with cookies)' : ''}`;
        push({
          kind: 'arrow',
          event: i,
          arrow: preflight ? 'preflight' : 'request',
          from: 0,
          to: laneOf(e.url),
          y,
          height: g.line * (2 + e.headers.length),
          label,
          headers: e.headers,
        });
        break;
      }
      case 'preflight-response':
      case 'response': {
        const preflight = e.step === 'preflight-response';
        const headers = e.headers.filter(([n]) => isCorsRelevantHeader(n));
        push({
          kind: 'arrow',
          event: i,
          arrow: preflight ? 'preflight-answer' : 'answer',
          from: laneOf(e.url),
          to: 0,
          y,
          height: g.line * (2 + headers.length),
          label: `${e.status}${preflight ? ' (preflight answer)' : ''}`,
          headers,
        });
        break;
      }
      case 'check':
        push({
          kind: 'check',
          event: i,
          lane: 0,
          y,
          height: g.line * 2,
          ok: e.ok,
          check: e.check,
          detail: e.detail,
          label: checkLabel(e.check, e.ok, e.detail),
        });
        break;
      case 'redirect':
        note(
          i,
          'redirect',
          `↪ ${e.status} redirect to ${e.to} (${e.method})${e.tainted ? '; the origin is now "null" (tainted)' : ''}${e.removedHeaders.length > 0 ? `; dropped ${e.removedHeaders.join(', ')}` : ''}`,
        );
        break;
      case 'network-error':
        note(i, 'error', `✗ ${e.error}${e.detail !== undefined ? `: ${e.detail}` : ''}`);
        break;
      case 'result':
        // A blocked fetch's detail is the whole console message, shown next to the diagram already.
        note(
          i,
          e.outcome,
          e.outcome === 'blocked' && e.detail.length > 100
            ? 'BLOCKED: fetch() rejects and the page reads nothing; open ✗ for the rule'
            : `${e.outcome.toUpperCase()}: ${e.detail}`,
        );
        break;
    }
  });
  const lanes: Lane[] = laneKeys.map((key, i) => ({
    key,
    role: i === 0 ? 'page' : i === 1 ? 'server' : 'redirect',
    title: i === 0 ? 'page' : i === 1 ? 'server' : 'redirect target',
    origin: i === 0 ? input.pageOrigin : key,
    x: g.margin + i * g.laneGap,
  }));
  const lastX = lanes[lanes.length - 1]?.x ?? g.margin;
  return { lanes, rows, width: Math.max(lastX + g.margin, 2 * g.margin + g.laneGap), height: y + g.line };
}
