/**
 * Polling with a bounded deadline: for things that happen on their own schedule (a scrape, a push). The
 * deadline only bounds a hang; no test asserts how fast anything happens.
 */

/**
 * Calls `probe` until it returns something other than `undefined`, or fails after `timeoutMs`.
 *
 * @param probe - Returns the awaited value, or `undefined` when not there yet. May be async; a throw counts as not yet.
 * @param options - `timeoutMs` (default 15000), `intervalMs` between probes (default 100), `what` for the error.
 * @returns The first defined value.
 */
export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const { timeoutMs = 15_000, intervalMs = 100, what = 'a condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const cause = lastError === undefined ? '' : ` (last error: ${String(lastError)})`;
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * A meeting point for `n` concurrent callers: each call resolves once all `n` have arrived, so that what
 * each caller does before and after overlaps with the others (the adapters' parallel calls).
 *
 * @param n - Callers to wait for.
 * @returns The function each caller awaits.
 */
export function latch(n: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return async () => {
    if (++arrived === n) open();
    await opened;
  };
}
