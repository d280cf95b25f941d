/**
 * The writer's queue of pending lines, bounded in memory. Pure: no I/O, no timers.
 *
 * Entries are lines or, past the writer's `maxPendingBytes`, the *sources* that lines are made from (a
 * record the caller keeps anyway): a source costs one pointer here, and it becomes a line only when its
 * turn to be written comes. So a long outage grows the queue by a pointer per record, not by a line.
 *
 * A line is encoded to UTF-8 (with its `\n`) into a large off-heap chunk as soon as it is pushed, and
 * consecutive lines form one run of bytes: the string dies young. Holding the strings instead kept every
 * line of a tick alive through the garbage collector's young generation (copied, then promoted), which
 * cost more than making them.
 *
 * Entries appended between two takes form a group that shares one promise ("lines recorded in the same
 * tick share one promise"); a group resolves once its last entry is written. A group that a take cuts in
 * two is closed, so that entries appended later never delay the part already being written.
 *
 * @module
 */

/** What {@link PendingQueue.take} hands to the writer. */
export interface Taken {
  /** The bytes to write, in order: UTF-8 lines, each followed by `\n` (views of the queue's chunks). */
  readonly parts: Buffer[];
  /** Number of lines in `parts`. */
  readonly count: number;
  /** Resolvers of the groups whose last entry is among the lines: call them once the lines are written. */
  readonly done: (() => void)[];
}

/** Consecutive lines of one group, encoded in one chunk. */
class Run {
  readonly chunk: Buffer;
  readonly start: number;
  end: number;
  lines = 1;
  /** Sum of the lines' string lengths + 1 each (what `bytes` counts). */
  chars: number;

  constructor(chunk: Buffer, start: number, end: number, chars: number) {
    this.chunk = chunk;
    this.start = start;
    this.end = end;
    this.chars = chars;
  }
}

interface Group<S> {
  entries: (Run | S | undefined)[];
  taken: number;
  readonly promise: Promise<void>;
  readonly resolve: () => void;
}

/** Size of a chunk of encoded lines (a longer line gets a chunk of its own size). */
const CHUNK_BYTES = 1024 * 1024;
const EMPTY = Buffer.alloc(0);
const NEWLINE = 0x0a;

/** A FIFO of lines and sources, in groups that share a promise. */
export class PendingQueue<S extends object> {
  readonly #encode: (source: S) => string | undefined;
  #groups: (Group<S> | undefined)[] = [];
  #head = 0;
  /** The group that takes new entries; closed by a take that reaches it. */
  #open: Group<S> | undefined;
  #count = 0;
  #bytes = 0;
  #last: Promise<void> | undefined;
  /** Where lines are encoded: bytes before `#chunkOff` belong to runs (queued or taken), never rewritten. */
  #chunk: Buffer = EMPTY;
  #chunkOff = 0;

  /**
   * @param encode - Makes the line of a source; `undefined` drops the entry (the caller has logged why).
   */
  constructor(encode: (source: S) => string | undefined) {
    this.#encode = encode;
  }

  /** Entries queued (lines and sources). */
  get count(): number {
    return this.#count;
  }

  /** Size of the queued lines: string length + 1 (the newline) each; sources count 0. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The promise of the last entry pushed (it may be taken already), or `undefined` before any push. */
  get last(): Promise<void> | undefined {
    return this.#last;
  }

  /**
   * Appends an entry to the open group.
   *
   * @param entry - A line (without its newline) or a source.
   * @returns The group's promise: resolved by the writer once every entry of the group is written.
   */
  push(entry: string | S): Promise<void> {
    let group = this.#open;
    if (group === undefined) {
      group = this.#open = newGroup<S>();
      this.#groups.push(group);
    }
    if (typeof entry === 'string') this.#pack(group, entry);
    else group.entries.push(entry);
    this.#count++;
    return (this.#last = group.promise);
  }

  /**
   * Takes entries from the head, in order: every queued line, and sources (made into lines) while the lines
   * held, taken ones included, stay within `maxBytes`. At least one entry is taken when any is queued.
   *
   * @param maxBytes - Most bytes of lines to hold after the take (the batch plus what stays queued).
   * @returns The lines' bytes and the resolvers of the groups they complete.
   */
  take(maxBytes: number): Taken {
    const parts: Buffer[] = [];
    const done: (() => void)[] = [];
    let count = 0;
    let held = this.#bytes;
    // Lines made from sources go into the chunk too; consecutive ones become one part.
    let made: Run | undefined;
    const close = (): void => {
      if (made !== undefined) parts.push(made.chunk.subarray(made.start, made.end));
      made = undefined;
    };
    while (this.#head < this.#groups.length) {
      const group = this.#groups[this.#head]!;
      while (group.taken < group.entries.length) {
        const entry = group.entries[group.taken]!;
        if (entry instanceof Run) {
          close();
          parts.push(entry.chunk.subarray(entry.start, entry.end));
          count += entry.lines;
          this.#count -= entry.lines;
          this.#bytes -= entry.chars;
        } else {
          if (count > 0 && held >= maxBytes) {
            close();
            return this.#cut(group, parts, count, done);
          }
          const line = this.#encode(entry);
          this.#count--;
          if (line !== undefined) {
            held += line.length + 1;
            const [chunk, start, end] = this.#encodeLine(line);
            if (made !== undefined && made.chunk === chunk && made.end === start) made.end = end;
            else {
              close();
              made = new Run(chunk, start, end, 0);
            }
            count++;
          }
        }
        group.entries[group.taken++] = undefined; // let the run or source go once it is taken
      }
      done.push(group.resolve);
      this.#groups[this.#head++] = undefined;
      if (group === this.#open) this.#open = undefined;
    }
    close();
    this.#groups = [];
    this.#head = 0;
    return { parts, count, done };
  }

  /** Encodes `line` and its newline at the end of the chunk, extending the group's last run when it ends there. */
  #pack(group: Group<S>, line: string): void {
    const [chunk, start, end] = this.#encodeLine(line);
    this.#bytes += line.length + 1;
    const entries = group.entries;
    const last = entries.length > 0 ? entries[entries.length - 1] : undefined;
    if (last instanceof Run && last.chunk === chunk && last.end === start) {
      last.end = end;
      last.lines++;
      last.chars += line.length + 1;
    } else entries.push(new Run(chunk, start, end, line.length + 1));
  }

  /** Encodes `line` and a newline at the end of the chunk (a new chunk when it may not fit). */
  #encodeLine(line: string): [chunk: Buffer, start: number, end: number] {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const room = line.length * 3 + 1;
    if (this.#chunk.length - this.#chunkOff < room) {
      this.#chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, room));
      this.#chunkOff = 0;
    }
    const chunk = this.#chunk;
    const start = this.#chunkOff;
    const end = start + chunk.write(line, start, 'utf8') + 1;
    chunk[end - 1] = NEWLINE;
    this.#chunkOff = end;
    return [chunk, start, end];
  }

  #cut(group: Group<S>, parts: Buffer[], count: number, done: (() => void)[]): Taken {
    if (group === this.#open) this.#open = undefined;
    if (this.#head > 1024) {
      this.#groups = this.#groups.slice(this.#head);
      this.#head = 0;
    }
    return { parts, count, done };
  }
}

function newGroup<S>(): Group<S> {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { entries: [], taken: 0, promise, resolve };
}
