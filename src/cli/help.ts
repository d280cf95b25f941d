/**
 * Help texts. Kept together so that the documented flags can be read in one place.
 *
 * @module
 */

/** Global help: `invocation-metrics --help`. */
export const GLOBAL_HELP = `Usage: invocation-metrics <command> [options]

Offline analysis of invocation-metrics JSONL logs.

Commands:
  summarize <file|dir>...        Print the aggregate of one or many logs (tables, or JSON with --json)
  report <file|dir>... --out F   Write an HTML (.html) or Markdown (.md) report
  sql --from <glob|table>        Print the exact aggregate as one SQL query (DuckDB, ClickHouse)
  demo                           Run a simulated multi-agent fleet and show its metrics

Options:
  -h, --help                     Show help (also: invocation-metrics <command> --help)
  -v, --version                  Show the version

Exit codes: 0 ok; 1 bad input (missing or unreadable file, --strict violation, unwritable --out);
2 usage error; 3 no records (the inputs hold no valid record, or --since/--until/--agent kept none).
`;

const READ_OPTIONS = `Inputs:
  A file is read as a JSONL log whatever its name; a directory stands for the *.jsonl files under
  it, subdirectories included (8 levels deep, at most 10,000 files; symbolic links to directories
  are not followed), sorted by path. Files are aggregated separately and merged in argument order;
  the result equals the aggregate of their concatenation.

Options:
  --bucket <width>     Parallelism bucket width: 500ms, 30s, 2m, 1h; a bare number is ms (default 60s).
                       The text summary's last table and the HTML report's chart show these buckets.
                       The series holds at most 100,000 buckets: a narrower width for the records'
                       span is a usage error (exit 2) that names the span and a width that fits.
                       Without --bucket, report widens the default past 10,000 buckets (5m, 15m, ...).
  --since <time>       Keep invocations that start at or after <time> (inclusive)
  --until <time>       Keep invocations that start before <time> (exclusive)
                       <time> is ISO 8601 with a zone: 2026-11-20T09:00Z, 2026-11-20T10:00:00+01:00.
                       Only the start counts: an invocation running across --until is kept whole.
  --agent <name>       Keep this agent only; repeat for several
  --strict             Fail (exit 1) at the first malformed or invalid line instead of skipping it
  --progress           Show bytes read on stderr even when stderr is not a terminal
  -h, --help           Show this help

Malformed or invalid lines are skipped with one warning each on stderr (file:line: reason) and
counted at the end. When no record is kept (empty inputs, only malformed lines, or filters that
match nothing) the command says "no records matched" on stderr, prints or writes nothing, and
exits 3.

Exit codes: 0 ok; 1 bad input (missing or unreadable file, --strict violation, unwritable --out);
2 usage error (unknown option, bad value); 3 no records.`;

/** Help of `summarize`. */
export const SUMMARIZE_HELP = `Usage: invocation-metrics summarize <file|dir>... [options]

Prints the aggregate of the logs: headline figures and tables per agent, phase and model.

${READ_OPTIONS}

Output:
  --json               Print the aggregate as JSON on stdout (no progress unless --progress)
  --table              Print aligned text tables (the default; colour only on a terminal, unless NO_COLOR)
`;

/** Help of `report`. */
export const REPORT_HELP = `Usage: invocation-metrics report <file|dir>... --out <file.html|file.md> [options]

Writes a report of the logs. The format follows the extension of --out:
  .html   One self-contained HTML file (no network access: styles, data and SVG charts inline):
          parallelism over time, cost and tokens by agent and by phase, duration percentiles,
          retries infra vs code, escalations, a timeline of invocations, and the tables.
  .md     Markdown: the tables and a Mermaid Gantt chart of invocations by agent (failures marked
          crit, retries active), readable on GitHub.
  Runs larger than --gantt-limit show a subset in the timeline (failures and retries first, then
  the longest invocations), and the report says so.

${READ_OPTIONS}

Output:
  -o, --out <file>     Report file to write (.html, .htm, .md or .markdown); required
  --title <text>       Report title (default "Invocation metrics report")
  --gantt-limit <n>    Largest number of invocations in the timeline (default 200)
`;

/** Help of `demo`. */
export const DEMO_HELP = `Usage: invocation-metrics demo [options]

Replays a simulated multi-agent fleet through a real collector, compressed in time: a dozen agent
roles over six phases, parallel waves, retries after infra errors (rate limits, timeouts...) and
after code errors (which escalate to a larger model tier), token, cache and cost figures shaped like
real ones. While it runs it writes the JSONL log, serves Prometheus metrics on 127.0.0.1 (the
in-flight gauge is live), and pushes OTLP with --otlp; at the end it prints the summary.

Records carry simulated timestamps and durations: the run starts now and lasts the plan's simulated
length (about 20 minutes), replayed in --duration of wall time. The same seed gives the same records
(apart from the start time), whatever the machine's load.

Options:
  --duration <time>    Wall-clock length of the replay: 500ms, 20s, 2m (default 15s)
  --port <n>           Port of the Prometheus endpoint http://127.0.0.1:<n>/metrics (default 9464;
                       0 = a free port, printed at the start)
  --dir <dir>          Directory of the log <dir>/invocations.jsonl; it must not hold a log already
                       (default: a fresh ./demo-output/<UTC time>, e.g. demo-output/2026-11-20T09-00-00)
  --otlp <url>         Also push OTLP (http/protobuf) to this metrics URL, e.g.
                       http://127.0.0.1:4318/v1/metrics: every 5s (or OTEL_METRIC_EXPORT_INTERVAL ms)
                       and once more on exit; OTEL_EXPORTER_OTLP_HEADERS applies
  --seed <n>           Seed of the simulated fleet, 0 to 4294967295 (default 8)
  -h, --help           Show this help

Output:
  stderr               The log path, the metrics URL, then phases and progress
  stdout               The summary at the end: peak parallelism, cost, tokens, retries infra vs code,
                       escalations, tables per agent, phase and model, failures, the slowest agents

Ctrl-C ends the run early: invocations in flight are recorded as failed (error class
'interrupted', exit code 130, no tokens), the log is flushed, the summary of what ran is printed
and telemetry is shut down (with the last OTLP push). A second Ctrl-C quits at once.

Exit codes: 0 done, 1 the log directory or the port cannot be used, 2 usage error, 130 interrupted.
`;

/** `invocation-metrics sql --help`. */
export const SQL_HELP = `Usage: invocation-metrics sql [--dialect duckdb|clickhouse] [--from <glob|table>] [options]

Prints one SQL query that computes the aggregate exactly as summarize --json does (the same lines
skipped, the same previous attempts, escalations, parallelism and buckets), for a team whose records
already sit in a warehouse or on object storage. Run it in the engine; it returns one row, one column
'aggregate': the JSON of summarize --json (map keys in the engine's byte order).

  duckdb -noheader -list -c "$(invocation-metrics sql --from 'logs/*.jsonl')"
  clickhouse local --output-format TSVRaw -q "$(invocation-metrics sql --dialect clickhouse --from 'logs/*.jsonl')"

The SQL is slow next to summarize (on the 1M-record benchmark log, about 27 times as long in DuckDB
and over 100 times in chDB, BENCHMARKS.md): to aggregate files you hold, use summarize. The README ("Exact SQL") lists what SQL cannot reproduce.

Options:
  --dialect <name>     duckdb (default) or clickhouse (ClickHouse 24+, clickhouse local, chDB)
  --from <input>       JSONL files: a path or glob (default invocations.jsonl); ClickHouse also reads
                       s3:// and https:// URLs. With --format parquet, Parquet files holding each
                       record's JSON line in a column 'line'; with --format table, a table (name or
                       db.name) with a column 'line'.
  --format <kind>      jsonl (default), parquet or table. A table has no input order: records tied
                       as previous attempts (same start) are ordered as the engine scans them.
  --bucket <width>     Parallelism bucket width as in summarize: 500ms, 30s, 2m, 1h (default 60s).
                       More than 100,000 buckets fail the query with a message.
  -h, --help           Show this help
`;
