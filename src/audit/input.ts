// Request headers and cookies a user hands the audit, checked before any request: a value that is not a
// header value would make every request fail, and the target would look unreachable.

import { UsageError } from '../doctor/usage.js';
import { isHeaderName, isHeaderValue } from '../spec/index.js';

/** A cookie or header given to the audit (or the CLI) that cannot be sent; `field` names it. */
export class RequestInputError extends UsageError {
  override name = 'RequestInputError';
  /** The option at fault: `cookie`, `headers[0]`, `--cookie`, `--header`. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

/** Why a string is not a header value (Fetch §2.2.2), in words a user can act on, or null when it is one. */
export function headerValueProblem(value: string): string | null {
  if (isHeaderValue(value)) return null;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff) {
      const char = String.fromCodePoint(value.codePointAt(i) as number);
      const hex = (value.codePointAt(i) as number).toString(16).toUpperCase().padStart(4, '0');
      return `holds "${char}" (U+${hex}), which is not a byte: header values are bytes, so write the value exactly as the browser sends it (ASCII)`;
    }
    if (c === 0x0a || c === 0x0d) return 'holds a line break, which no header value may contain';
    if (c === 0x00) return 'holds a NUL character, which no header value may contain';
  }
  return 'starts or ends with a space or a tab: remove it';
}

/**
 * Checks one header the user gave; throws RequestInputError naming `field` when it cannot be sent.
 * `label` starts the message (default: the field).
 */
export function checkRequestHeader(field: string, name: string, value: string, label = field): void {
  if (!isHeaderName(name)) {
    throw new RequestInputError(
      field,
      `${label}: ${JSON.stringify(name)} is not a header name (letters, digits and !#$%&'*+-.^_\`|~ only)`,
    );
  }
  const problem = headerValueProblem(value);
  if (problem !== null) throw new RequestInputError(field, `${label}: the value of ${name} ${problem}`);
}

/** Checks the cookie and headers of audit options, before any request. */
export function checkAuditInput(options: {
  readonly cookie?: string;
  readonly headers?: ReadonlyArray<readonly [string, string]>;
}): void {
  if (options.cookie !== undefined) {
    const problem = headerValueProblem(options.cookie);
    if (problem !== null) throw new RequestInputError('cookie', `cookie: the value ${problem}`);
  }
  options.headers?.forEach(([name, value], i) => {
    checkRequestHeader(`headers[${i}]`, name, value);
  });
}
