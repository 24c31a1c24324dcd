// Talking to `corskit ui`'s local API: every call carries the token the server put into this page.

export class ApiError extends Error {}

function token(): string {
  return document.querySelector('meta[name="corskit-token"]')?.getAttribute('content') ?? '';
}

async function call(path: string, body: unknown): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Corskit-Token': token() },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError('corskit ui is not running any more: start it again and reload this page');
  }
  if (!res.ok) {
    const text = await res.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      // plain text answer
    }
    throw new ApiError(message || `the server answered ${res.status}`);
  }
  return res;
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return (await (await call(path, body)).json()) as T;
}

/** Reads an NDJSON answer line by line. */
export async function postStream(
  path: string,
  body: unknown,
  onLine: (value: unknown) => void,
): Promise<void> {
  const res = await call(path, body);
  const reader = res.body?.getReader();
  if (reader === undefined) throw new ApiError('the answer has no body');
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (value !== undefined) buffered += decoder.decode(value, { stream: true });
    let nl = buffered.indexOf('\n');
    while (nl !== -1) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line !== '') onLine(JSON.parse(line));
      nl = buffered.indexOf('\n');
    }
    if (done) break;
  }
}
