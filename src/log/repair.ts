/**
 * Repair of a torn tail before appending. A crash can leave at most one torn last line (see
 * the README, "Durability contract"); if the next writer appended after it, its first record would be glued
 * to the garbage and lost on load. So the tail is cut off, its bytes kept in `<log>.torn` for forensics.
 *
 * Synchronous on purpose: a collector opens its log in its constructor. Call it only while holding the
 * log's lock.
 *
 * Only a file that looks like a log is ever cut: its last complete line is a JSON object, or, with no
 * complete line, its tail starts with `{`. Anything else is refused ({@link UnsafeLogFileError}), so that a
 * file planted under the log's name is never truncated.
 *
 * @module
 */
import fs from 'node:fs';
import { UnsafeLogFileError } from '../errors.js';
import { findMetricProblem } from '../record.js';
import { log, type Logger } from '../logger.js';
import { DEFAULT_MAX_LINE_BYTES } from './lines.js';
import { openRegularFile } from './safe-open.js';

/** Tail bytes are read backwards in chunks of this size: only the tail is read, never the whole log. */
const CHUNK = 64 * 1024;

/**
 * A tail longer than this is not parsed (it is not kept in memory): a record that long would be skipped by
 * the reader's default `maxLineBytes` anyway, and the collector never writes one.
 */
const MAX_PARSED_TAIL = DEFAULT_MAX_LINE_BYTES;

const NEWLINE = 0x0a;
const OPEN_BRACE = 0x7b;

/**
 * Makes a log end on a complete line.
 *
 * When the file exists, is non-empty and does not end in `\n`, the bytes after its last `\n` (the whole
 * file when it has none) are its tail:
 * - a tail that is a complete valid record (a crash between the record and its newline) gets its `\n`:
 *   a real record is never dropped;
 * - any other tail is appended to `<logPath>.torn` (followed by `\n`; earlier repairs are kept), then the
 *   log is truncated to the end of its last complete line, with a warning through `logger`.
 *
 * @param logPath - The log file; a missing file needs no repair.
 * @param logger - Receives the warning (or an info message when a newline was added).
 * @returns How many bytes were moved to `<logPath>.torn` (0 when none).
 * @throws {@link UnsafeLogFileError} when the log or `<logPath>.torn` is not a regular file of its own (a
 *   symbolic link, a hard link, a FIFO...) or the log does not look like a log; file-system errors other
 *   than a missing log (EACCES, EIO...) as they are.
 */
export function repairTornTail(logPath: string, logger: Logger): { tornBytes: number } {
  const opened = openRegularFile(logPath, 'update');
  if (opened === undefined) return { tornBytes: 0 };
  try {
    return repairOpenLog(opened.fd, logPath, logger);
  } finally {
    fs.closeSync(opened.fd);
  }
}

/**
 * {@link repairTornTail} on a log already open for reading and writing (opened by `openRegularFile`, so a
 * regular file of its own).
 *
 * @param fd - The log, open read-write (in append mode or not).
 * @param logPath - Its path, for messages and for `<logPath>.torn`.
 * @param logger - Receives the warning.
 * @returns How many bytes were moved to `<logPath>.torn`.
 * @throws Like {@link repairTornTail}.
 */
export function repairOpenLog(fd: number, logPath: string, logger: Logger): { tornBytes: number } {
  const size = fs.fstatSync(fd).size;
  if (size === 0 || lastByte(fd, size) === NEWLINE) return { tornBytes: 0 };
  const cut = afterLastNewline(fd, size);
  const tailLength = size - cut;
  const tail = tailLength <= MAX_PARSED_TAIL ? readAt(fd, cut, tailLength) : undefined;
  if (tail !== undefined && isValidRecord(tail)) {
    // In append mode the byte goes to the end whatever the position; the end is `size` either way.
    fs.writeSync(fd, '\n', size);
    log(logger, 'info', `${logPath}: its last record had no trailing newline; added it`);
    return { tornBytes: 0 };
  }
  const unlike = notLikeALog(fd, cut);
  if (unlike !== undefined) throw new UnsafeLogFileError(logPath, `a file that does not look like a log (${unlike}), so its last line is not cut`);
  const tornPath = `${logPath}.torn`;
  // Kept first, cut second: a crash in between leaves the tail in both places, never in neither.
  copyToTorn(fd, cut, size, tornPath);
  fs.ftruncateSync(fd, cut);
  fs.fsyncSync(fd);
  log(logger, 'warn', `${logPath}: cut a torn last line of ${tailLength} bytes (left by a crash); its bytes are kept in ${tornPath}`);
  return { tornBytes: tailLength };
}

/**
 * Why a file with an unterminated tail starting at `cut` does not look like a log, or `undefined` when it
 * does. The collector writes whole lines of JSON objects, so the line before a torn tail is one; with no
 * line before it, the tail is the start of the first record.
 */
function notLikeALog(fd: number, cut: number): string | undefined {
  if (cut === 0) return readAt(fd, 0, 1)[0] === OPEN_BRACE ? undefined : 'it has no complete line and does not start with `{`';
  const start = afterLastNewline(fd, cut - 1, Math.max(0, cut - 2 - MAX_PARSED_TAIL));
  if (start === -1) return 'its last complete line is longer than a record can be';
  try {
    const value: unknown = JSON.parse(readAt(fd, start, cut - 1 - start).toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return undefined;
  } catch {
    // not JSON: reported below
  }
  return 'its last complete line is not a JSON object';
}

function lastByte(fd: number, size: number): number | undefined {
  return readAt(fd, size - 1, 1)[0];
}

/**
 * Offset just after the last `\n` before `end`, reading backwards; when there is none at or after `floor`:
 * 0 if `floor` is 0 (the line starts the file), else -1 (the line is longer than the search allowed).
 */
function afterLastNewline(fd: number, end: number, floor = 0): number {
  const buf = Buffer.allocUnsafe(CHUNK);
  while (end > floor) {
    const start = Math.max(floor, end - CHUNK);
    const n = fs.readSync(fd, buf, 0, end - start, start);
    const i = buf.subarray(0, n).lastIndexOf(NEWLINE);
    if (i !== -1) return start + i + 1;
    end = start;
  }
  return floor === 0 ? 0 : -1;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return buf.subarray(0, done);
}

function isValidRecord(tail: Buffer): boolean {
  try {
    return findMetricProblem(JSON.parse(tail.toString('utf8'))) === undefined;
  } catch {
    return false;
  }
}

function copyToTorn(fd: number, from: number, to: number, tornPath: string): void {
  // Never through a link: a `.torn` planted as a link to another file must not get the tail appended.
  const out = openRegularFile(tornPath, 'append')!.fd;
  try {
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, to - from));
    for (let pos = from; pos < to; ) {
      const n = fs.readSync(fd, buf, 0, Math.min(buf.length, to - pos), pos);
      if (n === 0) break;
      writeAll(out, buf.subarray(0, n));
      pos += n;
    }
    writeAll(out, Buffer.from('\n'));
    fs.fsyncSync(out);
  } finally {
    fs.closeSync(out);
  }
}

function writeAll(fd: number, buf: Buffer): void {
  for (let off = 0; off < buf.length; ) off += fs.writeSync(fd, buf, off, buf.length - off);
}
