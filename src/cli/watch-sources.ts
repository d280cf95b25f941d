/**
 * The logs `watch` follows: the files named on the command line and the `*.jsonl` files under the
 * directories named, listed again at every poll (a process that starts writes a new file). Files are
 * told apart by identity (`dev:ino`), not by path, so that a rename (rotation) is never read twice:
 *
 * - a path that now names another file (rotation by rename, or a new file after a delete) is followed
 *   from the start of the new file, and the old file is kept open and read to its end until it has not
 *   grown for `retireAfterMs` (the writer may append a last batch before it notices the rotation);
 * - a file that moved to another listed path (`a.jsonl` renamed `a-1.jsonl` in a watched directory) keeps
 *   its read offset;
 * - a file that shrank is read again from the start (see `FileTail`).
 *
 * @module
 */
import fs from 'node:fs';
import { UnsafeLogFileError } from '../errors.js';
import { openRegularFile } from '../log/safe-open.js';
import { listLogFiles } from './log-files.js';
import { FileTail, type TailSink } from './watch-tail.js';

/** One command-line input of `watch`. */
export interface WatchInput {
  /** The path as given. */
  path: string;
  /** A log file, or a directory of `*.jsonl` logs. */
  kind: 'file' | 'dir';
}

/** Options of {@link LogSources}. */
export interface LogSourcesOptions {
  /** Longest line read. */
  maxLineBytes: number;
  /** How long a rotated-away file is still read after its last growth, in ms. @default 5000 */
  retireAfterMs?: number;
  /** Monotonic clock in ms. @default performance.now */
  now?: () => number;
}

/** What one {@link LogSources.poll} did. */
export interface PollResult {
  /** Bytes read. */
  bytes: number;
  /** Whether every file was read to its end (false: the budget ran out first). */
  atEnd: boolean;
  /** Files followed now (rotated-away files still being read included). */
  files: number;
}

const errnoText = (error: unknown): string => {
  if (error instanceof UnsafeLogFileError) return `not followed: it is ${error.reason}`;
  const e = error as NodeJS.ErrnoException;
  return `cannot be read (${e.code ?? e.message})`;
};

/** The set of followed files. */
export class LogSources {
  readonly #inputs: readonly WatchInput[];
  readonly #maxLineBytes: number;
  readonly #retireAfterMs: number;
  readonly #now: () => number;
  readonly #buffer: Buffer;
  readonly #byPath = new Map<string, FileTail>();
  readonly #byIdentity = new Map<string, FileTail>();
  /** Tails no path names any more, with the time they last grew. */
  readonly #retired = new Map<FileTail, number>();
  /** Notices already given once (a symbolic link in a directory is named once, not at every poll). */
  readonly #told = new Set<string>();

  /**
   * @param inputs - The files and directories to follow.
   * @param options - See {@link LogSourcesOptions}.
   */
  constructor(inputs: readonly WatchInput[], options: LogSourcesOptions) {
    this.#inputs = inputs;
    this.#maxLineBytes = options.maxLineBytes;
    this.#retireAfterMs = options.retireAfterMs ?? 5000;
    this.#now = options.now ?? (() => performance.now());
    this.#buffer = Buffer.allocUnsafe(Math.min(options.maxLineBytes + 1, 4 * 1024 * 1024));
  }

  /**
   * Lists the inputs again, follows rotations, and reads what was appended, at most `budget` bytes in all.
   *
   * @param sink - Receives records, skipped lines and notices.
   * @param budget - Most bytes read by this poll.
   * @returns What was read.
   */
  poll(sink: TailSink, budget: number): PollResult {
    const listed = new Set<string>();
    for (const input of this.#inputs) {
      if (input.kind === 'file') {
        listed.add(input.path);
        continue;
      }
      const found = listLogFiles(input.path);
      if ('problem' in found) {
        this.#tell(sink, `${found.problem.path}: ${found.problem.reason}`);
        // Keep following what was found before rather than drop it.
        for (const [p] of this.#byPath) if (p.startsWith(input.path)) listed.add(p);
        continue;
      }
      for (const note of found.notes) this.#tell(sink, note);
      for (const f of found.files) listed.add(f.path);
    }
    for (const [p, tail] of this.#byPath) if (!listed.has(p)) this.#retire(p, tail);
    for (const p of listed) this.#bind(p, sink);

    let bytes = 0;
    let atEnd = true;
    const now = this.#now();
    // Rotated-away files first: their lines were written before those of the file now at the path.
    for (const tail of [...this.#retired.keys(), ...this.#byPath.values()]) {
      const read = this.#read(tail, budget - bytes, sink);
      bytes += read.bytes;
      atEnd &&= read.atEnd;
      const grewAt = this.#retired.get(tail);
      if (grewAt === undefined) continue;
      if (read.bytes > 0) this.#retired.set(tail, now);
      else if (read.atEnd && now - grewAt >= this.#retireAfterMs) this.#drop(tail);
    }
    return { bytes, atEnd, files: this.#byIdentity.size };
  }

  /** Closes every file (idempotent). */
  close(): void {
    for (const tail of this.#byIdentity.values()) tail.close();
    this.#byIdentity.clear();
    this.#byPath.clear();
    this.#retired.clear();
  }

  #read(tail: FileTail, budget: number, sink: TailSink): { bytes: number; atEnd: boolean } {
    if (budget <= 0) return { bytes: 0, atEnd: false };
    try {
      return tail.poll(this.#buffer, budget, sink);
    } catch (error) {
      // EIO and the like: said once, tried again at the next poll.
      this.#tell(sink, `${tail.path}: ${errnoText(error)}`);
      return { bytes: 0, atEnd: true };
    }
  }

  /** Makes `path` name the file now at it. */
  #bind(path: string, sink: TailSink): void {
    let stats: fs.BigIntStats | undefined;
    try {
      stats = fs.lstatSync(path, { bigint: true, throwIfNoEntry: false });
    } catch (error) {
      this.#tell(sink, `${path}: ${errnoText(error)}`);
      return;
    }
    const bound = this.#byPath.get(path);
    if (stats === undefined) {
      if (bound !== undefined) this.#retire(path, bound, sink, 'moved or deleted');
      return;
    }
    const identity = `${stats.dev}:${stats.ino}`;
    if (bound?.identity === identity) return;
    if (bound !== undefined) this.#retire(path, bound, sink, 'replaced by a new file (rotation)');
    const known = this.#byIdentity.get(identity);
    if (known !== undefined) {
      this.#adopt(path, known);
      return;
    }
    let opened;
    try {
      opened = openRegularFile(path, 'read', true);
    } catch (error) {
      this.#tell(sink, `${path}: ${errnoText(error)}`);
      return;
    }
    if (opened === undefined) return;
    const actual = `${opened.stats.dev}:${opened.stats.ino}`;
    const again = this.#byIdentity.get(actual);
    if (again !== undefined) {
      // Replaced again between the lstat and the open, by a file already followed.
      fs.closeSync(opened.fd);
      this.#adopt(path, again);
      return;
    }
    const tail = new FileTail(path, opened.fd, actual, this.#maxLineBytes);
    this.#byIdentity.set(actual, tail);
    this.#byPath.set(path, tail);
  }

  #adopt(path: string, tail: FileTail): void {
    this.#retired.delete(tail);
    this.#byPath.set(path, tail);
  }

  #retire(path: string, tail: FileTail, sink?: TailSink, how?: string): void {
    this.#byPath.delete(path);
    // Still named by another path (moved within a watched directory): not retired.
    for (const other of this.#byPath.values()) if (other === tail) return;
    this.#retired.set(tail, this.#now());
    if (sink !== undefined && how !== undefined) sink.notice(`${path}: ${how}; reading the old file to its end`);
  }

  #drop(tail: FileTail): void {
    this.#retired.delete(tail);
    this.#byIdentity.delete(tail.identity);
    tail.close();
  }

  #tell(sink: TailSink, text: string): void {
    if (this.#told.has(text)) return;
    this.#told.add(text);
    sink.notice(text);
  }
}
