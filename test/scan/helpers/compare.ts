/**
 * The reference the scanner is held to: the reader as it was before it became the scanner
 * (`test/helpers/reference-reader.ts`: line splitting, `JSON.parse`, full validation) plus
 * `computeAggregate` over the records it keeps. Helpers to write
 * lines to a file and to run the scanner in every mode on it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { computeAggregate } from '../../../src/aggregate/index.js';
import type { MetricsAggregate } from '../../../src/aggregate/types.js';
import type { LogWarning } from '../../../src/log/reader.js';
import type { InvocationMetric } from '../../../src/record.js';
import { scanLogs, type ScanLogsOptions } from '../../../src/scan/index.js';
import { referenceLoad } from '../../helpers/reference-reader.js';

/** The worker script for tests: the TypeScript worker, compiled on load by tsx. */
export const TS_WORKER = { url: new URL('./ts-worker.mjs', import.meta.url) };

/** What a read gives, whichever path read it. */
export interface Outcome {
  aggregate: MetricsAggregate;
  skipped: number;
  warnings: LogWarning[];
}

/** A fresh temporary directory and its remover. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-scan-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Writes bytes or text to `dir/name`.
 *
 * @returns The path.
 */
export function writeLog(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/** The reader's records and warnings over several files, and their aggregate. */
export async function reference(files: string[], maxLineBytes: number, bucketMs = 60_000): Promise<Outcome & { records: InvocationMetric[] }> {
  const records: InvocationMetric[] = [];
  const warnings: LogWarning[] = [];
  let skipped = 0;
  for (const file of files) {
    const loaded = await referenceLoad(file, maxLineBytes);
    records.push(...loaded.records);
    warnings.push(...loaded.warnings);
    skipped += loaded.skipped;
  }
  return { aggregate: computeAggregate(records, { bucketMs }), skipped, warnings, records };
}

/** Runs `scanLogs` and collects what it gives. */
export async function scan(files: string[], options: Partial<ScanLogsOptions> & { maxLineBytes: number }): Promise<Outcome> {
  const warnings: LogWarning[] = [];
  const inputs = files.map((file) => ({ path: file, size: fs.statSync(file).size }));
  const r = await scanLogs(inputs, { bucketMs: 60_000, workers: 1, onWarning: (w) => warnings.push(w), ...options });
  return { aggregate: r.aggregator.result(), skipped: r.skipped, warnings };
}

/** Runs `scanLogs` in records mode and collects the records. */
export async function scanRecords(files: string[], maxLineBytes: number): Promise<InvocationMetric[]> {
  const records: InvocationMetric[] = [];
  const inputs = files.map((file) => ({ path: file, size: fs.statSync(file).size }));
  await scanLogs(inputs, { bucketMs: 60_000, maxLineBytes, onRecord: (r) => records.push(r) });
  return records;
}
