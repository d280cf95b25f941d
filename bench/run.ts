/**
 * `npm run bench [-- <scenario>... [--records N] [--pairs P] [--seed S]]`: the benchmark suite. Builds
 * the package, installs the peers (`npm ci --prefix bench`, first run only), generates the data (seeded:
 * `--seed`, else generate.ts's DEFAULT_SEED; cached under bench/data), then runs ours and each peer alternately in one run (A B A B ..., `--pairs` times) as
 * separate processes, and prints medians, ratios (ours / peer, pair by pair: median, min, max) and peak
 * RSS. Whole-process figures come from `/usr/bin/time -f "%e %M %U %S"`; in-process ones from the scenario
 * scripts (bench/scenarios/*.mjs), which report their own figures and `process.resourceUsage().maxRSS`.
 * Results are also written to bench/data/results-latest.json.
 *
 * Scenarios: summarize, floor (summarize beside a read, a line split, the parser alone and the parser with
 * its columns, in the scan's worker and task layout), load (the collector's loadFromDisk() beside summarize), growth, record, record-paced (record() and pino
 * yielding every 256 records, as a live program records), spans
 * (record() with a tracer vs without vs pino), mirror, scrape, memory (default: all).
 *
 * @module
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SEED, GENERATOR_VERSION, generateLog } from './generate.js';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH);
const DATA = path.join(BENCH, 'data');
const SCENARIOS = ['summarize', 'floor', 'load', 'growth', 'record', 'record-paced', 'spans', 'mirror', 'scrape', 'memory'] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Args {
  scenarios: Scenario[];
  records?: number;
  pairs: number;
  /** The data's seed (generate.ts). */
  seed: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { scenarios: [], pairs: 5, seed: DEFAULT_SEED };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--records' || a === '--pairs' || a === '--seed') {
      const n = Number(argv[++i]);
      if (!Number.isSafeInteger(n) || n < (a === '--seed' ? 0 : 1)) throw new Error(`Expected ${a} to be an integer >= ${a === '--seed' ? 0 : 1}, got ${argv[i]}`);
      if (a === '--records') args.records = n;
      else if (a === '--seed') args.seed = n;
      else args.pairs = n;
    } else if ((SCENARIOS as readonly string[]).includes(a)) args.scenarios.push(a as Scenario);
    else throw new Error(`Unknown argument ${a}; scenarios: ${SCENARIOS.join(', ')}; options: --records N, --pairs P, --seed S`);
  }
  if (args.scenarios.length === 0) args.scenarios = [...SCENARIOS];
  return args;
}

/** Scenarios whose peers are our own code: they need no `npm ci --prefix bench`. */
const WITHOUT_PEER_PACKAGES: readonly Scenario[] = ['floor', 'load', 'memory'];

/** Builds dist and installs the peers if needed. */
function prepare(scenarios: readonly Scenario[]): void {
  process.stderr.write('building dist (tsc -p tsconfig.build.json)\n');
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (scenarios.some((s) => !WITHOUT_PEER_PACKAGES.includes(s)) && !fs.existsSync(path.join(BENCH, 'node_modules/@duckdb/node-api'))) {
    process.stderr.write('installing the peers: npm ci --prefix bench\n');
    execFileSync('npm', ['ci', '--prefix', BENCH, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  }
}

/** The data file of `records` records (of the run's seed), generated on first use. */
function dataFile(records: number): string {
  const seed = args.seed === DEFAULT_SEED ? '' : `.s${args.seed}`;
  const file = path.join(DATA, `records-${records}${seed}.v${GENERATOR_VERSION}.jsonl`);
  if (!fs.existsSync(file)) {
    process.stderr.write(`generating ${file}\n`);
    generateLog(records, file, args.seed);
  }
  return file;
}

/**
 * A metrics directory whose `invocations.jsonl` is a copy of `file` (the collector refuses a hard link to
 * its log), made on first use; a collector opens it and loads it without writing to it.
 */
/**
 * The note of a record() row: the CPU time of the timed part per record (every thread of the process),
 * steadier than wall time when other processes load the machine.
 */
function cpuPerRecord(ours: Run[], peer: Run[]): string {
  const us = (runs: Run[]): string => median(runs.map((r) => Number(r.report?.cpuUsPerRecord))).toFixed(2);
  return `CPU µs/record (median): ${us(ours)} ours, ${us(peer)} peer; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`;
}

function loadDir(file: string): string {
  const dir = path.join(DATA, `load-${path.basename(file, '.jsonl')}`);
  const log = path.join(dir, 'invocations.jsonl');
  if (!fs.existsSync(log) || fs.statSync(log).size !== fs.statSync(file).size) {
    process.stderr.write(`copying ${file} to ${log}\n`);
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(file, log);
  }
  return dir;
}

interface Run {
  /** Wall seconds of the process (time) or the scenario's own figure. */
  value: number;
  /** Peak RSS of the process, MB. */
  rssMB: number;
  /** CPU seconds of the process, user + system, all threads. */
  cpuS: number;
  /** The scenario's JSON report, if any. */
  report?: Record<string, number | string>;
}

/** Runs one process under /usr/bin/time; its last stdout line is parsed as JSON when it is JSON. */
function runOnce(command: string[], pick?: (report: Record<string, number | string>) => number): Run {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', ...command], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${command.join(' ')} failed (${r.status}):\n${r.stderr}`);
  const [wall, kb, user, system] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number, number];
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  const report = last.startsWith('{') ? (JSON.parse(last) as Record<string, number | string>) : undefined;
  return { value: pick !== undefined && report !== undefined ? pick(report) : wall, rssMB: kb / 1024, cpuS: user + system, ...(report === undefined ? {} : { report }) };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Row {
  scenario: string;
  ours: string;
  peer: string;
  unit: string;
  oursMedian: number;
  peerMedian: number;
  /** Ours / peer, pair by pair: below 1 is better when `lowerIsBetter`. */
  ratio: { median: number; min: number; max: number };
  lowerIsBetter: boolean;
  oursRssMB: number;
  peerRssMB: number;
  /** Median CPU seconds (user + system, all threads) of the whole processes, when measured. */
  oursCpuS?: number;
  peerCpuS?: number;
  note?: string;
}

/** Alternates A and each peer B, `pairs` times: A B1 B2 A B1 B2 ... Ratios are A / B per pair. */
function compare(
  scenario: string,
  ours: { name: string; command: string[] },
  peers: { name: string; command: string[] }[],
  pairs: number,
  unit: string,
  pick?: (report: Record<string, number | string>) => number,
  lowerIsBetter = true,
  noteOf?: (ours: Run[], peer: Run[]) => string,
): Row[] {
  const a: Run[] = [];
  const b: Run[][] = peers.map(() => []);
  for (let p = 0; p < pairs; p++) {
    a.push(runOnce(ours.command, pick));
    peers.forEach((peer, i) => b[i]!.push(runOnce(peer.command, pick)));
    process.stderr.write(`  ${scenario} pair ${p + 1}/${pairs}: ${ours.name} ${a.at(-1)!.value.toFixed(3)}${peers.map((peer, i) => `, ${peer.name} ${b[i]!.at(-1)!.value.toFixed(3)}`).join('')}\n`);
  }
  return peers.map((peer, i) => {
    const ratios = a.map((run, p) => run.value / b[i]![p]!.value);
    return {
      scenario,
      ours: ours.name,
      peer: peer.name,
      unit,
      oursMedian: median(a.map((r) => r.value)),
      peerMedian: median(b[i]!.map((r) => r.value)),
      ratio: { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) },
      lowerIsBetter,
      oursRssMB: median(a.map((r) => r.rssMB)),
      peerRssMB: median(b[i]!.map((r) => r.rssMB)),
      oursCpuS: median(a.map((r) => r.cpuS)),
      peerCpuS: median(b[i]!.map((r) => r.cpuS)),
      // The span variant reports how many spans its batch processor dropped (queue full): 0 means all were exported.
      ...(a.some((r) => r.report?.droppedSpans !== undefined)
        ? { note: `spans dropped per run: ${a.map((r) => String(r.report?.droppedSpans)).join(', ')}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}` }
        : noteOf !== undefined
          ? { note: noteOf(a, b[i]!) }
          : {}),
    };
  });
}

/** record() with spans on (trace SDK, batch processor, OTLP to a local receiver) against spans off and against pino. */
function spanRows(file: string, n: string, pairs: number, pick: (r: Record<string, number | string>) => number, pino: { name: string; command: string[] }): Row[] {
  const off = { name: 'collector alone (spans off)', command: script('record.mjs', 'ours-off', file, n) };
  const glue = { name: 'pino + a trace SDK span per record (batch, OTLP)', command: script('record.mjs', 'pino-sdk-spans', file, n) };
  const sdk = { name: 'collector + a user SDK provider (batch, OTLP)', command: script('record.mjs', 'ours-spans', file, n) };
  return compare('record() + spans', { name: 'collector + createTracing (direct path)', command: script('record.mjs', 'ours-tracing', file, n) }, [glue, sdk, off, pino], pairs, 'records/s', pick, false);
}

const node = (...args: string[]): string[] => [process.execPath, ...args];
/** The tunable the CLI's relaunch sets (src/cli/huge-pages.ts). */
const HUGETLB = 'glibc.malloc.hugetlb=1';
const cli = (file: string): string[] => node('dist/cli/main.js', 'summarize', '--json', file);
const script = (name: string, ...args: string[]): string[] => node(path.join('bench/scenarios', name), ...args);

function runScenario(scenario: Scenario, args: Args): Row[] {
  const { pairs } = args;
  switch (scenario) {
    case 'summarize': {
      const file = dataFile(args.records ?? 1_000_000);
      return compare(
        'summarize',
        { name: 'invocation-metrics summarize --json', command: cli(file) },
        [
          { name: 'DuckDB SQL (simple half + peak), default config', command: script('summarize-duckdb.mjs', file) },
          { name: 'DuckDB SQL, best: threads = cores', command: script('summarize-duckdb.mjs', file, 'best') },
          { name: 'readline + JSON.parse (no aggregate)', command: script('summarize-readline.mjs', file) },
          // The CLI starts itself again with glibc's huge-page tunable from 256 MiB (src/cli/huge-pages.ts): the
          // same tunable given to DuckDB, and summarize without it, in the same run.
          { name: 'DuckDB SQL, best, with GLIBC_TUNABLES=glibc.malloc.hugetlb=1', command: ['env', `GLIBC_TUNABLES=${HUGETLB}`, ...script('summarize-duckdb.mjs', file, 'best')] },
          { name: 'invocation-metrics summarize --json, INVOCATION_METRICS_HUGE_PAGES=off', command: ['env', 'INVOCATION_METRICS_HUGE_PAGES=off', ...cli(file)] },
        ],
        pairs,
        's wall',
      );
    }
    case 'floor': {
      // The physical floor (floor.mjs): summarize beside the same log read in the scan's layout doing less
      // with the bytes at each step. Whole processes, alternately; the note has the CPU seconds and the
      // floor's own scan-phase throughput.
      const n = args.records ?? 1_000_000;
      const file = dataFile(n);
      const modes = [
        ['read', 'read only (same workers, tasks, 4 MiB reads)'],
        ['split', 'read + bare line split (indexOf loop)'],
        ['parse', 'read + byte parser, rows dropped'],
        ['columns', 'read + byte parser + worker columns (no merge, no tail)'],
      ] as const;
      const peers = modes.map(([mode, name]) => ({ name: `floor: ${name}`, command: script('floor.mjs', file, mode) }));
      const rows = compare(`floor, ${n / 1000}k records`, { name: 'invocation-metrics summarize --json', command: cli(file) }, peers, pairs, 's wall');
      return rows.map((row) => ({ ...row, note: `CPU s (user + system) ours / peer: ${fmt(row.oursCpuS!)} / ${fmt(row.peerCpuS!)}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}` }));
    }
    case 'load': {
      // loadFromDisk() of the summarize log, beside summarize of the same log: each a fresh process, alternately.
      const n = args.records ?? 1_000_000;
      const dir = loadDir(dataFile(n));
      const summarize = [{ name: 'invocation-metrics summarize --json', command: cli(path.join(dir, 'invocations.jsonl')) }];
      return [
        ...compare(`load, ${n / 1000}k records`, { name: 'collector.loadFromDisk()', command: script('load.mjs', dir, 'load') }, summarize, pairs, 's wall'),
        ...compare(`load, ${n / 1000}k records`, { name: 'loadFromDisk() + computeAggregate()', command: script('load.mjs', dir, 'aggregate') }, summarize, pairs, 's wall'),
      ].map((row) => ({ ...row, note: `CPU s (user + system) ours / peer: ${fmt(row.oursCpuS!)} / ${fmt(row.peerCpuS!)}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}` }));
    }
    case 'growth': {
      const rows: Row[] = [];
      const sizes = args.records === undefined ? [100_000, 1_000_000, 3_000_000] : [args.records];
      for (const n of sizes) {
        const file = dataFile(n);
        const [row] = compare(`growth ${n / 1000}k`, { name: 'summarize', command: cli(file) }, [{ name: 'DuckDB, threads = cores', command: script('summarize-duckdb.mjs', file, 'best') }], Math.min(pairs, 3), 's wall');
        rows.push({ ...row!, note: `${((row!.oursMedian / n) * 1e9).toFixed(0)} ns/record (ours), ${((row!.peerMedian / n) * 1e9).toFixed(0)} (DuckDB)` });
      }
      return rows;
    }
    case 'record': {
      const n = String(args.records ?? 300_000);
      const file = dataFile(Number(n) > 300_000 ? Number(n) : 300_000);
      const pick = (r: Record<string, number | string>): number => Number(r.recordsPerSec);
      const pinos = [
        { name: 'pino default (pid, hostname, time; a write a record)', command: script('record.mjs', 'pino-sync', file, n) },
        { name: 'pino best (base null, no timestamp, sync, minLength 4096)', command: script('record.mjs', 'pino-best', file, n) },
      ];
      // The floor of the user-Meter path: the SDK histogram calls alone (the mirror's values and attribute
      // objects, no log), and pino best doing the same calls beside its line (what a user glues together).
      const floor = [
        pinos[1]!,
        { name: 'pino best + the same SDK histogram calls', command: script('record.mjs', 'pino-best-histograms', file, n) },
      ];
      return [
        ...compare('record()', { name: 'collector + mirror on a user Meter', command: script('record.mjs', 'ours-meter', file, n) }, [...pinos, floor[1]!], pairs, 'records/s', pick, false, cpuPerRecord),
        ...compare('record()', { name: 'collector + createTelemetry', command: script('record.mjs', 'ours-telemetry', file, n) }, pinos, pairs, 'records/s', pick, false, cpuPerRecord),
        ...compare('record() floor', { name: 'the SDK histogram calls of a user Meter alone', command: script('record.mjs', 'sdk-histograms', file, n) }, floor, pairs, 'records/s', pick, false, cpuPerRecord),
      ];
    }
    case 'record-paced': {
      // The same records, the loop yielding to the event loop every 256 records on both sides (record.mjs,
      // "VARIANT-paced"): a live program's records end over time, not 300k in one synchronous tick.
      const n = String(args.records ?? 300_000);
      const file = dataFile(Number(n) > 300_000 ? Number(n) : 300_000);
      const pick = (r: Record<string, number | string>): number => Number(r.recordsPerSec);
      const pino = { name: 'pino best, paced (base null, no timestamp, sync, minLength 4096)', command: script('record.mjs', 'pino-best-paced', file, n) };
      return [
        ...compare('record(), paced', { name: 'collector + mirror on a user Meter, paced', command: script('record.mjs', 'ours-meter-paced', file, n) }, [pino], pairs, 'records/s', pick, false, cpuPerRecord),
        ...compare('record(), paced', { name: 'collector + createTelemetry, paced', command: script('record.mjs', 'ours-telemetry-paced', file, n) }, [pino], pairs, 'records/s', pick, false, cpuPerRecord),
      ];
    }
    case 'spans': {
      // 100k by default (as BENCHMARKS.md's span figures): every span variant exports every span, about 5
      // variants x 2-3 s a run.
      const n = String(args.records ?? 100_000);
      const file = dataFile(Number(n) > 300_000 ? Number(n) : 300_000);
      const pick = (r: Record<string, number | string>): number => Number(r.recordsPerSec);
      return spanRows(file, n, pairs, pick, { name: 'pino, sync destination', command: script('record.mjs', 'pino-sync', file, n) });
    }
    case 'mirror': {
      const n = String(args.records ?? 300_000);
      const file = dataFile(Number(n) > 300_000 ? Number(n) : 300_000);
      const pick = (r: Record<string, number | string>): number => Number(r.recordsPerSec);
      const peers = [
        { name: 'naive OTel SDK calls', command: script('mirror.mjs', 'otel-naive', file, n) },
        { name: 'prom-client default (a fresh registry)', command: script('mirror.mjs', 'prom-client', file, n) },
        { name: 'prom-client best (the default registry, reused)', command: script('mirror.mjs', 'prom-client-best', file, n) },
      ];
      return [
        ...compare('mirror only', { name: 'mirror on a user Meter', command: script('mirror.mjs', 'ours-meter', file, n) }, peers, pairs, 'records/s', pick, false),
        ...compare('mirror only', { name: 'mirror on createTelemetry', command: script('mirror.mjs', 'ours-telemetry', file, n) }, peers, pairs, 'records/s', pick, false),
      ];
    }
    case 'scrape': {
      const n = String(args.records ?? 100_000);
      const file = dataFile(Number(n) > 300_000 ? Number(n) : 300_000);
      const pick = (r: Record<string, number | string>): number => Number(r.medianMs);
      const peers = [
        { name: 'prom-client default (a fresh registry)', command: script('scrape.mjs', 'prom-client', file, n, '20') },
        { name: 'prom-client best (the default registry, reused)', command: script('scrape.mjs', 'prom-client-best', file, n, '20') },
      ];
      const rows = compare('scrape /metrics', { name: 'createTelemetry endpoint', command: script('scrape.mjs', 'ours', file, n, '20') }, peers, pairs, 'ms median', pick);
      const samples = (variant: string): string => String(runOnce(script('scrape.mjs', variant, file, n, '1')).report?.samples);
      return rows.map((r) => ({ ...r, note: `samples: ours ${samples('ours')}, prom-client ${samples('prom-client')}` }));
    }
    case 'memory': {
      const n = String(args.records ?? 300_000);
      const file = dataFile(Number(n) > 300_000 ? Number(n) : 300_000);
      const ours: Run[] = [];
      const peer: Run[] = [];
      const loaded: Run[] = [];
      for (let p = 0; p < pairs; p++) {
        ours.push(runOnce(node('--expose-gc', 'bench/scenarios/memory.mjs', file, n, 'ours')));
        peer.push(runOnce(node('--expose-gc', 'bench/scenarios/memory.mjs', file, n, 'json')));
        loaded.push(runOnce(node('--expose-gc', 'bench/scenarios/memory.mjs', file, n, 'loaded')));
      }
      const loadedHeld = loaded.map((r) => Number(r.report!.loadedBytesPerRecord));
      const held = ours.map((r) => Number(r.report!.collectorBytesPerRecord));
      const json = peer.map((r) => Number(r.report!.jsonBytesPerRecord));
      const ratios = held.map((h, k) => h / json[k]!);
      const columns = median(ours.map((r) => Number(r.report!.aggregatorBytesPerRecord)));
      const getAllMs = median(ours.map((r) => Number(r.report!.getAllMs)));
      const getAllBytes = median(ours.map((r) => Number(r.report!.getAllBytesPerRecord)));
      return [
        {
          scenario: 'memory per held record',
          ours: 'collector (getAll)',
          peer: 'JSON.parse objects in an array',
          unit: 'bytes/record',
          oursMedian: median(held),
          peerMedian: median(json),
          ratio: { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) },
          lowerIsBetter: true,
          oursRssMB: median(ours.map((r) => r.rssMB)),
          peerRssMB: median(peer.map((r) => r.rssMB)),
          note: `aggregator columns: ${columns.toFixed(0)} bytes/record; getAll() of them all: ${getAllMs.toFixed(0)} ms, its array ${getAllBytes.toFixed(0)} bytes/record while held`,
        },
        {
          scenario: 'memory per held record',
          ours: 'collector, records loaded by loadFromDisk() (getAll)',
          peer: 'JSON.parse objects in an array',
          unit: 'bytes/record',
          oursMedian: median(loadedHeld),
          peerMedian: median(json),
          ratio: { median: median(loadedHeld.map((h, k) => h / json[k]!)), min: Math.min(...loadedHeld.map((h, k) => h / json[k]!)), max: Math.max(...loadedHeld.map((h, k) => h / json[k]!)) },
          lowerIsBetter: true,
          oursRssMB: median(loaded.map((r) => r.rssMB)),
          peerRssMB: median(peer.map((r) => r.rssMB)),
          note: `getAll() of them all: ${median(loaded.map((r) => Number(r.report!.getAllMs))).toFixed(0)} ms, its array ${median(loaded.map((r) => Number(r.report!.getAllBytesPerRecord))).toFixed(0)} bytes/record while held`,
        },
      ];
    }
  }
}

function machine(): Record<string, string | number> {
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGB: Math.round(os.totalmem() / 1e9),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadavg: os.loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}

const fmt = (n: number): string => (Number.isNaN(n) ? '-' : n >= 1000 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(3));

function table(rows: Row[]): string {
  const head = '| scenario | ours | peer | unit | ours (median) | peer (median) | ratio ours/peer: median [min, max] | RSS MB ours / peer | note |';
  const lines = rows.map(
    (r) =>
      `| ${r.scenario} | ${r.ours} | ${r.peer} | ${r.unit} (${r.lowerIsBetter ? 'lower' : 'higher'} is better) | ${fmt(r.oursMedian)} | ${fmt(r.peerMedian)} | ` +
      `${r.ratio.median.toFixed(2)}x [${r.ratio.min.toFixed(2)}, ${r.ratio.max.toFixed(2)}] | ${fmt(r.oursRssMB)} / ${fmt(r.peerRssMB)} | ${r.note ?? ''} |`,
  );
  return [head, '| --- | --- | --- | --- | --- | --- | --- | --- | --- |', ...lines].join('\n');
}

const args = parseArgs(process.argv.slice(2));
prepare(args.scenarios);
const before = machine();
const rows: Row[] = [];
for (const scenario of args.scenarios) {
  process.stderr.write(`scenario ${scenario}\n`);
  rows.push(...runScenario(scenario, args));
}
const info = { ...before, loadavgAfter: machine().loadavg, pairs: args.pairs, seed: args.seed, command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim() };
fs.mkdirSync(DATA, { recursive: true });
fs.writeFileSync(path.join(DATA, 'results-latest.json'), `${JSON.stringify({ machine: info, rows }, null, 2)}\n`);
process.stdout.write(`${Object.entries(info).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${table(rows)}\n`);
