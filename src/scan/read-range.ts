/**
 * Reading a log through a {@link LineScanner}: {@link scanChunks} reads a file's bytes in large reads into
 * one buffer (for every reader of logs); {@link scanRange} reads one byte range of a log. A range holds
 * the lines that start inside it, so ranges of one file can be read by different threads: the first
 * line start at or after `start` is found by skipping to the first `\n` from `start - 1`, and the last
 * line is read to its end even past `end`.
 *
 * @module
 */
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import type { LineScanner } from './line-scanner.js';

/** Bytes per read. */
export const READ_BYTES = 4 * 1024 * 1024;

/** Bytes per read while looking for a range's first line start (a line is a few hundred bytes). */
const PROBE_BYTES = 64 * 1024;
/** Bytes read at most past a range's end at a time, while its last line is still incomplete. */
const PAST_STOP_BYTES = 64 * 1024;

/** Options of {@link scanRange}. */
export interface ScanRangeOptions {
  /** Called with the count of each read's bytes (progress). */
  onBytes?: ((bytes: number) => void) | undefined;
  /** Bytes per read (small values are for tests: every line then spans reads). @default {@link READ_BYTES} */
  readBytes?: number;
  /**
   * A buffer of `readBytes` bytes to read into, reused from an earlier call (a worker reads one range
   * after another: a fresh 4 MiB buffer per range cost a page fault per 4 KiB). When absent or of another
   * size, one is allocated.
   */
  buffer?: Buffer | undefined;
  /**
   * Read with blocking calls (`fs.readSync`) instead of `fs.promises`: for a worker thread, which has
   * nothing else to do meanwhile. The kernel's copy then runs on the worker's own thread rather than on a
   * thread of libuv's pool that it waits for (on 2 cores, 5% less wall time for a 1M-record summarize).
   * Never in a thread with an event loop to keep serving. @default false
   */
  sync?: boolean;
  /**
   * Read this open file descriptor (blocking reads at given positions, safe from any thread of the
   * process) instead of opening `file`; it is not closed. For a worker reading a file that the main
   * thread opened and checked. @default undefined
   */
  fd?: number;
  /** No byte at or after this file offset is read (a prefix of the file). @default Infinity */
  limit?: number;
}

/** An open file as {@link scanRange} reads it. */
interface RangeReader {
  read(buf: Buffer, offset: number, length: number, position: number): number | Promise<number>;
  close(): void | Promise<void>;
}

async function openReader(file: string, sync: boolean, fd: number | undefined): Promise<RangeReader> {
  if (fd !== undefined) return { read: (buf, offset, length, position) => fsSync.readSync(fd, buf, offset, length, position), close: () => {} };
  if (sync) {
    const fd = fsSync.openSync(file, 'r');
    return { read: (buf, offset, length, position) => fsSync.readSync(fd, buf, offset, length, position), close: () => fsSync.closeSync(fd) };
  }
  const handle = await fs.open(file, 'r');
  return { read: async (buf, offset, length, position) => (await handle.read(buf, offset, length, position)).bytesRead, close: () => handle.close() };
}

/** A byte range of a file: the lines that start in `[start, end)`. */
export interface ByteRange {
  /** First byte (0 for the whole file). */
  start: number;
  /** End, exclusive; `Infinity` reads to the end of the file as it is at read time. */
  end: number;
}

/**
 * Scans the lines that start in a range of `file`. A missing file reads as empty (like the reader).
 *
 * @param file - The log file.
 * @param range - The range.
 * @param scanner - Receives the bytes.
 * @param options - See {@link ScanRangeOptions}.
 * @throws File-system errors other than ENOENT, as they are.
 */
export async function scanRange(file: string, range: ByteRange, scanner: LineScanner, options: ScanRangeOptions = {}): Promise<void> {
  let handle: RangeReader;
  try {
    handle = await openReader(file, options.sync ?? false, options.fd);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    const { readBytes = READ_BYTES, buffer } = options;
    const buf = buffer !== undefined && buffer.length === readBytes ? buffer : Buffer.allocUnsafe(readBytes);
    let from = range.start;
    if (from > 0) {
      const first = await firstLineStart(handle, buf, from, options.limit ?? Infinity);
      if (first === undefined) return;
      from = first;
    }
    for await (const _ of scanChunks(handle.read, scanner, { ...options, buffer: buf, from, stopAt: range.end }));
  } finally {
    await handle.close();
  }
}

/** Reads up to `length` bytes of a file at `position` into `buf` at `offset`: the count read, 0 at its end. */
export type ReadAt = (buf: Buffer, offset: number, length: number, position: number) => number | Promise<number>;

/** Options of {@link scanChunks}. */
export interface ScanChunksOptions {
  /** The buffer to read into; it grows (a copy) when one line within the line limit fills it. */
  buffer: Buffer;
  /** File offset of the first line. @default 0 */
  from?: number;
  /** Lines starting at or after this file offset are left alone. @default Infinity */
  stopAt?: number;
  /** No byte at or after this file offset is read: the bytes end there. @default Infinity */
  limit?: number;
  /** Called with the count of each read's bytes (progress). */
  onBytes?: ((bytes: number) => void) | undefined;
}

/**
 * Reads a file from `from` on and scans its lines, one read after another into one buffer (no stream, no
 * per-line copy), the incomplete line at the end of a read moved to the buffer's start. Yields after each
 * read's lines are scanned (a streaming reader hands the records on there).
 *
 * @param read - Reads the file (sequentially: each read starts where the last one ended).
 * @param scanner - Receives the bytes.
 * @param options - See {@link ScanChunksOptions}.
 * @throws The read's errors, as they are.
 */
export async function* scanChunks(read: ReadAt, scanner: LineScanner, options: ScanChunksOptions): AsyncGenerator<void, void, undefined> {
  const { onBytes, from = 0, stopAt = Infinity, limit = Infinity } = options;
  let buf = options.buffer;
  let offset = from; // file offset of buf[0]
  let carry = 0;
  for (;;) {
    if (carry === buf.length) {
      // One line fills the buffer and is still within the line limit (else the scanner skips it).
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, carry);
      buf = bigger;
    }
    // No read goes much past `stopAt`: the range's last line ends a few hundred bytes after it, and the
    // bytes beyond are the next range's (a full read there cost each task about 2 MiB read for nothing).
    const length = Math.min(buf.length - carry, limit - offset - carry, Math.max(stopAt - offset - carry, 0) + PAST_STOP_BYTES);
    const bytesRead = length > 0 ? await read(buf, carry, length, offset + carry) : 0;
    onBytes?.(bytesRead);
    const eof = bytesRead === 0;
    const available = carry + bytesRead;
    const consumed = scanner.scan(buf, 0, available, eof, stopAt - offset);
    yield;
    if (eof || scanner.stopped || (consumed >= stopAt - offset && !scanner.pending)) return;
    carry = available - consumed;
    buf.copyWithin(0, consumed, available);
    offset += consumed;
  }
}

/**
 * The offset after the first `\n` at or after `from - 1`: the first line start >= `from`; none at EOF.
 * Reads small pieces: the `\n` is usually a few hundred bytes away, and the range's reads start after it.
 */
async function firstLineStart(handle: RangeReader, buf: Buffer, from: number, limit: number): Promise<number | undefined> {
  for (let at = from - 1; ; ) {
    const probe = Math.min(buf.length, PROBE_BYTES, limit - at);
    const bytesRead = probe > 0 ? await handle.read(buf, 0, probe, at) : 0;
    if (bytesRead === 0) return undefined;
    const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
    if (nl !== -1) return at + nl + 1;
    at += bytesRead;
  }
}
