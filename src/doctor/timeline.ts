// The sequence of events as a two-lane diagram: the page on the left, the server on the right.
import type { IncomingResponse, OutgoingRequest, SimEvent, SimResult } from '../browser/index.js';
import type { HeaderList } from '../spec/index.js';
import type { Style } from './style.js';

export interface TimelineOptions {
  readonly style: Style;
  /** The page's origin, for the left lane's heading. */
  readonly origin: string;
  readonly width?: number;
  /** Requests sent besides the page's (check's reflection probe), drawn after the page's. */
  readonly probes?: readonly {
    readonly purpose: string;
    readonly request: OutgoingRequest;
    readonly response: IncomingResponse;
  }[];
}

/** Only the CORS-relevant headers are drawn; the rest would drown them. */
function interesting(name: string): boolean {
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

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

export function renderTimeline(result: SimResult, opts: TimelineOptions): string {
  const { style: s } = opts;
  const width = opts.width ?? 76;
  const lines: string[] = [];
  const server = serverOf(result.events);
  const head = `  page ${opts.origin}`;
  const right = `server ${server}`;
  lines.push(s.bold(head + ' '.repeat(Math.max(2, width - head.length - right.length)) + right));
  lines.push(s.dim(`  ${'─'.repeat(width - 2)}`));
  const arrowRight = (label: string): string => {
    const body = ` ${label} `;
    const pad = Math.max(3, width - 6 - body.length);
    return `  ──${body}${'─'.repeat(pad)}▶`;
  };
  const arrowLeft = (label: string): string => {
    const body = ` ${label} `;
    const pad = Math.max(3, width - 6 - body.length);
    return `  ◀${'─'.repeat(pad)}${body}──`;
  };
  // Requests show every header the browser sends (few, and all relevant); responses only CORS ones.
  const headerLines = (headers: HeaderList, all = false): void => {
    for (const [n, v] of headers) if (all || interesting(n)) lines.push(s.dim(`        ${n}: ${v}`));
  };
  for (const e of result.events) {
    switch (e.step) {
      case 'plan':
        lines.push(s.cyan(`  · ${e.detail}`));
        break;
      case 'cache':
        lines.push(s.cyan(`  · ${e.detail}${e.hit ? ' (cache hit: no preflight)' : ''}`));
        break;
      case 'preflight-request':
        lines.push(arrowRight(`${e.method} ${pathOf(e.url)} (preflight, no cookies)`));
        headerLines(e.headers, true);
        break;
      case 'request':
        lines.push(arrowRight(`${e.method} ${pathOf(e.url)}${e.credentials ? ' (with cookies)' : ''}`));
        headerLines(e.headers, true);
        break;
      case 'preflight-response':
      case 'response':
        lines.push(arrowLeft(`${e.status}${e.step === 'preflight-response' ? ' (preflight answer)' : ''}`));
        headerLines(e.headers);
        break;
      case 'network-error':
        lines.push(s.red(`  ✗ ${e.error}: ${e.detail ?? ''}`));
        break;
      case 'check':
        lines.push(
          e.ok
            ? s.green(`  ✓ ${e.check} check: ${e.detail}`)
            : s.red(`  ✗ ${e.check} check failed: ${e.detail}`),
        );
        break;
      case 'redirect':
        lines.push(
          s.yellow(
            `  ↪ ${e.status} redirect to ${e.to} (${e.method})${e.tainted ? '; origin is now "null" (tainted)' : ''}${e.removedHeaders.length > 0 ? `; dropped ${e.removedHeaders.join(', ')}` : ''}`,
          ),
        );
        break;
      case 'result':
        break;
    }
  }
  for (const p of opts.probes ?? []) {
    lines.push(s.cyan(`  · corskit's own probe, not the page's: ${p.purpose}`));
    lines.push(arrowRight(`${p.request.method} ${pathOf(p.request.url)} (probe)`));
    headerLines(p.request.headers, true);
    if ('networkError' in p.response) lines.push(s.red(`  ✗ ${p.response.networkError}`));
    else {
      lines.push(arrowLeft(`${p.response.status} (probe answer)`));
      headerLines(p.response.headers);
    }
  }
  return lines.join('\n');
}

function serverOf(events: readonly SimEvent[]): string {
  for (const e of events) {
    if (e.step === 'request' || e.step === 'preflight-request') {
      try {
        return new URL(e.url).origin;
      } catch {
        return e.url;
      }
    }
  }
  return '';
}
