/**
 * Interning of task ids by bytes. Task ids are the one field with about as many distinct values as
 * records (a million records hold most of a million task ids), and the aggregate only needs to tell them
 * apart: a table keyed by canonical bytes interns them without a JavaScript string per value, and merges
 * another table (a worker's, whose buffers are transferred) by comparing bytes.
 *
 * Canonical bytes of a string: its UTF-8 encoding when it is well formed; otherwise (lone surrogates,
 * which UTF-8 cannot carry) a 0xFF byte, which never occurs in UTF-8, then its UTF-16LE code units. So
 * equal strings have equal keys and different strings different keys, whichever way they came in.
 *
 * @module
 */

/** The plain-data form of a table, for transfer between threads. */
export interface KeyTableData {
  /** Number of keys. */
  count: number;
  /** Key bytes, back to back. */
  pool: Uint8Array;
  /** Start of each key in `pool`. */
  offsets: Int32Array;
  /** Length of each key. */
  lengths: Int32Array;
  /** {@link hashBytes} of each key. */
  hashes: Int32Array;
}

/**
 * FNV-1a over bytes, as the scanner computes it while it reads a string.
 *
 * @param buf - The bytes.
 * @param start - First byte.
 * @param end - Index after the last byte.
 * @returns The hash, a 32-bit signed integer.
 */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h;
}

/**
 * Whether two byte ranges are equal, compared four bytes at a time.
 *
 * @param a - First bytes.
 * @param aStart - Start in `a`.
 * @param b - Second bytes.
 * @param bStart - Start in `b`.
 * @param length - Length of both ranges.
 * @returns Whether they are equal.
 */
export function equalBytes(a: DataView, aStart: number, b: DataView, bStart: number, length: number): boolean {
  let k = 0;
  for (; k + 4 <= length; k += 4) if (a.getInt32(aStart + k, true) !== b.getInt32(bStart + k, true)) return false;
  for (; k < length; k++) if (a.getUint8(aStart + k) !== b.getUint8(bStart + k)) return false;
  return true;
}

const viewOf = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Byte-keyed interner: ids 0, 1, 2... in order of first sight. */
export class KeyTable {
  // Never from Node's shared pool of small Buffers (`allocUnsafeSlow`): a worker's shard transfers the
  // pool's own ArrayBuffer (`data(false)`), which must belong to this table alone.
  #pool = Buffer.allocUnsafeSlow(4096);
  #poolView = viewOf(this.#pool);
  #used = 0;
  #offsets = new Int32Array(64);
  #lengths = new Int32Array(64);
  #hashes = new Int32Array(64);
  /**
   * Open addressing, linear probing; slot s holds the key's hash at 2s and id + 1 at 2s + 1 (0 = empty):
   * a probe reads one cache line, and bytes are compared only when the hashes are equal.
   */
  #slots = new Int32Array(256);
  /** False after keys were appended without the probe index ({@link appendKey}): rebuilt on the next lookup. */
  #indexed = true;
  #count = 0;
  #scratch = Buffer.allocUnsafe(256);
  #scratchView = viewOf(this.#scratch);

  /** Number of keys. */
  get size(): number {
    return this.#count;
  }

  /**
   * Id of the key held by the bytes `[start, end)` of `view`, assigning the next one on first sight.
   *
   * @param view - The bytes (canonical: valid UTF-8 from a log line).
   * @param start - First byte.
   * @param end - Index after the last byte.
   * @param hash - {@link hashBytes} of them.
   * @returns The id.
   */
  idOfBytes(view: DataView, start: number, end: number, hash: number): number {
    if (!this.#indexed) this.#reindex();
    const slots = this.#slots;
    const mask = (slots.length >> 1) - 1;
    let slot = hash & mask;
    for (let e = slots[2 * slot + 1]! - 1; e >= 0; e = slots[2 * slot + 1]! - 1) {
      if (slots[2 * slot] === hash && this.#lengths[e] === end - start && equalBytes(view, start, this.#poolView, this.#offsets[e]!, end - start)) return e;
      slot = (slot + 1) & mask;
    }
    return this.#add(view, start, end, hash, slot);
  }

  /**
   * Makes room for `count` keys in all, so that adding them does not grow the table on the way.
   *
   * @param count - Keys expected.
   */
  reserve(count: number): void {
    if (!this.#indexed) return; // the index is rebuilt at its full size when next needed
    let size = this.#slots.length >> 1;
    if (count * 2 <= size) return;
    while (count * 2 > size) size *= 2;
    this.#rehash(size);
  }

  /**
   * Id of a string.
   *
   * @param value - The string.
   * @returns The id.
   */
  idOfString(value: string): number {
    const length = this.#canonical(value);
    return this.idOfBytes(this.#scratchView, 0, length, hashBytes(this.#scratch, 0, length));
  }

  /**
   * Appends a string's key without looking for an equal one (see {@link appendKey}).
   *
   * @param value - The string.
   * @returns The new key's id.
   */
  appendString(value: string): number {
    const length = this.#canonical(value);
    return this.appendKey(this.#scratchView, 0, length, hashBytes(this.#scratch, 0, length));
  }

  /**
   * Id of the key held by the bytes `[start, end)` of `view`, without adding it.
   *
   * @param view - The bytes.
   * @param start - First byte.
   * @param end - Index after the last byte.
   * @param hash - {@link hashBytes} of them.
   * @returns The id, or -1 when the table does not hold the key.
   */
  find(view: DataView, start: number, end: number, hash: number): number {
    if (this.#count === 0) return -1;
    if (!this.#indexed) this.#reindex();
    const slots = this.#slots;
    const mask = (slots.length >> 1) - 1;
    for (let slot = hash & mask, e = slots[2 * slot + 1]! - 1; e >= 0; slot = (slot + 1) & mask, e = slots[2 * slot + 1]! - 1) {
      if (slots[2 * slot] === hash && this.#lengths[e] === end - start && equalBytes(view, start, this.#poolView, this.#offsets[e]!, end - start)) return e;
    }
    return -1;
  }

  /** Writes a string's canonical bytes into the scratch buffer; returns their length. */
  #canonical(value: string): number {
    if (this.#scratch.length < value.length * 3 + 1) {
      this.#scratch = Buffer.allocUnsafe(value.length * 3 + 1);
      this.#scratchView = viewOf(this.#scratch);
    }
    if (isWellFormed(value)) return this.#scratch.write(value, 0, 'utf8');
    this.#scratch[0] = 0xff;
    return 1 + this.#scratch.write(value, 1, 'utf16le');
  }

  /**
   * Interns every key of another table.
   *
   * @param other - The other table's data.
   * @returns `map[theirId] = ourId`.
   */
  idMap(other: KeyTableData): Int32Array {
    const map = new Int32Array(other.count);
    const pool = viewOf(other.pool);
    this.reserve(this.#count + other.count);
    for (let id = 0; id < other.count; id++) {
      const start = other.offsets[id]!;
      map[id] = this.idOfBytes(pool, start, start + other.lengths[id]!, other.hashes[id]!);
    }
    return map;
  }

  /**
   * The table as plain data.
   *
   * @param copy - Fresh buffers (that may be transferred) or views of this table's.
   * @returns The data.
   */
  data(copy: boolean): KeyTableData {
    const n = this.#count;
    const cut = copy ? (a: Int32Array) => a.slice(0, n) : (a: Int32Array) => a.subarray(0, n);
    // A Uint8Array, never a Buffer: the receiving side reads plain bytes. The views are transferable: the
    // pool never comes from Node's shared pool of small Buffers.
    const bytes = this.#pool.subarray(0, this.#used);
    const pool = copy ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { count: n, pool, offsets: cut(this.#offsets), lengths: cut(this.#lengths), hashes: cut(this.#hashes) };
  }

  /**
   * The keys as strings, by id.
   *
   * @returns The strings.
   */
  strings(): string[] {
    const out: string[] = new Array<string>(this.#count);
    for (let id = 0; id < this.#count; id++) {
      const start = this.#offsets[id]!;
      const end = start + this.#lengths[id]!;
      out[id] = this.#pool[start] === 0xff ? this.#pool.toString('utf16le', start + 1, end) : this.#pool.toString('utf8', start, end);
    }
    return out;
  }

  /** The bytes of every key, back to back (see {@link offsetOf}). */
  get poolView(): DataView {
    return this.#poolView;
  }

  /**
   * Where a key's bytes start in {@link poolView}.
   *
   * @param id - The key's id.
   * @returns The offset.
   */
  offsetOf(id: number): number {
    return this.#offsets[id]!;
  }

  /**
   * A key's length in bytes.
   *
   * @param id - The key's id.
   * @returns The length.
   */
  lengthOf(id: number): number {
    return this.#lengths[id]!;
  }

  /**
   * A key's hash.
   *
   * @param id - The key's id.
   * @returns The hash.
   */
  hashOf(id: number): number {
    return this.#hashes[id]!;
  }

  /**
   * Appends a key without looking for an equal one and without updating the probe index: a batch merge
   * that found the duplicates by sorting, or a worker's shard that leaves interning to the thread that
   * merges it (its table then may hold a key twice, and is only read as {@link data}). The index is
   * rebuilt on the next lookup.
   *
   * @param view - The bytes.
   * @param start - First byte.
   * @param end - Index after the last byte.
   * @param hash - Their hash.
   * @returns The new key's id.
   */
  appendKey(view: DataView, start: number, end: number, hash: number): number {
    this.#indexed = false;
    return this.#store(view, start, end, hash);
  }

  #add(view: DataView, start: number, end: number, hash: number, slot: number): number {
    const id = this.#store(view, start, end, hash);
    if (this.#count * 4 > this.#slots.length) this.#rehash((this.#slots.length >> 1) * 2);
    else {
      this.#slots[2 * slot] = hash;
      this.#slots[2 * slot + 1] = id + 1;
    }
    return id;
  }

  /**
   * Makes room for `count` keys of about 24 bytes in the key arrays and the pool (not in the index: a
   * table filled by {@link appendKey} has none).
   *
   * @param count - Keys expected in all.
   */
  reserveKeys(count: number): void {
    if (count > this.#offsets.length) {
      const size = 2 ** Math.ceil(Math.log2(count));
      this.#offsets = grow(this.#offsets, size);
      this.#lengths = grow(this.#lengths, size);
      this.#hashes = grow(this.#hashes, size);
    }
    if (count * 24 > this.#pool.length) this.#growPool(count * 24);
  }

  #growPool(bytes: number): void {
    const pool = Buffer.allocUnsafeSlow(bytes);
    this.#pool.copy(pool, 0, 0, this.#used);
    this.#pool = pool;
    this.#poolView = viewOf(pool);
  }

  #store(view: DataView, start: number, end: number, hash: number): number {
    const length = end - start;
    const id = this.#count++;
    if (id === this.#offsets.length) {
      this.#offsets = grow(this.#offsets);
      this.#lengths = grow(this.#lengths);
      this.#hashes = grow(this.#hashes);
    }
    if (this.#used + length > this.#pool.length) this.#growPool(Math.max(this.#pool.length * 2, this.#used + length));
    const pool = this.#poolView;
    const at = this.#used;
    let k = 0;
    for (; k + 4 <= length; k += 4) pool.setInt32(at + k, view.getInt32(start + k, true), true);
    for (; k < length; k++) pool.setUint8(at + k, view.getUint8(start + k));
    this.#offsets[id] = at;
    this.#lengths[id] = length;
    this.#hashes[id] = hash;
    this.#used += length;
    return id;
  }

  #reindex(): void {
    this.#indexed = true;
    let size = 256;
    while (this.#count * 2 > size) size *= 2;
    this.#rehash(size);
  }

  #rehash(size: number): void {
    const slots = new Int32Array(2 * size);
    const mask = size - 1;
    for (let id = 0; id < this.#count; id++) {
      const hash = this.#hashes[id]!;
      let slot = hash & mask;
      while (slots[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = hash;
      slots[2 * slot + 1] = id + 1;
    }
    this.#slots = slots;
  }
}

function grow(a: Int32Array<ArrayBuffer>, size = a.length * 2): Int32Array<ArrayBuffer> {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}
