// Byte-level productions shared by methods and headers: RFC 9110 §5.6.2 `token`, Fetch §2.2 HTTP
// whitespace, Infra ASCII case rules. Each runs in one pass with no regular expression.

/** RFC 9110 §5.6.2 tchar, as a 128-entry table. */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TCHAR[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TCHAR[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TCHAR[c] = 1;

/** RFC 9110 §5.6.2 `token`: one or more tchar. */
export function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || TCHAR[c] === 0) return false;
  }
  return true;
}

/** Fetch §2.2 "HTTP whitespace byte": HT, LF, CR or SP. */
export function isHttpWhitespace(c: number): boolean {
  return c === 0x09 || c === 0x0a || c === 0x0d || c === 0x20;
}

/** Fetch §2.2 "HTTP tab or space byte". */
export function isHttpTabOrSpace(c: number): boolean {
  return c === 0x09 || c === 0x20;
}

/** Infra "ASCII lowercase": only A-Z change. */
export function asciiLowerCase(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return lowerFrom(s);
  }
  return s;
}

function lowerFrom(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 0x41 && c <= 0x5a ? String.fromCharCode(c + 0x20) : s[i];
  }
  return out;
}

/** Infra "byte-case-insensitive" match for ASCII strings. */
export function asciiCaseInsensitiveEquals(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x >= 0x41 && x <= 0x5a) x += 0x20;
    if (y >= 0x41 && y <= 0x5a) y += 0x20;
    if (x !== y) return false;
  }
  return true;
}

/** Infra "ASCII uppercase": only a-z change, so Unicode case mappings never sneak in. */
export function asciiUpperCase(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 0x61 && c <= 0x7a ? String.fromCharCode(c - 0x20) : s[i];
  }
  return out;
}
