/**
 * How many cases the property tests run. Each test names its default count, sized so that the whole
 * suite stays a few minutes on two cores; `PROPERTY_SCALE` multiplies every count (and the test
 * timeouts, in vitest.config.ts) for a deeper search on request:
 *
 *   PROPERTY_SCALE=10 npx vitest run test/aggregate   # ten times the cases
 *
 * A failing case prints its seed and path; replay it with fast-check's `seed` and `path` parameters.
 */

/** The multiplier from `PROPERTY_SCALE` (a number > 0; default 1). */
export const PROPERTY_SCALE = propertyScale(process.env.PROPERTY_SCALE);

/**
 * Parses `PROPERTY_SCALE`; throws on a value that is not a positive number, so that a typo is not
 * silently the default.
 */
export function propertyScale(value: string | undefined): number {
  if (value === undefined || value === '') return 1;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`PROPERTY_SCALE must be a number > 0, got ${JSON.stringify(value)}`);
  return n;
}

/**
 * The number of runs for a property whose default is `n`.
 *
 * @param n - The default count.
 * @returns `n` times `PROPERTY_SCALE`, at least 1.
 */
export function runs(n: number): number {
  return Math.max(1, Math.round(n * PROPERTY_SCALE));
}
