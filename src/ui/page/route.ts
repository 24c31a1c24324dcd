// Each view's state lives in the URL's fragment (`#/check?url=...`), so a link reproduces it. The
// fragment never reaches a server.

export const VIEWS = ['check', 'whatif', 'policy', 'har', 'audit'] as const;
export type ViewName = (typeof VIEWS)[number];

export interface Route {
  readonly view: ViewName;
  readonly params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  const q = body.indexOf('?');
  const path = (q === -1 ? body : body.slice(0, q)).replace(/^\/+/, '');
  const view = (VIEWS as readonly string[]).includes(path) ? (path as ViewName) : 'check';
  return { view, params: new URLSearchParams(q === -1 ? '' : body.slice(q + 1)) };
}

export function formatHash(view: ViewName, params: URLSearchParams | Record<string, string>): string {
  const query = (params instanceof URLSearchParams ? params : new URLSearchParams(params)).toString();
  return `#/${view}${query === '' ? '' : `?${query}`}`;
}

/** Updates the fragment as the user types, without a history entry per keystroke. */
export function replaceState(view: ViewName, params: URLSearchParams | Record<string, string>): void {
  const hash = formatHash(view, params);
  if (location.hash !== hash) history.replaceState(null, '', hash);
}

/** `Name: value` lines to header pairs; blank lines skipped, a line without a colon kept as a name. */
export function parseHeaderLines(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const colon = line.indexOf(':');
    out.push(colon === -1 ? [line, ''] : [line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return out;
}

export function formatHeaderLines(headers: readonly (readonly [string, string])[]): string {
  return headers.map(([n, v]) => `${n}: ${v}`).join('\n');
}
