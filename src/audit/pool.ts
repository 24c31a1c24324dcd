// A bounded pool and a rate limiter: many targets at once, never more requests per second than asked.

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapPool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  return results;
}

/** Waits until the next request may start: evenly spaced, `perSecond` a second. Unlimited when absent. */
export function rateLimiter(
  perSecond: number | undefined,
  now: () => number = () => performance.now(),
): () => Promise<void> {
  if (perSecond === undefined || !(perSecond > 0) || !Number.isFinite(perSecond)) {
    return () => Promise.resolve();
  }
  const interval = 1000 / perSecond;
  let nextSlot = Number.NEGATIVE_INFINITY;
  return () => {
    const t = now();
    const slot = Math.max(t, nextSlot);
    nextSlot = slot + interval;
    const wait = slot - t;
    return wait <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, wait));
  };
}
