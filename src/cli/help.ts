/**
 * Help texts. Kept together so that the documented flags can be read in one place.
 *
 * @module
 */

/** Global help: `invocation-metrics --help`. */
export const GLOBAL_HELP = `Usage: invocation-metrics <command> [options]

Offline analysis and a live view of invocation-metrics JSONL logs.

Commands:
  summarize <file|dir|state>...  Print the aggregate of logs and state files (tables, or JSON with --json),
                                 or write their state (--state F) for a later merge
  report <file|dir>... --out F   Write an HTML (.html) or Markdown (.md) report
  diff <baseline> <candidate>    Compare two runs: what changed beyond noise (--fail-on gates CI)
  watch <log|dir>...             A live view of growing logs, refreshed every second
  sql --from <glob|table>        Print the exact aggregate as one SQL query (DuckDB, ClickHouse)
  demo                           Run a simulated multi-agent fleet and show its metrics

Options:
  -h, --help                     Show help (also: invocation-metrics <command> --help)
  -v, --version                  Show the version

Exit codes: 0 ok; 1 bad input (missing or unreadable file, --strict violation, unwritable --out);
2 usage error; 3 no records (the inputs hold no valid record, or --since/--until/--agent kept none);
4 a diff --fail-on gate tripped.
`;

const READ_OPTIONS = `Inputs:
  A file is read as a JSONL log whatever its name (unless it is a state file: summarize --help);
  a directory stands for the *.jsonl files under
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
export const SUMMARIZE_HELP = `Usage: invocation-metrics summarize <file|dir|state>... [options]

Prints the aggregate of the logs: headline figures and tables per agent, phase and model.

${READ_OPTIONS}

State files (a fleet's summary in two steps: map on each host, merge anywhere):
  A file whose name ends in .state, or that starts with the state magic, is a state file written
  by --state: the records of the logs it was made from, in compact binary form (about 21 bytes a
  record). States and logs are merged in argument order into the exact aggregate of everything:
    invocation-metrics summarize logs/ --state host-a.state        # on each host
    invocation-metrics summarize host-*.state --json               # anywhere
  --since, --until and --agent apply when a state is written, not to a state read (usage error).
  A truncated, corrupted or foreign state file is an error naming it (exit 1).

Output:
  --json               Print the aggregate as JSON on stdout (no progress unless --progress)
  --table              Print aligned text tables (the default; colour only on a terminal, unless NO_COLOR)
  --state <file>       Write the state of every record read to <file> (atomically: a temporary file,
                       then a rename; a link at <file> is replaced, never followed). Prints the summary
                       only with --json or --table. No record read: nothing is written, exit 3.
                       <file> may be a state among the inputs (a running state), never a log read.
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
  --baseline <path>    Add a comparison with a baseline run (a log file or directory), as
                       'invocation-metrics diff <path> <the report's logs>' shows it: each row's
                       change and whether it is beyond noise (see 'invocation-metrics diff --help');
                       --agent and --strict apply to it too, --since and --until do not
`;

/** Help of `diff`. */
export const DIFF_HELP = `Usage: invocation-metrics diff <baseline> <candidate> [options]

Compares two runs (each a log file or a directory of *.jsonl logs): invocations, success rate,
retries (infra/code), escalations, peak parallelism, cost and tokens by agent and phase, duration
percentiles by agent; each row with its change and "yes" where the change is beyond noise.

Beyond noise: each row's test (durations: Mann-Whitney U per agent; retries and escalations: a
two-proportion z-test of their share of invocations; success rate: two-proportion z-test; cost:
Welch's t-test on the cost per invocation; tokens: a z-test of the mean per invocation assuming a
coefficient of variation of 1; invocations: Poisson), Holm-adjusted across every test of the diff,
below --alpha, and the tested quantity moved by at least --min-change (success rate: 1 pp). Peak
parallelism is shown, never flagged (one maximum per run has no noise estimate).

Options:
  --json                 Print the diff as JSON (format invocation-metrics/diff@1; no progress unless --progress)
  --fail-on <gates>      Exit 4 when a gate trips, e.g. cost+10%,success-rate-2pp,p95+20%,retries.infra+5
                         Gate: <metric>[@<agent>](+|-)<amount>[%|pp]; + trips on a rise beyond the
                         amount, - on a fall beyond it; % of the baseline, pp (success-rate only), or
                         the metric's unit (count, USD, tokens, ms). Metrics: invocations,
                         success-rate, retries, retries.infra, retries.code, escalations,
                         peak-parallelism, cost, tokens, p50, p90, p95, p99, duration.mean. A gate
                         compares the observed values, whatever the noise test says.
  --alpha <p>            Family-wise significance level (default 0.05)
  --min-change <n%>      Smallest change flagged, of the tested quantity (default 5%)
  --agent <name>         Keep this agent only, in both runs; repeat for several
  --strict               Fail (exit 1) at the first malformed or invalid line
  --progress             Show bytes read on stderr even when stderr is not a terminal
  -h, --help             Show this help

Tables show at most 100 rows per scope (rows beyond noise first); --json has every row.

Exit codes: 0 ok; 1 bad input; 2 usage error (also a --fail-on agent in neither run); 3 a side has
no records; 4 a --fail-on gate tripped (the diff is printed first; stderr names each gate).
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

/** Help of `watch`. */
export const WATCH_HELP = `Usage: invocation-metrics watch <log|dir>... [options]

A live view of logs that are being written: on a terminal, a full screen redrawn every --interval
(alternate screen; Ctrl-C restores the terminal and exits 0); otherwise one line of key=value pairs
per refresh. A directory stands for the *.jsonl files under it, listed again at every refresh (a
process that starts writes a new file). Each file is read once from its start, then only what is
appended; rotation (the path renamed or replaced: the old file is read to its end), truncation (read
again from the start, with a notice) and a torn last line completed later are followed.

Shown:
  in flight            Invocations begun and not ended, summed over the --metrics endpoints (their
                       invocation_metrics_active gauge), by agent in the table. Without --metrics it is
                       n/a: the log has one line per ended invocation and none for a begun one
  invocations          Records read; /min counts those that ended in the last 60 s (at the time they
                       appeared in the log, if that is earlier than their own end)
  success, cost, tokens, peak parallel, retries infra/code, escalations
                       The exact aggregate of every record read (as summarize computes it), with
                       cost and tokens of the last 60 s per minute (and per hour)
  agent and phase tables, the slowest calls that ended in the last minute, the latest notice

Options:
  --metrics <url>      A Prometheus endpoint of a recording process (http://127.0.0.1:9464/metrics);
                       repeat for several processes
  --interval <time>    Time between refreshes: 250ms, 2s; a bare number is ms (default 1000, at least 100)
  --once               Read the logs to their end, show one refresh and exit
  -h, --help           Show this help

Exit codes: 0 stopped (Ctrl-C, SIGTERM) or --once done; 1 an input missing or not a regular file
(a symbolic link is refused); 2 usage error.
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
