/**
 * The metric names a PromQL expression selects, for checking an ops rules file against what an endpoint
 * serves. Enough of PromQL for rule files (selectors, functions, aggregations with by/without, binary
 * operators with on/ignoring/group_*), not a full parser: https://prometheus.io/docs/prometheus/latest/querying/basics/
 */

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

/**
 * @param expr - A PromQL expression.
 * @returns The distinct metric names it selects, in order of appearance (recording-rule names included:
 * they contain a colon).
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    // String literals (label values), then label matchers and range/subquery brackets.
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    // Label lists of aggregations and vector matching.
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names: string[] = [];
  const re = /[a-zA-Z_:][a-zA-Z0-9_:]*/g;
  for (let m = re.exec(stripped); m !== null; m = re.exec(stripped)) {
    const name = m[0];
    const after = stripped.slice(re.lastIndex);
    if (/^\s*\(/.test(after)) continue; // a function or an aggregation
    if (KEYWORDS.has(name.toLowerCase())) continue;
    const before = stripped.slice(0, m.index);
    if (/[0-9.]$/.test(before)) continue; // the tail of a number or a duration (5m, 1e3)
    if (!names.includes(name)) names.push(name);
  }
  return names;
}
