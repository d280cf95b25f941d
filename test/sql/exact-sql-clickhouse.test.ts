/** The exact SQL against `summarize --json` in ClickHouse (chDB, from scripts/install-chdb.sh): see helpers/exact-sql-suite.ts. */
import { exactSqlSuite } from './helpers/exact-sql-suite.js';

exactSqlSuite('clickhouse');
