/**
 * The collector's `loadFromDisk()`: the records its log held before it opened it, into its store. A large
 * prefix is read by worker threads straight into the store's columns (`src/scan/load-columns.ts`), a small
 * one through {@link loadLogPrefix} in this thread.
 *
 * @module
 */
import os from 'node:os';
import { LogAccessError } from '../errors.js';
import type { RecordStore } from '../record-store.js';
import { appendLoaded, loadInWorkers, type LoadedColumns } from '../scan/load-columns.js';
import { builtWorkerSource, type WorkerSource } from '../scan/pool.js';
import { PARALLEL_MIN_BYTES } from '../scan/prestart.js';
import { READ_BYTES } from '../scan/read-range.js';
import { DEFAULT_MAX_LINE_BYTES } from './lines.js';
import { LOAD_ACTION, loadLogPrefix, openPrefix, type LogPrefix, type ReadLogOptions } from './reader.js';

/** How {@link loadLogPrefixInto} reads a large prefix: worker threads (internal; the defaults are for users). */
export interface ParallelLoadOptions {
  /** Prefixes of at least this many bytes are read by worker threads. @default {@link LOAD_PARALLEL_MIN_BYTES} */
  parallelMinBytes?: number;
  /** Worker threads. @default os.availableParallelism() (1: read in this thread) */
  workers?: number;
  /** The worker script. @default the scan's `worker.js` (none, so this thread, when running from sources) */
  workerSource?: WorkerSource;
  /** Bytes per worker task. @default total / (8 * workers), within [4 MiB, 64 MiB] */
  taskBytes?: number;
  /** Bytes per read. @default 4 MiB */
  readBytes?: number;
}

/**
 * Prefixes from this size on are loaded by worker threads, smaller ones in the calling thread: the scan's
 * {@link PARALLEL_MIN_BYTES}, 56 MiB (about 170,000 of the writer's lines). Measured for the load on 2 busy
 * cores (`loadLogPrefixInto` of the benchmark log's first bytes, 3 processes each, load average 6): 8 MiB
 * 0.95 to 1.1 s with workers against 0.28 to 0.54 s without, 32 MiB 1.2 to 1.5 s against 0.94 to 1.3 s,
 * 56 MiB 1.1 to 1.8 s against 1.2 to 1.5 s.
 */
export const LOAD_PARALLEL_MIN_BYTES = PARALLEL_MIN_BYTES;

/**
 * What {@link loadLogPrefixInto} did: the store holds `loaded` more records.
 */
export interface LoadedInto {
  /** Index in the store of the first loaded record. */
  from: number;
  loaded: number;
  skipped: number;
}

/**
 * {@link loadLogPrefix} into a collector's store: the records are appended to `store` once the whole prefix
 * is read (none if it fails), after the first `skip` valid ones, with the same warnings in line order. A
 * large prefix is read by worker threads straight into the store's columns (`src/scan/load-columns.ts`:
 * no record object for a line in the writer's form); a small one through {@link loadLogPrefix}.
 *
 * @param file - The log file.
 * @param prefix - As for {@link loadLogPrefix}.
 * @param store - Receives the records.
 * @param options - As for {@link loadLogPrefix}, and {@link ParallelLoadOptions}.
 * @returns The counts.
 * @throws Rejects like {@link loadLogPrefix}; with {@link LogAccessError} when a worker thread fails.
 */
export async function loadLogPrefixInto(
  file: string,
  prefix: LogPrefix | undefined,
  store: RecordStore,
  options: ReadLogOptions & { skip?: number } & ParallelLoadOptions = {},
): Promise<LoadedInto> {
  const workers = options.workers ?? os.availableParallelism();
  const source = options.workerSource ?? builtWorkerSource();
  if (prefix === undefined || workers < 2 || source === undefined || prefix.bytes < (options.parallelMinBytes ?? LOAD_PARALLEL_MIN_BYTES)) {
    const { records, skipped } = await loadLogPrefix(file, prefix, options);
    const from = store.length;
    for (const r of records) store.push(r);
    return { from, loaded: records.length, skipped };
  }
  const handle = await openPrefix(file, prefix);
  if (handle === undefined) return { from: store.length, loaded: 0, skipped: 0 };
  let loaded: LoadedColumns;
  try {
    const taskBytes = options.taskBytes ?? Math.min(64 * MiB, Math.max(4 * MiB, Math.ceil(prefix.bytes / (8 * workers))));
    loaded = await loadInWorkers({
      file,
      fd: handle.fd,
      limit: prefix.bytes,
      maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
      skip: options.skip ?? 0,
      onWarning: options.onWarning ?? (() => {}),
      workers,
      source,
      taskBytes,
      readBytes: options.readBytes ?? READ_BYTES,
    });
  } catch (error) {
    throw new LogAccessError(file, LOAD_ACTION, error);
  } finally {
    await handle.close();
  }
  if (loaded.failed !== undefined) throw new LogAccessError(file, LOAD_ACTION, loaded.failed);
  const from = store.length;
  appendLoaded(store, loaded.pieces);
  return { from, loaded: loaded.loaded, skipped: loaded.skipped };
}

const MiB = 1024 * 1024;
