/**
 * The output maps: null-prototype objects (so that agent names such as `__proto__` or `constructor` are
 * plain keys and nothing is polluted) whose keys are inserted in a stable, sorted order.
 *
 * @module
 */

/**
 * Orders strings by UTF-16 code units, as `Array.prototype.sort()` does by default (not `localeCompare`,
 * whose order depends on the ICU build and locale).
 *
 * @param a - First string.
 * @param b - Second string.
 * @returns Negative, zero or positive.
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function fill<V>(entries: (readonly [string, V])[]): Record<string, V> {
  const map = Object.create(null) as Record<string, V>;
  for (const [key, value] of entries) map[key] = value;
  return map;
}

/**
 * Builds a null-prototype map with keys inserted in UTF-16 code-unit order. Integer-like keys (`"9"`,
 * `"10"`) are still enumerated first, numerically: JavaScript does that for every object.
 *
 * @param entries - Distinct keys and their values.
 * @returns The map.
 */
export function sortedNameMap<V>(entries: Iterable<readonly [string, V]>): Record<string, V> {
  return fill([...entries].sort((x, y) => compareCodeUnits(x[0], y[0])));
}

/**
 * Builds a null-prototype map keyed by phase numbers, inserted in numeric order.
 *
 * @param entries - Distinct phases and their values.
 * @returns The map.
 */
export function sortedPhaseMap<V>(entries: Iterable<readonly [number, V]>): Record<string, V> {
  const sorted = [...entries].sort((x, y) => x[0] - y[0]);
  return fill(sorted.map(([phase, value]) => [String(phase), value] as const));
}
