/**
 * The order in which the suite's files start: vitest's own (the slowest of the last run first, from its
 * cache; on a fresh clone, with no cache, the largest files first), except that the files known to run
 * long start first whatever the cache says. On a fresh clone (CI) the exact-SQL files, small but each a
 * minute or more of DuckDB or chDB queries, would otherwise start last and run alone at the end.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Files that start first, most expensive first (paths relative to the repository, `/`-separated). */
const LONG_FIRST = [
  'test/sql/limits-clickhouse.test.ts',
  'test/sql/exact-sql-clickhouse.test.ts',
  'test/sql/exact-sql-duckdb.test.ts',
  'test/sql/limits-duckdb.test.ts',
];

/** vitest's sequencer with {@link LONG_FIRST} moved to the front. */
export default class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification): number => {
      const k = LONG_FIRST.findIndex((suffix) => f.moduleId.replaceAll('\\', '/').endsWith(suffix));
      return k < 0 ? LONG_FIRST.length : k;
    };
    // Array#sort is stable: the other files keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
