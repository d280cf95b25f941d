/**
 * Repair of a torn tail before appending. A crash can leave at most one torn last line (see
 * the README, "Durability contract"); if the next writer appended after it, its first record would be glued
 * to the garbage and lost on load. So the tail is cut off, its bytes kept in `<log>.torn` for forensics.
 *
 * Synchronous on purpose: a collector opens its log in its constructor. Call it only while holding the
 * log's lock.
 *
 * @module
 */
import fs from 'node:fs';
import { findMetricProblem } from '../record.js';
import { log, type Logger } from '../logger.js';
import { DEFAULT_MAX_LINE_BYTES } from './lines.js';

/** Tail bytes are read backwards in chunks of this size: only the tail is read, never the whole log. */
const CHUNK = 64 * 1024;

/**
 * A tail longer than this is not parsed (it is not kept in memory): a record that long would be skipped by
 * the reader's default `maxLineBytes` anyway, and the collector never writes one.
 */
const MAX_PARSED_TAIL = DEFAULT_MAX_LINE_BYTES;

const NEWLINE = 0x0a;

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
 * @throws File-system errors other than a missing log (EACCES, EIO...), as they are.
 */
export function repairTornTail(logPath: string, logger: Logger): { tornBytes: number } {
  let fd: number;
  try {
    fd = fs.openSync(logPath, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { tornBytes: 0 };
    throw error;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0 || lastByte(fd, size) === NEWLINE) return { tornBytes: 0 };
    const cut = afterLastNewline(fd, size);
    const tailLength = size - cut;
    if (tailLength <= MAX_PARSED_TAIL && isValidRecord(readAt(fd, cut, tailLength))) {
      fs.writeSync(fd, '\n', size);
      log(logger, 'info', `${logPath}: its last record had no trailing newline; added it`);
      return { tornBytes: 0 };
    }
    const tornPath = `${logPath}.torn`;
    // Kept first, cut second: a crash in between leaves the tail in both places, never in neither.
    copyToTorn(fd, cut, size, tornPath);
    fs.ftruncateSync(fd, cut);
    fs.fsyncSync(fd);
    log(logger, 'warn', `${logPath}: cut a torn last line of ${tailLength} bytes (left by a crash); its bytes are kept in ${tornPath}`);
    return { tornBytes: tailLength };
  } finally {
    fs.closeSync(fd);
  }
}

function lastByte(fd: number, size: number): number | undefined {
  return readAt(fd, size - 1, 1)[0];
}

/** Offset just after the last `\n`, or 0 when there is none; reads backwards from the end. */
function afterLastNewline(fd: number, size: number): number {
  const buf = Buffer.allocUnsafe(CHUNK);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - CHUNK);
    const n = fs.readSync(fd, buf, 0, end - start, start);
    const i = buf.subarray(0, n).lastIndexOf(NEWLINE);
    if (i !== -1) return start + i + 1;
    end = start;
  }
  return 0;
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
  const out = fs.openSync(tornPath, 'a');
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
