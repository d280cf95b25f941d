/**
 * Merging many task id tables at once: the worker shards of a large read hold most of a million distinct
 * task ids between them, and probing a hash table per key is a cache miss per key. Here the keys are
 * sorted by hash instead (a native sort of packed 64-bit words), equal hashes are compared byte by byte,
 * and new keys get their ids in input order: the ids are the ones `idMap` would give shard by shard.
 *
 * @module
 */
import { equalBytes, type KeyTable, type KeyTableData } from './key-table.js';

/**
 * Interns the keys of `others` into `table`.
 *
 * @param table - The table to extend.
 * @param others - Tables to merge, in order.
 * @returns One map per other table: `maps[t][theirId] = ourId`.
 */
export function mergeKeyTables(table: KeyTable, others: readonly KeyTableData[]): Int32Array[] {
  const existing = table.size;
  const bases: number[] = [];
  let total = existing;
  for (const o of others) {
    bases.push(total);
    total += o.count;
  }
  // One 64-bit word per key: the hash (unsigned) high, the key's global index low; sorted natively.
  const words = new ArrayBuffer(8 * total);
  const halves = new Uint32Array(words);
  for (let k = 0; k < existing; k++) {
    halves[2 * k] = k;
    halves[2 * k + 1] = table.hashOf(k) >>> 0;
  }
  others.forEach((o, t) => {
    const base = bases[t]!;
    for (let j = 0; j < o.count; j++) {
      halves[2 * (base + j)] = base + j;
      halves[2 * (base + j) + 1] = o.hashes[j]! >>> 0;
    }
  });
  new BigUint64Array(words).sort();

  const views = others.map((o) => new DataView(o.pool.buffer, o.pool.byteOffset, o.pool.byteLength));
  const owner = (k: number): number => {
    let t = others.length - 1;
    while (bases[t]! > k) t--;
    return t;
  };
  const same = (a: number, b: number): boolean => {
    const [va, sa, la] = locate(a);
    const [vb, sb, lb] = locate(b);
    return la === lb && equalBytes(va, sa, vb, sb, la);
  };
  const locate = (k: number): [DataView, number, number] => {
    if (k < existing) return [table.poolView, table.offsetOf(k), table.lengthOf(k)];
    const t = owner(k);
    const j = k - bases[t]!;
    return [views[t]!, others[t]!.offsets[j]!, others[t]!.lengths[j]!];
  };

  // rep[k - existing]: the first key (smallest global index) equal to key k; existing keys come first.
  const rep = new Int32Array(total - existing);
  for (let i = 0; i < total; ) {
    const hash = halves[2 * i + 1]!;
    let end = i + 1;
    while (end < total && halves[2 * end + 1] === hash) end++;
    if (end - i === 1) {
      const k = halves[2 * i]!;
      if (k >= existing) rep[k - existing] = k;
    } else {
      // Equal hashes: group by bytes. Runs are short (a duplicate key, or a rare collision); sorted by index.
      for (let a = i; a < end; a++) {
        const k = halves[2 * a]!;
        if (k < existing) continue;
        let r = k;
        for (let b = i; b < end; b++) {
          const other = halves[2 * b]!;
          if (other < r && same(other, k)) r = other;
        }
        rep[k - existing] = r;
      }
    }
    i = end;
  }

  const maps: Int32Array[] = [];
  others.forEach((o, t) => {
    const map = new Int32Array(o.count);
    const base = bases[t]!;
    const view = views[t]!;
    for (let j = 0; j < o.count; j++) {
      const r = rep[base + j - existing]!;
      if (r === base + j) map[j] = table.appendKey(view, o.offsets[j]!, o.offsets[j]! + o.lengths[j]!, o.hashes[j]!);
      else if (r < existing) map[j] = r;
      else {
        // An earlier key of the merge, whose id is assigned: earlier in this table, or in an earlier one.
        const rt = owner(r);
        map[j] = rt === t ? map[r - base]! : maps[rt]![r - bases[rt]!]!;
      }
    }
    maps.push(map);
  });
  return maps;
}
