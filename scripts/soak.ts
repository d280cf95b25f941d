/**
 * Crash soak: `npm run soak [-- --kills 200 --keep]`. Starts a recording child process over one log,
 * SIGKILLs it at a random moment, and again, `--kills` times (every fourth run with `fsync: true`; every
 * tenth kill also leaves a torn tail on purpose, as a kill inside `write(2)` rarely happens by chance).
 * Then it opens the log once more (which repairs the last tail), streams it, and prints: kills,
 * acknowledged, loaded, lost (must be 0), duplicates, out of order, torn tails repaired, skipped lines.
 * Exit code 1 when anything acknowledged was lost or duplicated or out of order.
 *
 * Not part of the test suite (it runs for minutes); the suite's crash test is the short version.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readLog } from '../src/log/reader.js';
import { LogWriter } from '../src/log/writer.js';

const { values } = parseArgs({ options: { kills: { type: 'string', default: '200' }, keep: { type: 'boolean', default: false } } });
const KILLS = Number(values.kills);
if (!Number.isSafeInteger(KILLS) || KILLS < 1) throw new Error(`Expected \`--kills\` to be an integer >= 1, got ${values.kills}`);

const child = fileURLToPath(new URL('../test/fixtures/log/soak-child.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'im-soak-'));
const logPath = join(dir, 'soak.jsonl');

interface Run {
  acked: number;
  stderr: string;
}

/** One child: waits for `ready`, lets it record for a random while, SIGKILLs it, returns what it acknowledged. */
function runOnce(runId: string, fsync: boolean): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dir, runId, fsync ? '1' : '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killTimer: NodeJS.Timeout | undefined;
    const guard = setTimeout(() => p.kill('SIGKILL'), 30_000); // a child that never gets ready
    p.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (killTimer === undefined && out.startsWith('ready\n')) killTimer = setTimeout(() => p.kill('SIGKILL'), 20 + Math.random() * 380);
    });
    p.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    p.on('error', reject);
    p.on('close', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') return reject(new Error(`run ${runId} ended by itself (${signal ?? code}): ${err}`));
      // Only complete lines are acknowledgements: the kill can cut the last one.
      const lines = out.split('\n').slice(0, -1);
      if (lines[0] !== 'ready') return reject(new Error(`run ${runId} was killed before it was ready: ${err}`));
      const ids = lines.slice(1);
      const wrong = ids.findIndex((id, i) => id !== `${runId}-${i}`);
      if (wrong !== -1) return reject(new Error(`run ${runId} acknowledged ${ids[wrong]} at position ${wrong}: out of order`));
      resolve({ acked: ids.length, stderr: err });
    });
  });
}

const started = performance.now();
const acked = new Map<string, number>();
let injected = 0;
let stderr = '';
for (let k = 0; k < KILLS; k++) {
  const runId = `r${k}`;
  const run = await runOnce(runId, k % 4 === 3);
  acked.set(runId, run.acked);
  stderr += run.stderr;
  if (k % 10 === 9) {
    appendFileSync(logPath, `{"invocationId":"torn-${runId}","agent":"so`);
    injected++;
  }
  if ((k + 1) % 20 === 0) process.stderr.write(`soak: ${k + 1}/${KILLS} kills\n`);
}

// The last run's torn tail and stale lock are dealt with by the next open, as in real life.
let finalOpen = '';
const say = (m: unknown): void => void (finalOpen += `${String(m)}\n`);
await LogWriter.open(logPath, { logger: { warn: say, info: say } }).close();
stderr += finalOpen;

const next = new Map<string, number>();
let loaded = 0;
let duplicates = 0;
let outOfOrder = 0;
let skipped = 0;
let foreign = 0;
for await (const r of readLog(logPath, { onWarning: () => void skipped++ })) {
  loaded++;
  const cut = r.invocationId.lastIndexOf('-');
  const run = r.invocationId.slice(0, cut);
  const index = Number(r.invocationId.slice(cut + 1));
  if (!acked.has(run)) {
    foreign++;
    continue;
  }
  const want = next.get(run) ?? 0;
  if (index < want) duplicates++;
  else if (index > want) outOfOrder++;
  if (index >= want) next.set(run, index + 1);
}
let lost = 0;
let ackedTotal = 0;
for (const [run, n] of acked) {
  ackedTotal += n;
  lost += Math.max(0, n - (next.get(run) ?? 0));
}
const cut = (stderr.match(/cut a torn last line/g) ?? []).length;
const completed = (stderr.match(/had no trailing newline; added it/g) ?? []).length;
const tornLines = existsSync(`${logPath}.torn`) ? readFileSync(`${logPath}.torn`, 'utf8').split('\n').length - 1 : 0;
const reclaimed = (stderr.match(/reclaimed stale lock/g) ?? []).length;

const report = {
  kills: KILLS,
  acknowledged: ackedTotal,
  loaded,
  lost,
  duplicates,
  outOfOrder,
  tornTailsRepaired: cut,
  tornTailsInjected: injected,
  tornTailsFromKills: cut - injected,
  lastRecordsCompletedWithNewline: completed,
  linesInTornFile: tornLines,
  staleLocksReclaimed: reclaimed,
  skippedLinesOnLoad: skipped,
  unknownLines: foreign,
  logBytes: statSync(logPath).size,
  seconds: Math.round((performance.now() - started) / 100) / 10,
};
for (const [key, value] of Object.entries(report)) process.stdout.write(`${key.padEnd(32)} ${value}\n`);
if (values.keep) process.stdout.write(`log kept in ${dir}\n`);
else rmSync(dir, { recursive: true, force: true });
process.exitCode = lost > 0 || duplicates > 0 || outOfOrder > 0 || skipped > 0 || foreign > 0 ? 1 : 0;
