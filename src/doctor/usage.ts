// Mistakes in what a user typed: each becomes one line and exit status 2, never a stack trace.

/** A mistake in what the user gave (a URL, an origin, a file): one line, exit status 2, never a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses a target URL; anything but an absolute http(s) URL is a usage error. */
export function parseTargetUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new UsageError(`"${input}" is not an absolute URL: write it like https://api.example.com/items`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`"${input}" is not an http(s) URL: CORS applies to http and https only`);
  }
  return url;
}
