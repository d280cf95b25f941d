/**
 * Splitting a byte stream into lines, with memory bounded per line. Pure: the caller does the reading.
 *
 * Lines are split on the byte `\n` (0x0A) before decoding, which is safe in UTF-8 (no multi-byte sequence
 * contains 0x0A) and keeps a character cut by a chunk boundary whole. A line longer than the limit is
 * counted, not buffered.
 *
 * @module
 */

/** Receives the lines of a {@link LineSplitter}. */
export interface LineSink {
  /**
   * A line, decoded as UTF-8, without its `\n` or a `\r` before it.
   *
   * @param text - The line's text.
   * @param lineNo - 1-based line number.
   * @param terminated - `false` for a last line without a trailing `\n`.
   */
  line(text: string, lineNo: number, terminated: boolean): void;
  /**
   * A line longer than the limit, whose bytes were dropped.
   *
   * @param bytes - Its length in bytes (without the `\n`).
   * @param lineNo - 1-based line number.
   * @param terminated - `false` for a last line without a trailing `\n`.
   */
  overlong(bytes: number, lineNo: number, terminated: boolean): void;
}

/**
 * Default longest line, in bytes: 1 MiB, about 3000 times a typical record. The reader skips a longer line
 * without holding it, and the collector refuses a record whose line would be longer, so that everything
 * written can be read back with the defaults.
 */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

const NEWLINE = 0x0a;
const CR = 0x0d;
const EMPTY = Buffer.alloc(0);

/** Splits chunks of bytes into lines; feed it with {@link LineSplitter.push}, then call {@link LineSplitter.end}. */
export class LineSplitter {
  readonly #maxLineBytes: number;
  readonly #sink: LineSink;
  /** Copies of the start of the current line, when it spans chunks. */
  #pieces: Buffer[] = [];
  #pendingBytes = 0;
  #overlong = false;
  #lineNo = 0;

  /**
   * @param maxLineBytes - Longest line kept, in bytes without the `\n`.
   * @param sink - Receives the lines.
   */
  constructor(maxLineBytes: number, sink: LineSink) {
    this.#maxLineBytes = maxLineBytes;
    this.#sink = sink;
  }

  /** Bytes held for the current, unfinished line: never more than the limit (an overlong line is counted, not kept). */
  get bufferedBytes(): number {
    let n = 0;
    for (const piece of this.#pieces) n += piece.length;
    return n;
  }

  /**
   * Splits one chunk. The chunk may be reused by the caller afterwards: what is kept is copied.
   *
   * @param chunk - The next bytes of the stream.
   */
  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      this.#emit(chunk, start, nl, true);
      start = nl + 1;
    }
    if (start === chunk.length) return;
    const rest = chunk.length - start;
    this.#pendingBytes += rest;
    if (this.#overlong) return;
    if (this.#pendingBytes > this.#maxLineBytes) {
      this.#overlong = true;
      this.#pieces = [];
    } else this.#pieces.push(Buffer.from(chunk.subarray(start)));
  }

  /** Ends the stream: a last line without a trailing `\n` is passed on with `terminated: false`. */
  end(): void {
    if (this.#pendingBytes > 0) this.#emit(EMPTY, 0, 0, false);
  }

  #emit(chunk: Buffer, start: number, end: number, terminated: boolean): void {
    const lineNo = ++this.#lineNo;
    const bytes = this.#pendingBytes + end - start;
    if (this.#overlong || bytes > this.#maxLineBytes) this.#sink.overlong(bytes, lineNo, terminated);
    else {
      const whole = this.#pieces.length === 0 ? chunk.subarray(start, end) : Buffer.concat([...this.#pieces, chunk.subarray(start, end)]);
      const stop = whole.length > 0 && whole[whole.length - 1] === CR ? whole.length - 1 : whole.length;
      this.#sink.line(whole.toString('utf8', 0, stop), lineNo, terminated);
    }
    if (this.#pieces.length > 0) this.#pieces = [];
    this.#pendingBytes = 0;
    this.#overlong = false;
  }
}
