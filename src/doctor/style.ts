// Terminal styling: colour only on a TTY, never with NO_COLOR (https://no-color.org), forced by FORCE_COLOR.
/** Terminal styling: each function wraps text in one ANSI style, or returns it as is without colour. */
export interface Style {
  readonly color: boolean;
  /** Bold text. */
  bold(s: string): string;
  /** Dimmed text (details). */
  dim(s: string): string;
  /** Red text (failures). */
  red(s: string): string;
  /** Green text (passes). */
  green(s: string): string;
  /** Yellow text (warnings and notes). */
  yellow(s: string): string;
  /** Cyan text (the browser's plan). */
  cyan(s: string): string;
}

/** The style for a stream: colour on a TTY, never with NO_COLOR or TERM=dumb, always with FORCE_COLOR. */
export function makeStyle(
  stream: { isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Style {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const color =
    forced ||
    (stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '') && env.TERM !== 'dumb');
  const wrap = (open: number, close: number) => (s: string) =>
    color ? `\x1b[${open}m${s}\x1b[${close}m` : s;
  return {
    color,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}
