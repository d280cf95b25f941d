/** The exact SQL against `summarize --json` in DuckDB (@duckdb/node-api): see helpers/exact-sql-suite.ts. */
import { exactSqlSuite } from './helpers/exact-sql-suite.js';

exactSqlSuite('duckdb');
