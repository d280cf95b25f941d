/**
 * State files on disk: `writeStateFile()` and `readStateFile()`, the I/O around the pure codec of
 * `state-codec.ts`. A state file holds an aggregator's records in their compact column form, so that the
 * map step of a fleet's summary (one state per host, or per batch) can run anywhere and the merge
 * anywhere else: merged states give exactly the aggregate of the concatenated logs.
 *
 * @module
 */
import fs from 'node:fs';
import { StateFileError } from '../errors.js';
import { unsafeKind } from '../log/safe-open.js';
import { writeFileAtomically } from '../output/atomic-write.js';
import type { AggregatorState } from '../aggregate/types.js';
import { decodeState, encodeState, hasStateMagic, STATE_FILE_MAGIC, StateFormatProblem, type EncodeOptions } from './state-codec.js';

/** Options of {@link writeStateFile}. */
export interface WriteStateFileOptions extends EncodeOptions {
  /** fsync the file before it is renamed into place. @default false */
  fsync?: boolean;
}

/**
 * Writes an aggregator's state to `file`, atomically: through a temporary sibling created exclusively
 * (never through a link) and a rename, so that `file` holds either its old content or the whole new state.
 *
 * @param file - The file to write (conventionally `*.state`).
 * @param state - `aggregator.serialize()`.
 * @param options - See {@link WriteStateFileOptions}.
 * @returns The number of bytes written.
 * @throws `InvalidOptionError` for a malformed state; `OutputWriteError` (`ERR_OUTPUT_WRITE`) naming `file`
 *   when it cannot be written.
 * @example
 * ```ts
 * const aggregator = createAggregator();
 * for await (const record of readLog('logs/host-a.jsonl')) aggregator.add(record);
 * await writeStateFile('host-a.state', aggregator.serialize());
 * ```
 */
export async function writeStateFile(file: string, state: AggregatorState, options: WriteStateFileOptions = {}): Promise<number> {
  const chunks = encodeState(state, options);
  await writeFileAtomically(file, chunks, { fsync: options.fsync ?? false });
  return chunks.reduce((s, c) => s + c.length, 0);
}

/**
 * Reads a state file written by {@link writeStateFile} (or `summarize --state`): its header, both
 * checksums, its format version and every length are checked before anything is allocated from them,
 * and the state as `mergeState()` checks it.
 *
 * @param file - The state file. A symbolic link to one is read; a directory, FIFO or device is refused.
 * @returns The state, ready for `aggregator.mergeState()`.
 * @throws {@link StateFileError} (`ERR_STATE_FILE`) naming `file` and what is wrong: missing, unreadable,
 *   truncated, corrupt, another format version, or not a state file.
 * @example
 * ```ts
 * const total = createAggregator({ bucketMs: 30_000 });
 * for (const file of ['host-a.state', 'host-b.state']) total.mergeState(await readStateFile(file));
 * console.log(total.result().totalCost);
 * ```
 */
export async function readStateFile(file: string): Promise<AggregatorState> {
  const bytes = await readWhole(file);
  try {
    return decodeState(bytes);
  } catch (error) {
    if (error instanceof StateFormatProblem) throw new StateFileError(file, error.message);
    throw error;
  }
}

/**
 * Whether `file` starts with the state file magic (reads its first 8 bytes; a missing or unreadable file
 * is not a state file, and says so later when read as a log).
 *
 * @param file - A path.
 * @returns True for a state file (or a damaged one whose magic survived).
 */
export function isStateFile(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    if (!fs.fstatSync(fd).isFile()) return false;
    const head = Buffer.alloc(STATE_FILE_MAGIC.length);
    return fs.readSync(fd, head, 0, head.length, 0) === head.length && hasStateMagic(head);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The file's bytes: exactly as many as `fstat` says it has (a file that grows meanwhile is read to that size). */
async function readWhole(file: string): Promise<Uint8Array> {
  let handle: fs.promises.FileHandle;
  try {
    // O_NONBLOCK: a FIFO named by mistake must not block the open.
    handle = await fs.promises.open(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new StateFileError(file, openReason(error), error);
  }
  try {
    const stats = await handle.stat();
    const kind = unsafeKind(stats, true);
    if (kind !== undefined) throw new StateFileError(file, `it is ${kind}, not a state file`);
    const bytes = Buffer.allocUnsafe(stats.size);
    let n = 0;
    while (n < bytes.length) {
      const { bytesRead } = await handle.read(bytes, n, bytes.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return bytes.subarray(0, n);
  } catch (error) {
    if (error instanceof StateFileError) throw error;
    throw new StateFileError(file, (error as Error).message, error);
  } finally {
    await handle.close();
  }
}

function openReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory, not a state file';
  return (error as Error).message;
}
