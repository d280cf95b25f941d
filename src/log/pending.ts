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
 * A source can also be written as bytes straight into the chunk by a {@link ByteEncoder} (no line string
 * at all): {@link PendingQueue.pushBytes}, and sources taken after waiting past the byte budget.
 *
 * An entry can also be a *row*: the index of a source that the caller holds and can give back unchanged
 * ({@link PendingQueue.pushRow}); its line is made when it is taken, at most {@link ROW_TAKE_BYTES} of
 * such lines a take. A row costs no line bytes and no object while it waits: what a long burst of lines in
 * one tick (none of which can be written before the tick ends) keeps instead of fresh chunks.
 *
 * Entries appended between two takes form a group that shares one promise ("lines recorded in the same
 * tick share one promise"); a group resolves once its last entry is written. A group that a take cuts in
 * two is closed, so that entries appended later never delay the part already being written.
 *
 * Chunks are reused: each counts the bytes of its lines not yet written (queued, or taken and not yet
 * reported by {@link PendingQueue.written}); one whose count falls to zero is let go to a small pool of
 * free chunks (the current one starts again from its start) instead of leaving the next lines to fresh,
 * never-touched memory.
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
  /** The chunk of each part, in the order of `parts`: what {@link PendingQueue.written} gives back. */
  readonly chunks: Chunk[];
}

/** A buffer that lines are encoded into, and the bytes of its lines not yet written. */
export class Chunk {
  /** The bytes (1 MiB, or a longer line's own size). */
  readonly buf: Buffer;
  /** Bytes of lines in it that are queued, or taken and not yet reported written. */
  unwritten = 0;

  constructor(buf: Buffer) {
    this.buf = buf;
  }
}

/**
 * Writes the line of a source as UTF-8 straight into the queue's chunk, without making a string: the same
 * bytes as the `encode` function's line. It may decline a source (the string path then serves it).
 */
export interface ByteEncoder<S> {
  /**
   * An upper bound of the bytes of the source's line (without its newline), or `-1` to decline it. A
   * source with a bound must be writable: {@link ByteEncoder.write} must not throw on it.
   */
  bound(source: S): number;
  /**
   * Writes the line (without its newline).
   *
   * @returns The offset just past the line's last byte.
   */
  write(source: S, buf: Buffer, start: number): number;
}

/** Consecutive lines of one group, encoded in one chunk. */
class Run {
  readonly chunk: Chunk;
  readonly start: number;
  end: number;
  lines = 1;

  constructor(chunk: Chunk, start: number, end: number) {
    this.chunk = chunk;
    this.start = start;
    this.end = end;
  }
}

interface Group<S> {
  /** Runs of lines, sources, and rows (numbers). */
  entries: (Run | S | number | undefined)[];
  taken: number;
  readonly promise: Promise<void>;
  readonly resolve: () => void;
}

/** Size of a chunk of encoded lines (a longer line gets a chunk of its own size). */
const CHUNK_BYTES = 1024 * 1024;
/**
 * Free chunks kept for reuse. While lines keep coming, a chunk fills as the one before it is written: two
 * cover that, and an idle queue holds at most 3 MiB (its current chunk and these).
 */
const MAX_FREE_CHUNKS = 2;
/**
 * Most bytes of lines made from rows in one take: the batch stays about a chunk, so that the chunks of the
 * batch before are written and free again (warm memory) by the time the next rows become lines.
 */
export const ROW_TAKE_BYTES = 1024 * 1024;
const EMPTY = new Chunk(Buffer.alloc(0));
const NEWLINE = 0x0a;

/** A FIFO of lines and sources, in groups that share a promise. */
export class PendingQueue<S extends object> {
  readonly #encode: (source: S) => string | undefined;
  readonly #byteEncoder: ByteEncoder<S> | undefined;
  readonly #row: ((index: number) => S) | undefined;
  #groups: (Group<S> | undefined)[] = [];
  #head = 0;
  /** The group that takes new entries; closed by a take that reaches it. */
  #open: Group<S> | undefined;
  #count = 0;
  #bytes = 0;
  #last: Promise<void> | undefined;
  /** Where lines are encoded: bytes before `#chunkOff` belong to runs (queued or taken), never rewritten. */
  #chunk: Chunk = EMPTY;
  /** Chunks whose every line is written, to be filled again (standard size only). */
  readonly #free: Chunk[] = [];
  #chunkOff = 0;
  /** Where the last line encoded by `#encodeLine` / `#writeLine` starts (its end is `#chunkOff`). */
  #lineStart = 0;

  /**
   * @param encode - Makes the line of a source; `undefined` drops the entry (the caller has logged why).
   * @param bytes - Writes the line of a source straight into the chunk, where it does not decline it.
   * @param row - Gives the source of a row pushed by {@link PendingQueue.pushRow}, when it is taken.
   * @default bytes undefined (lines of sources are made by `encode`)
   * @default row undefined (no rows)
   */
  constructor(encode: (source: S) => string | undefined, bytes?: ByteEncoder<S>, row?: (index: number) => S) {
    this.#encode = encode;
    this.#byteEncoder = bytes;
    this.#row = row;
  }

  /** Entries queued (lines and sources). */
  get count(): number {
    return this.#count;
  }

  /** Size of the queued lines: their UTF-8 bytes + 1 (the newline) each; sources count 0. */
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
    const group = this.#openGroup();
    if (typeof entry === 'string') {
      this.#encodeLine(entry);
      this.#pack(group);
    } else group.entries.push(entry);
    this.#count++;
    return (this.#last = group.promise);
  }

  /**
   * Appends the line of `source`, written at once by the queue's {@link ByteEncoder} into the chunk (the
   * source itself is not kept).
   *
   * @param source - A source the encoder does not decline.
   * @param bound - `bytes.bound(source)`, already asked by the caller.
   * @returns The group's promise, as {@link PendingQueue.push} returns it.
   */
  pushBytes(source: S, bound: number): Promise<void> {
    const group = this.#openGroup();
    this.#writeLine(source, bound);
    this.#pack(group);
    this.#count++;
    return (this.#last = group.promise);
  }

  /**
   * Appends a row: the index of a source whose line is made (by the `row` function given to the
   * constructor, then as a source's) only when it is taken. The source the row gives back must not change
   * meanwhile, and its line must be writable (its encoder does not decline it).
   *
   * @param index - The row.
   * @returns The group's promise, as {@link PendingQueue.push} returns it.
   */
  pushRow(index: number): Promise<void> {
    const group = this.#openGroup();
    group.entries.push(index);
    this.#count++;
    return (this.#last = group.promise);
  }

  /**
   * Takes entries from the head, in order: every queued line, and sources and rows (made into lines) while
   * the lines held, taken ones included, stay within `maxBytes`, rows also while the lines made of rows in
   * this take stay within {@link ROW_TAKE_BYTES}. At least one entry is taken when any is queued.
   *
   * @param maxBytes - Most bytes of lines to hold after the take (the batch plus what stays queued).
   * @returns The lines' bytes and the resolvers of the groups they complete.
   */
  take(maxBytes: number): Taken {
    const parts: Buffer[] = [];
    const chunks: Chunk[] = [];
    const done: (() => void)[] = [];
    let count = 0;
    let held = this.#bytes;
    let fromRows = 0;
    // Lines made from sources go into the chunk too; consecutive ones become one part.
    let made: Run | undefined;
    const close = (): void => {
      if (made !== undefined) {
        parts.push(made.chunk.buf.subarray(made.start, made.end));
        chunks.push(made.chunk);
      }
      made = undefined;
    };
    while (this.#head < this.#groups.length) {
      const group = this.#groups[this.#head]!;
      while (group.taken < group.entries.length) {
        const entry = group.entries[group.taken]!;
        if (entry instanceof Run) {
          close();
          parts.push(entry.chunk.buf.subarray(entry.start, entry.end));
          chunks.push(entry.chunk);
          count += entry.lines;
          this.#count -= entry.lines;
          this.#bytes -= entry.end - entry.start;
        } else {
          const row = typeof entry === 'number';
          if (count > 0 && (held >= maxBytes || (row && fromRows >= ROW_TAKE_BYTES))) {
            close();
            return this.#cut(group, { parts, count, done, chunks });
          }
          this.#count--;
          if (this.#make(row ? this.#row!(entry) : entry)) {
            const chunk = this.#chunk;
            const start = this.#lineStart;
            const end = this.#chunkOff;
            held += end - start;
            if (row) fromRows += end - start;
            chunk.unwritten += end - start;
            if (made !== undefined && made.chunk === chunk && made.end === start) made.end = end;
            else {
              close();
              made = new Run(chunk, start, end);
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
    return { parts, count, done, chunks };
  }

  /**
   * Reports the parts of a take as written: a chunk none of whose lines waits any more is reused. The
   * current chunk starts again from its start; another goes to the pool of free chunks, which
   * {@link PendingQueue} fills before allocating. So lines that come while earlier ones are written (a live
   * program's) go to memory already touched instead of a fresh chunk per MiB of log: the first writes to a
   * fresh chunk cost page faults and cache misses (measured: writing the lines of the bench's 300k records
   * took 2.4x the CPU time in fresh 1 MiB chunks as in one reused chunk, Node 24). A burst of lines in one
   * tick still needs a chunk per MiB: they are all pending at once.
   *
   * @param taken - What {@link PendingQueue.take} returned, once every part of it is written; each take is
   *   reported at most once (a take never reported keeps its chunks from reuse).
   */
  written(taken: Taken): void {
    const { parts, chunks } = taken;
    for (let i = 0; i < chunks.length; i++) {
      const chunk = chunks[i]!;
      chunk.unwritten -= parts[i]!.length;
      if (chunk.unwritten !== 0) continue;
      if (chunk === this.#chunk) {
        this.#chunkOff = 0;
        this.#lineStart = 0;
      } else if (chunk.buf.length === CHUNK_BYTES && this.#free.length < MAX_FREE_CHUNKS && !this.#free.includes(chunk)) this.#free.push(chunk);
    }
  }

  #openGroup(): Group<S> {
    let group = this.#open;
    if (group === undefined) {
      group = this.#open = newGroup<S>();
      this.#groups.push(group);
    }
    return group;
  }

  /** Counts the line just encoded (`#lineStart` to `#chunkOff`), extending the group's last run when it ends there. */
  #pack(group: Group<S>): void {
    const chunk = this.#chunk;
    const start = this.#lineStart;
    const end = this.#chunkOff;
    this.#bytes += end - start;
    chunk.unwritten += end - start;
    const entries = group.entries;
    const last = entries.length > 0 ? entries[entries.length - 1] : undefined;
    if (last instanceof Run && last.chunk === chunk && last.end === start) {
      last.end = end;
      last.lines++;
    } else entries.push(new Run(chunk, start, end));
  }

  /** Makes the line of a taken source into the chunk; `false` when it is dropped (`encode` gave `undefined`). */
  #make(source: S): boolean {
    const bound = this.#byteEncoder === undefined ? -1 : this.#byteEncoder.bound(source);
    if (bound >= 0) {
      this.#writeLine(source, bound);
      return true;
    }
    const line = this.#encode(source);
    if (line === undefined) return false;
    this.#encodeLine(line);
    return true;
  }

  /** Room for `bytes` bytes at the end of the chunk (a free or new chunk when they may not fit). */
  #room(bytes: number): Buffer {
    if (this.#chunk.buf.length - this.#chunkOff < bytes) {
      const free = bytes <= CHUNK_BYTES ? this.#free.pop() : undefined;
      this.#chunk = free ?? new Chunk(Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes)));
      this.#chunkOff = 0;
    }
    return this.#chunk.buf;
  }

  /** Encodes `line` and a newline at the end of the chunk: the line spans `#lineStart` to `#chunkOff`. */
  #encodeLine(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const chunk = this.#room(line.length * 3 + 1);
    const start = this.#chunkOff;
    const end = start + chunk.write(line, start, 'utf8') + 1;
    chunk[end - 1] = NEWLINE;
    this.#lineStart = start;
    this.#chunkOff = end;
  }

  /** Writes the line of `source` with the byte encoder, and a newline, at the end of the chunk. */
  #writeLine(source: S, bound: number): void {
    const chunk = this.#room(bound + 1);
    const start = this.#chunkOff;
    const end = this.#byteEncoder!.write(source, chunk, start) + 1;
    chunk[end - 1] = NEWLINE;
    this.#lineStart = start;
    this.#chunkOff = end;
  }

  #cut(group: Group<S>, taken: Taken): Taken {
    if (group === this.#open) this.#open = undefined;
    if (this.#head > 1024) {
      this.#groups = this.#groups.slice(this.#head);
      this.#head = 0;
    }
    return taken;
  }
}

function newGroup<S>(): Group<S> {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { entries: [], taken: 0, promise, resolve };
}
