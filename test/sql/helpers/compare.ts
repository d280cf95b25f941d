/**
 * Field-by-field comparison of an engine's aggregate with `summarize --json`: numbers within 1e-9
 * relative (SQL sums floating-point values in its own order), map keys as sets (engines order them by
 * bytes, JavaScript by UTF-16 code units with integer-like keys first), arrays in order.
 */

/** The differences between two parsed JSON values, as `path: expected vs got` lines; empty when equal. */
export function differences(expected: unknown, got: unknown, at = '$'): string[] {
  if (typeof expected === 'number' && typeof got === 'number') {
    const scale = Math.max(Math.abs(expected), Math.abs(got));
    return expected === got || Math.abs(expected - got) <= 1e-9 * scale ? [] : [`${at}: ${expected} vs ${got}`];
  }
  if (Array.isArray(expected) && Array.isArray(got)) {
    if (expected.length !== got.length) return [`${at}: ${expected.length} entries vs ${got.length}`];
    return expected.flatMap((e, i) => differences(e, got[i], `${at}[${i}]`));
  }
  if (isObject(expected) && isObject(got)) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(got)]);
    return [...keys].flatMap((k) =>
      !(k in expected) ? [`${at}.${k}: missing vs present`] : !(k in got) ? [`${at}.${k}: present vs missing`] : differences(expected[k], got[k], `${at}.${k}`),
    );
  }
  return Object.is(expected, got) || expected === got ? [] : [`${at}: ${JSON.stringify(expected)} vs ${JSON.stringify(got)}`];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
