// Terminal styling: colour only on a TTY, never with NO_COLOR (https://no-color.org), forced by FORCE_COLOR.
/** Terminal styling: ANSI colours, or plain text. */
export interface Style {
  readonly color: boolean;
  /** Bold. */
  bold(s: string): string;
  /** Dimmed. */
  dim(s: string): string;
  /** Red. */
  red(s: string): string;
  /** Green. */
  green(s: string): string;
  /** Yellow. */
  yellow(s: string): string;
  /** Cyan. */
  cyan(s: string): string;
}

/** Colours only on a terminal, and never with `NO_COLOR` set. */
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
