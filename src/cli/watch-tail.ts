/**
 * Following one open log file for `watch`: each poll reads only the bytes appended since the last one
 * (plus the unfinished last line, at most the line limit, read again until it ends), and hands the
 * complete lines to the one line reader every other reader uses (`LineScanner`: the same records, the same
 * warnings, word for word).
 *
 * Why the unfinished line is read again instead of kept: a writer that restarts after a crash cuts a torn
 * tail off before it appends (see `repair.ts`). Reading from the start of the unfinished line each time
 * makes that cut invisible: the torn bytes were never parsed, and the new lines are read where they land.
 *
 * @module
 */
import fs from 'node:fs';
import type { InvocationMetric } from '../record.js';
import { LineScanner } from '../scan/line-scanner.js';

/** What a poll found, for the caller to count and show. */
export interface TailSink {
  /** A valid record. */
  record(record: InvocationMetric): void;
  /** A skipped line (malformed, invalid or too long): the file as named, its 1-based line number, the reason. */
  skipped(file: string, line: number, reason: string): void;
  /** Something the user should know (a truncation). */
  notice(text: string): void;
}

const NEWLINE = 0x0a;
/** Bytes at the start of the file compared at each poll, to notice a file rewritten in place. */
const HEAD_BYTES = 256;

/** An open log file followed from a byte offset. */
export class FileTail {
  /** The path it was opened at (it may have been renamed since). */
  readonly path: string;
  /** `dev:ino`, the file's identity. */
  readonly identity: string;
  readonly #fd: number;
  readonly #maxLineBytes: number;
  /** Offset just past the last complete line handed on (or past the bytes of an overlong line dropped). */
  #position = 0;
  /** Inside a line longer than the limit: its bytes are dropped until its newline. */
  #overlong = false;
  /** The first bytes of the file as they were read (at most {@link HEAD_BYTES}). */
  #head: Buffer = Buffer.alloc(0);
  #scanner: LineScanner;
  #sink: TailSink | undefined;
  #closed = false;

  /**
   * @param path - The path, for messages.
   * @param fd - A descriptor opened for reading (by `openRegularFile`); the tail closes it.
   * @param identity - `dev:ino` of the file.
   * @param maxLineBytes - Longest line read; a longer one is skipped with a warning, never held whole.
   */
  constructor(path: string, fd: number, identity: string, maxLineBytes: number) {
    this.path = path;
    this.identity = identity;
    this.#fd = fd;
    this.#maxLineBytes = maxLineBytes;
    this.#scanner = this.#newScanner();
  }

  /** Bytes of the file read so far. */
  get position(): number {
    return this.#position;
  }

  /**
   * Reads what was appended since the last poll, at most `budget` bytes (more is left for the next poll).
   *
   * @param buffer - A scratch buffer of at least `maxLineBytes + 1` bytes, shared by all tails.
   * @param budget - Most bytes to read.
   * @param sink - Receives records, skipped lines and notices.
   * @returns Bytes consumed (complete lines and dropped overlong bytes) and whether the end was reached.
   */
  poll(buffer: Buffer, budget: number, sink: TailSink): { bytes: number; atEnd: boolean } {
    this.#sink = sink;
    this.#checkTruncation();
    const start = this.#position;
    for (;;) {
      const want = Math.min(buffer.length, this.#maxLineBytes + 1, budget - (this.#position - start));
      if (want <= 0) return { bytes: this.#position - start, atEnd: false };
      const n = fs.readSync(this.#fd, buffer, 0, want, this.#position);
      if (n === 0) return { bytes: this.#position - start, atEnd: true };
      const chunk = buffer.subarray(0, n);
      const last = chunk.lastIndexOf(NEWLINE);
      if (last >= 0) {
        // Only whole lines go to the scanner, so that nothing of an unfinished one is held.
        this.#scanner.scan(chunk, 0, last + 1, false);
        this.#consumed(chunk, last + 1);
        this.#overlong = false;
        if (last + 1 < n && n < want) return { bytes: this.#position - start, atEnd: true };
        continue;
      }
      if (this.#overlong || n > this.#maxLineBytes) {
        // Past the limit: the scanner counts these bytes and drops them; the line's newline reports it.
        this.#scanner.scan(chunk, 0, n, false);
        this.#consumed(chunk, n);
        this.#overlong = true;
        continue;
      }
      // An unfinished line within the limit: read it again next time.
      return { bytes: this.#position - start, atEnd: n < want };
    }
  }

  /** Closes the file (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    fs.closeSync(this.#fd);
  }

  /** Moves the offset past the first `n` bytes of `chunk` (read at the offset), keeping the file's first bytes. */
  #consumed(chunk: Buffer, n: number): void {
    if (this.#head.length < HEAD_BYTES) this.#head = Buffer.concat([this.#head, chunk.subarray(0, Math.min(n, HEAD_BYTES - this.#head.length))]);
    this.#position += n;
  }

  /**
   * A file shorter than what was read was truncated (logrotate's `copytruncate`, or by hand): read it again
   * from the start. So is a file whose first bytes are no longer those that were read: truncated and
   * written again past the offset between two polls (a rewrite that keeps the first 256 bytes is not seen).
   */
  #checkTruncation(): void {
    if (this.#position === 0) return;
    const size = Number(fs.fstatSync(this.#fd).size);
    let changed = size < this.#position;
    if (!changed) {
      const now = Buffer.alloc(this.#head.length);
      changed = fs.readSync(this.#fd, now, 0, now.length, 0) !== now.length || !now.equals(this.#head);
    }
    if (!changed) return;
    this.#sink?.notice(`${this.path}: truncated (${size} bytes, ${this.#position} were read); reading it again from the start`);
    this.#position = 0;
    this.#overlong = false;
    this.#head = Buffer.alloc(0);
    this.#scanner = this.#newScanner();
  }

  #newScanner(): LineScanner {
    return new LineScanner({
      maxLineBytes: this.#maxLineBytes,
      target: { kind: 'records', onRecord: (record) => this.#sink?.record(record) },
      onWarning: (lineNo, reason) => this.#sink?.skipped(this.path, lineNo, reason),
    });
  }
}
