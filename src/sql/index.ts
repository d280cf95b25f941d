/**
 * The exact aggregate as one SQL query, for DuckDB and ClickHouse: `buildAggregateSql()`.
 *
 * @module
 */
export { buildAggregateSql, type AggregateSqlOptions } from './aggregate-sql.js';
export { SQL_DIALECTS, SQL_FORMATS, type SqlDialect, type SqlFormat } from './dialect.js';
