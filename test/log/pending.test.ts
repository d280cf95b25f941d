import { describe, expect, it } from 'vitest';
import { PendingQueue, ROW_TAKE_BYTES } from '../../src/log/pending.js';
import { isSettled } from './fake-fs.js';

interface Src {
  id: string;
}
const queue = (encoded: string[] = []) => new PendingQueue<Src>((s) => (encoded.push(s.id), `line-${s.id}`));
const linesOf = (t: { parts: Buffer[]; count: number }): string[] => {
  const lines = Buffer.concat(t.parts).toString('utf8').split('\n').slice(0, -1);
  expect(lines).toHaveLength(t.count);
  return lines;
};
const run = (fns: readonly (() => void)[]): void => fns.forEach((f) => f());

describe('PendingQueue', () => {
  it('groups entries pushed between takes under one promise, resolved by the writer', async () => {
    const q = queue();
    const a = q.push('a');
    const b = q.push('b');
    expect(a).toBe(b);
    expect([q.count, q.bytes]).toEqual([2, 4]);
    const taken = q.take(Infinity);
    expect(linesOf(taken)).toEqual(['a', 'b']);
    expect(taken.done).toHaveLength(1);
    const c = q.push('c');
    expect(c).not.toBe(a); // a take closes the group
    expect(await isSettled(a)).toBe(false);
    run(taken.done);
    expect(await isSettled(a)).toBe(true);
    expect(await isSettled(c)).toBe(false);
    expect([q.count, q.bytes]).toEqual([1, 2]);
  });

  it('makes the lines of sources only when taken, within the byte budget, and always takes at least one', () => {
    const encoded: string[] = [];
    const q = queue(encoded);
    q.push('x'.repeat(9)); // 10 bytes
    for (let i = 0; i < 10; i++) q.push({ id: String(i) }); // each line-i is 7 bytes with its newline
    expect(encoded).toEqual([]);
    expect(q.bytes).toBe(10);
    const first = q.take(24); // 10 held, then sources while held < 24: 17, 24 -> stop
    expect(linesOf(first)).toEqual(['x'.repeat(9), 'line-0', 'line-1']);
    expect(first.done).toEqual([]); // the group is cut: it resolves with its last entry
    expect(encoded).toEqual(['0', '1']);
    expect(q.count).toBe(8);
    const tiny = q.take(1);
    expect(linesOf(tiny)).toEqual(['line-2']);
    const rest = q.take(Infinity);
    expect(linesOf(rest)).toHaveLength(7);
    expect(rest.done).toHaveLength(1);
    expect(q.count).toBe(0);
  });

  it('closes a group that a take cut, so later pushes never delay the part already taken', async () => {
    const q = queue();
    const first = [q.push({ id: 'a' }), q.push({ id: 'b' })];
    const cut = q.take(1);
    expect(linesOf(cut)).toEqual(['line-a']);
    const later = q.push({ id: 'c' });
    expect(later).not.toBe(first[0]);
    const next = q.take(1);
    expect(linesOf(next)).toEqual(['line-b']);
    run(next.done);
    expect(await isSettled(first[0]!)).toBe(true);
    expect(await isSettled(later)).toBe(false);
  });

  it('drops a source whose line cannot be made, and still completes its group', async () => {
    const q = new PendingQueue<Src>((s) => (s.id === 'bad' ? undefined : s.id));
    const p = q.push({ id: 'bad' });
    q.push({ id: 'ok' });
    const taken = q.take(Infinity);
    expect(linesOf(taken)).toEqual(['ok']);
    run(taken.done);
    expect(await isSettled(p)).toBe(true);
    expect(q.count).toBe(0);
  });
});

describe('PendingQueue: the byte path', () => {
  interface Rec {
    id: string;
    bytes?: boolean;
  }
  /** Encodes `line-<id>` as bytes for sources marked `bytes`, and counts its calls. */
  const setup = () => {
    const calls = { bound: 0, write: 0, encode: 0 };
    const q = new PendingQueue<Rec>(
      (s) => (calls.encode++, `line-${s.id}`),
      {
        bound: (s) => (calls.bound++, s.bytes === true ? 3 * `line-${s.id}`.length : -1),
        write: (s, buf, start) => (calls.write++, start + buf.write(`line-${s.id}`, start, 'utf8')),
      },
    );
    return { q, calls };
  };

  it('writes pushed sources straight into the chunk, in order with lines, counting UTF-8 bytes', async () => {
    const { q, calls } = setup();
    const a = q.push('é'); // 2 bytes + newline
    const b = q.pushBytes({ id: 'ü', bytes: true }, 3 * 'line-ü'.length);
    q.push('z');
    expect(a).toBe(b);
    expect(calls).toEqual({ bound: 0, write: 1, encode: 0 });
    expect([q.count, q.bytes]).toEqual([3, 3 + 8 + 2]);
    const taken = q.take(Infinity);
    expect(linesOf(taken)).toEqual(['é', 'line-ü', 'z']);
    expect(taken.parts).toHaveLength(1); // one run of bytes
    run(taken.done);
    expect(await isSettled(a)).toBe(true);
    expect([q.count, q.bytes]).toEqual([0, 0]);
  });

  it('makes the lines of waiting sources with the byte encoder when it takes them, else with encode', () => {
    const { q, calls } = setup();
    q.push({ id: '1', bytes: true });
    q.push({ id: '2' });
    q.push({ id: '3', bytes: true });
    expect(calls).toEqual({ bound: 0, write: 0, encode: 0 });
    const taken = q.take(Infinity);
    expect(linesOf(taken)).toEqual(['line-1', 'line-2', 'line-3']);
    expect(calls).toEqual({ bound: 3, write: 2, encode: 1 });
    expect(taken.parts).toHaveLength(1); // lines made in a row form one part
  });

  it('gives a line longer than a chunk a chunk of its own', () => {
    const big = 'x'.repeat(2 * 1024 * 1024);
    const q = new PendingQueue<Rec>(() => undefined, { bound: () => big.length, write: (_s, buf, start) => start + buf.write(big, start, 'latin1') });
    q.push('a');
    q.pushBytes({ id: 'big' }, big.length);
    q.push('b');
    const lines = linesOf(q.take(Infinity));
    expect(lines.map((l) => l.length)).toEqual([1, big.length, 1]);
  });

  it('starts its chunk again once every line in it is written, never while a taken part is unwritten', () => {
    const q = queue();
    q.push('first');
    const one = q.take(Infinity);
    q.push('queued'); // goes after `first` in the same chunk
    q.written(one); // `queued` waits in the chunk: nothing is reused
    q.push('more');
    expect(linesOf(one)).toEqual(['first']);
    const two = q.take(Infinity);
    expect(linesOf(two)).toEqual(['queued', 'more']);
    expect(two.parts[0]!.buffer).toBe(one.parts[0]!.buffer);
    expect(two.parts[0]!.byteOffset).toBe(one.parts[0]!.byteOffset + 'first\n'.length);
    q.push({ id: 'taken, unwritten' }); // a source holds no byte of the chunk
    const three = q.take(Infinity); // its line is made after `more`
    expect(three.parts[0]!.byteOffset).toBe(two.parts[0]!.byteOffset + 'queued\nmore\n'.length);
    q.written(two);
    q.push('after');
    // `three` is not written yet: `after` goes past it.
    const four = q.take(Infinity);
    expect(four.parts[0]!.byteOffset).toBe(three.parts[0]!.byteOffset + 'line-taken, unwritten\n'.length);
    q.written(three);
    q.written(four);
    q.push({ id: 's' });
    const five = q.take(Infinity);
    expect(linesOf(five)).toEqual(['line-s']);
    expect(five.parts[0]!.buffer).toBe(one.parts[0]!.buffer);
    expect(five.parts[0]!.byteOffset).toBe(one.parts[0]!.byteOffset);
    expect([linesOf(three), linesOf(four)]).toEqual([['line-taken, unwritten'], ['after']]);
  });

  it('fills a chunk whose lines are all written again before allocating one, and never one with a line waiting', () => {
    const q = queue();
    // Three lines a 1 MiB chunk (a line string asks for room for 3 UTF-8 bytes a character: 2 x 200 KiB + 600 KiB fit, no more).
    let pushed = 0;
    const names = new Map<ArrayBufferLike, string>();
    /** Pushes `n` lines (each its own) and takes them: the chunk of each part, named A, B, C... in the order first seen. */
    const lines = (n: number) => {
      const own = Array.from({ length: n }, () => String(pushed++).padEnd(200 * 1024 - 1, '.'));
      for (const l of own) q.push(l);
      const taken = q.take(Infinity);
      const chunks = taken.parts.map((p) => names.get(p.buffer) ?? names.set(p.buffer, String.fromCharCode(65 + names.size)).get(p.buffer)!);
      return { taken, own, chunks: chunks.join('') };
    };
    const first = lines(4);
    expect(first.chunks).toBe('AB');
    const second = lines(1);
    expect(second.chunks).toBe('B');
    q.written(first.taken); // A is free; B holds `second`
    const third = lines(3);
    expect(third.chunks).toBe('BA'); // the end of B, then A again
    const fourth = lines(3);
    expect(fourth.chunks).toBe('AC'); // the end of A; B holds `second` and `third`: a new chunk
    q.written(second.taken);
    q.written(third.taken); // B is free; A holds `fourth`
    const fifth = lines(3);
    expect(fifth.chunks).toBe('CB');
    // The lines taken and not reported written are intact.
    for (const { taken, own } of [fourth, fifth]) expect(linesOf(taken)).toEqual(own);
  });

  it('makes the line of a row from its source when taken, in order with lines and sources, a bounded amount a take', async () => {
    const held: Rec[] = []; // the caller's store
    const made: number[] = [];
    const q = new PendingQueue<Rec>(
      (s) => `line-${s.id}`,
      { bound: (s) => 3 * `line-${s.id}`.length, write: (s, buf, start) => start + buf.write(`line-${s.id}`, start, 'utf8') },
      (index) => (made.push(index), held[index]!),
    );
    const pad = 'r'.repeat(100 * 1024); // a row's line: about 100 KiB
    held.push({ id: `0${pad}` }, { id: `1${pad}` });
    const first = q.push('a');
    q.pushRow(0);
    q.push({ id: 's' });
    q.pushRow(1);
    for (let i = 2; i < 40; i++) {
      held.push({ id: `${i}${pad}` });
      q.pushRow(i);
    }
    const last = q.push('z');
    expect(made).toEqual([]); // nothing made before it is taken
    expect([q.count, q.bytes]).toEqual([43, 2 + 2]);
    const taken = [q.take(Infinity)];
    // Lines of rows stop at ROW_TAKE_BYTES a take (lines of sources do not count): the group is cut.
    expect(linesOf(taken[0]!).slice(0, 4)).toEqual(['a', `line-0${pad}`, 'line-s', `line-1${pad}`]);
    expect(made.length).toBe(Math.ceil(ROW_TAKE_BYTES / (pad.length + 8)));
    expect(taken[0]!.done).toEqual([]);
    while (q.count > 0) taken.push(q.take(Infinity));
    expect(taken.length).toBeGreaterThan(3);
    expect(made).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(taken.flatMap(linesOf)).toEqual(['a', ...held.map((h, i) => (i === 1 ? ['line-s', `line-${h.id}`] : [`line-${h.id}`])).flat(), 'z']);
    // The tick's one promise resolves once its last entry is written, not before.
    for (const t of taken.slice(0, -1)) run(t.done);
    expect(await isSettled(first)).toBe(false);
    run(taken.at(-1)!.done);
    expect(first).toBe(last);
    expect(await isSettled(first)).toBe(true);
  });
});
