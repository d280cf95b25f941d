/**
 * The two SQL dialects of `invocation-metrics sql`: DuckDB and ClickHouse spell the same operations
 * differently (string literals, JSON access, lists, string aggregation). Everything dialect-specific is
 * here; the query itself (`aggregate-sql.ts`) is written once against this table.
 *
 * @module
 */

/** The SQL dialects `buildAggregateSql` writes. */
export const SQL_DIALECTS = ['duckdb', 'clickhouse'] as const;

/** A SQL dialect: `duckdb` (DuckDB 1.x) or `clickhouse` (ClickHouse 24+ and chDB). */
export type SqlDialect = (typeof SQL_DIALECTS)[number];

/** Where the log lines come from. */
export const SQL_FORMATS = ['jsonl', 'parquet', 'table'] as const;

/** `jsonl`: JSONL files; `parquet`: Parquet files with a `line` column; `table`: a table with a `line` column. */
export type SqlFormat = (typeof SQL_FORMATS)[number];

/** Spellings of one dialect. Expressions are SQL text; arguments are SQL expressions unless named `text`. */
export interface Dialect {
  readonly name: SqlDialect;
  /** A string literal holding `text` exactly. */
  str(text: string): string;
  /** `SELECT fidx, n, line`: file index (input order of files), 1-based line number, the line. */
  lines(from: string, format: SqlFormat): string;
  /** Whether a line's bytes are acceptable text (ClickHouse: valid UTF-8; DuckDB refuses such files). */
  validText(line: string): string;
  /** Line length in bytes. */
  bytes(line: string): string;
  /** The line without one trailing `\r`. */
  stripCr(line: string): string;
  /** Whether the line starts with a byte order mark (JSON.parse refuses it; some engines skip it). */
  startsWithBom(line: string): string;
  /** Whether `line` is a JSON object. */
  isObject(line: string): string;
  /** The object's keys, duplicates included, in order, reversed (so the first match is JSON.parse's last). */
  reversedKeys(line: string): string;
  /** Its values as JSON texts, in the same reversed order. */
  reversedValues(line: string): string;
  /** 1-based position of `text` in a list, 0 when absent. */
  position(list: string, text: string): string;
  /** Element `i` (1-based) of a list, NULL when `i` is 0. */
  element(list: string, i: string): string;
  /** JSON type of a JSON text: 's' string, 'n' number, 'b' boolean, 'z' null, 'o' other. */
  jsonType(raw: string): string;
  /** The string a JSON string text holds. */
  jsonString(raw: string): string;
  /** The double a JSON number text holds. */
  jsonNumber(raw: string): string;
  /** Whether a JSON boolean text is `true`. */
  jsonTrue(raw: string): string;
  /** Whether `s` matches the whole regular expression `re` (RE2 syntax). */
  fullMatch(s: string, re: string): string;
  /** The first capture group of `re` in `s`, `''` when no match. */
  extract(s: string, re: string): string;
  /** Whether a double is finite. */
  isFinite(x: string): string;
  /** A double as an exact integer (the value is an integer). */
  int(x: string): string;
  /** An integer sum that does not overflow (128-bit). */
  bigSum(x: string): string;
  /** A number as JSON number text: integers exactly, doubles in their shortest round-trip form. */
  numText(x: string): string;
  /** A string as a JSON string text. */
  jsonQuote(s: string): string;
  /** Aggregate: the non-NULL texts joined by `,` in the order of `order`; `''` over no rows. */
  joinAgg(text: string, order: string): string;
  /** Window: the last non-NULL value of `x` in the frame. */
  lastNonNull(x: string): string;
  /** `SELECT k` for k in [first, last], expressions over the relation `from` (rows where `where` holds). */
  series(first: string, last: string, from: string, where: string): string;
  /** Aggregate: the `value` of the row with the largest `by`. */
  argMax(value: string, by: string): string;
  /** A number as text (not JSON-specific). */
  text(x: string): string;
  /** An expression that fails the query with `message` when `condition` holds, else is 0. */
  failIf(condition: string, message: string): string;
  /** Text appended to the query (settings). */
  readonly suffix: string;
}

const duckStr = (text: string): string => `'${text.replace(/'/g, "''")}'`;
// ClickHouse string literals take backslash escapes: both the backslash and the quote are escaped.
const chStr = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const DUCK_TYPE = `CASE WHEN RAW IS NULL THEN NULL ELSE CASE json_type(RAW) WHEN 'VARCHAR' THEN 's' WHEN 'BIGINT' THEN 'n' WHEN 'UBIGINT' THEN 'n' WHEN 'DOUBLE' THEN 'n' WHEN 'BOOLEAN' THEN 'b' WHEN 'NULL' THEN 'z' ELSE 'o' END END`;
const CH_TYPE = `multiIf(toString(JSONType(RAW)) = 'String', 's', toString(JSONType(RAW)) IN ('Int64', 'UInt64', 'Double'), 'n', toString(JSONType(RAW)) = 'Bool', 'b', toString(JSONType(RAW)) = 'Null', 'z', 'o')`;

/** DuckDB: lines read with `read_text` (whole files, so that line numbers are exact), JSON through yyjson. */
export const DUCKDB: Dialect = {
  name: 'duckdb',
  str: duckStr,
  lines(from, format) {
    if (format === 'table') return `SELECT 1 AS fidx, row_number() OVER () AS n, line FROM ${from}`;
    if (format === 'parquet')
      return `SELECT dense_rank() OVER (ORDER BY filename) AS fidx, file_row_number + 1 AS n, line FROM read_parquet(${duckStr(from)}, filename = true, file_row_number = true)`;
    return `SELECT fidx, generate_subscripts(parts, 1) AS n, unnest(parts) AS line FROM (SELECT row_number() OVER (ORDER BY filename) AS fidx, string_split(content, chr(10)) AS parts FROM read_text(${duckStr(from)}))`;
  },
  validText: () => 'true',
  bytes: (line) => `strlen(${line})`,
  stripCr: (line) => `CASE WHEN suffix(${line}, chr(13)) THEN substr(${line}, 1, length(${line}) - 1) ELSE ${line} END`,
  startsWithBom: (line) => `starts_with(${line}, chr(65279))`,
  isObject: (line) => `(json_valid(${line}) AND json_type(CASE WHEN json_valid(${line}) THEN ${line} END) = 'OBJECT')`,
  reversedKeys: (line) => `list_reverse(json_keys(${line}))`,
  reversedValues: (line) => `list_reverse(json_extract(${line}, '$.*'))`,
  position: (list, text) => `coalesce(list_position(${list}, ${duckStr(text)}), 0)`,
  element: (list, i) => `CASE WHEN ${i} > 0 THEN ${list}[${i}] END`,
  jsonType: (raw) => DUCK_TYPE.replaceAll('RAW', raw),
  jsonString: (raw) => `json_extract_string(${raw}, '$')`,
  jsonNumber: (raw) => `TRY_CAST(${raw} AS DOUBLE)`,
  jsonTrue: (raw) => `(CAST(${raw} AS VARCHAR) = 'true')`,
  fullMatch: (s, re) => `regexp_full_match(${s}, ${duckStr(re)})`,
  extract: (s, re) => `regexp_extract(${s}, ${duckStr(re)}, 1)`,
  isFinite: (x) => `isfinite(${x})`,
  int: (x) => `CAST(${x} AS BIGINT)`,
  bigSum: (x) => `sum(CAST(${x} AS HUGEINT))`,
  numText: (x) => `CAST(${x} AS VARCHAR)`,
  jsonQuote: (s) => `CAST(to_json(${s}) AS VARCHAR)`,
  joinAgg: (text, order) => `coalesce(string_agg(${text}, ',' ORDER BY ${order}), '')`,
  lastNonNull: (x) => `last_value(${x} IGNORE NULLS)`,
  series: (first, last, from, where) =>
    `SELECT r.range AS k FROM (SELECT * FROM ${from} WHERE ${where}) b, range(CAST(b.${first} AS BIGINT), CAST(b.${last} AS BIGINT) + 1) r`,
  argMax: (value, by) => `arg_max(${value}, ${by})`,
  text: (x) => `CAST(${x} AS VARCHAR)`,
  failIf: (condition, message) => `CASE WHEN ${condition} THEN error(${duckStr(message)}) ELSE 0 END`,
  suffix: '',
};

/** ClickHouse: lines read as `RawBLOB` (whole files, so that line numbers are exact), JSON through simdjson. */
export const CLICKHOUSE: Dialect = {
  name: 'clickhouse',
  str: chStr,
  lines(from, format) {
    // A Parquet or table column may be Nullable: a NULL line is skipped, as a blank line is.
    if (format === 'table') return `SELECT 1 AS fidx, rowNumberInAllBlocks() + 1 AS n, ifNull(line, '') AS line FROM ${from}`;
    const source = (fmt: string): string => (/^(s3|gs|https?):\/\//.test(from) ? `s3(${chStr(from)}, '${fmt}')` : `file(${chStr(from)}, '${fmt}')`);
    if (format === 'parquet') return `SELECT dense_rank() OVER (ORDER BY _path) AS fidx, _row_number + 1 AS n, ifNull(line, '') AS line FROM ${source('Parquet')}`;
    return `SELECT fidx, n, line FROM (SELECT row_number() OVER (ORDER BY _path) AS fidx, splitByChar('\\n', raw_blob) AS parts FROM ${source('RawBLOB')}) ARRAY JOIN parts AS line, arrayEnumerate(parts) AS n`;
  },
  validText: (line) => `isValidUTF8(${line})`,
  bytes: (line) => `length(${line})`,
  stripCr: (line) => `if(endsWith(${line}, '\\r'), substring(${line}, 1, length(${line}) - 1), ${line})`,
  startsWithBom: (line) => `startsWith(${line}, '\\xEF\\xBB\\xBF')`,
  isObject: (line) => `(isValidJSON(${line}) AND toString(JSONType(${line})) = 'Object')`,
  reversedKeys: (line) => `arrayReverse(arrayMap(x -> x.1, JSONExtractKeysAndValuesRaw(${line})))`,
  reversedValues: (line) => `arrayReverse(arrayMap(x -> x.2, JSONExtractKeysAndValuesRaw(${line})))`,
  position: (list, text) => `indexOf(${list}, ${chStr(text)})`,
  element: (list, i) => `if(${i} > 0, arrayElement(${list}, ${i}), NULL)`,
  jsonType: (raw) => `if(${raw} IS NULL, NULL, ${CH_TYPE.replaceAll('RAW', `assumeNotNull(${raw})`)})`,
  jsonString: (raw) => `JSONExtractString(assumeNotNull(${raw}))`,
  jsonNumber: (raw) => `JSONExtractFloat(assumeNotNull(${raw}))`,
  jsonTrue: (raw) => `(${raw} = 'true')`,
  fullMatch: (s, re) => `match(${s}, ${chStr(`^(?:${re})$`)})`,
  extract: (s, re) => `extract(${s}, ${chStr(re)})`,
  isFinite: (x) => `isFinite(${x})`,
  int: (x) => `toInt64(${x})`,
  bigSum: (x) => `sum(toInt128(${x}))`,
  numText: (x) => `toString(${x})`,
  jsonQuote: (s) => `toJSONString(${s})`,
  joinAgg: (text, order) => `arrayStringConcat(arrayMap(x -> x.2, arraySort(x -> x.1, groupArrayIf((${order}, assumeNotNull(${text})), ${text} IS NOT NULL))), ',')`,
  lastNonNull: (x) => `last_value(${x})`,
  series: (first, last, from, where) => `SELECT arrayJoin(range(toInt64(${first}), toInt64(${last}) + 1)) AS k FROM ${from} WHERE ${where}`,
  argMax: (value, by) => `argMax(${value}, ${by})`,
  text: (x) => `toString(${x})`,
  failIf: (condition, message) => `throwIf(${condition}, ${chStr(message)})`,
  // LEFT JOIN fills missing rows with NULL (not the type's default), as in standard SQL.
  suffix: '\nSETTINGS join_use_nulls = 1',
};

/** The dialect named `name`. */
export function dialectOf(name: SqlDialect): Dialect {
  return name === 'duckdb' ? DUCKDB : CLICKHOUSE;
}
