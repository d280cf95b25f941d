/**
 * The writer's queue of pending lines, bounded in memory. Pure: no I/O, no timers.
 *
 * Entries are lines (strings) or, past the writer's `maxPendingBytes`, the *sources* that lines are made
 * from (a record the caller keeps anyway): a source costs one pointer here, and it becomes a line only when
 * its turn to be written comes. So a long outage grows the queue by a pointer per record, not by a line.
 *
 * Entries appended between two takes form a group that shares one promise ("lines recorded in the same
 * tick share one promise"); a group resolves once its last entry is written. A group that a take cuts in
 * two is closed, so that entries appended later never delay the part already being written.
 *
 * @module
 */

/** What {@link PendingQueue.take} hands to the writer. */
export interface Taken {
  /** The lines to write, in order. */
  readonly lines: string[];
  /** Resolvers of the groups whose last entry is among `lines`: call them once the lines are written. */
  readonly done: (() => void)[];
}

interface Group<S> {
  entries: (string | S | undefined)[];
  taken: number;
  readonly promise: Promise<void>;
  readonly resolve: () => void;
}

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
    group.entries.push(entry);
    this.#count++;
    if (typeof entry === 'string') this.#bytes += entry.length + 1;
    return (this.#last = group.promise);
  }

  /**
   * Takes entries from the head, in order: every queued line, and sources (made into lines) while the lines
   * held, taken ones included, stay within `maxBytes`. At least one entry is taken when any is queued.
   *
   * @param maxBytes - Most bytes of lines to hold after the take (the batch plus what stays queued).
   * @returns The lines and the resolvers of the groups they complete.
   */
  take(maxBytes: number): Taken {
    const lines: string[] = [];
    const done: (() => void)[] = [];
    let held = this.#bytes;
    while (this.#head < this.#groups.length) {
      const group = this.#groups[this.#head]!;
      while (group.taken < group.entries.length) {
        const entry = group.entries[group.taken]!;
        let line: string | undefined;
        if (typeof entry === 'string') {
          line = entry;
          this.#bytes -= entry.length + 1;
        } else {
          if (lines.length > 0 && held >= maxBytes) return this.#cut(group, lines, done);
          line = this.#encode(entry);
          if (line !== undefined) held += line.length + 1;
        }
        group.entries[group.taken++] = undefined; // let the line or source go once it is taken
        this.#count--;
        if (line !== undefined) lines.push(line);
      }
      done.push(group.resolve);
      this.#groups[this.#head++] = undefined;
      if (group === this.#open) this.#open = undefined;
    }
    this.#groups = [];
    this.#head = 0;
    return { lines, done };
  }

  #cut(group: Group<S>, lines: string[], done: (() => void)[]): Taken {
    if (group === this.#open) this.#open = undefined;
    if (this.#head > 1024) {
      this.#groups = this.#groups.slice(this.#head);
      this.#head = 0;
    }
    return { lines, done };
  }
}

function newGroup<S>(): Group<S> {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { entries: [], taken: 0, promise, resolve };
}
