// Vary handling: append our tokens to whatever the application set, never overwrite, never duplicate.
import { asciiCaseInsensitiveEquals } from '../spec/tokens.js';

/**
 * Returns the Vary value with `tokens` appended to `existing` (a string, a list of header lines, or
 * nothing). Tokens already present (case-insensitively) are not repeated; `*` already varies on everything.
 */
export function appendVary(
  existing: string | readonly string[] | number | undefined | null,
  tokens: readonly string[],
): string {
  const current =
    existing === undefined || existing === null
      ? ''
      : Array.isArray(existing)
        ? existing.join(', ')
        : String(existing);
  if (tokens.length === 0) return current;
  // The usual case: nothing set yet and one token (Origin).
  if (current === '' && tokens.length === 1) return tokens[0] as string;
  const present: string[] = [];
  let start = 0;
  for (let i = 0; i <= current.length; i++) {
    if (i === current.length || current.charCodeAt(i) === 0x2c) {
      const item = current.slice(start, i).trim();
      if (item === '*') return current;
      if (item !== '') present.push(item);
      start = i + 1;
    }
  }
  const added: string[] = [];
  for (const t of tokens) {
    if (
      !present.some((p) => asciiCaseInsensitiveEquals(p, t)) &&
      !added.some((a) => asciiCaseInsensitiveEquals(a, t))
    )
      added.push(t);
  }
  if (added.length === 0) return current;
  return present.length === 0 ? added.join(', ') : `${present.join(', ')}, ${added.join(', ')}`;
}
