import { describe, expect, it } from 'vitest';
import { PendingQueue } from '../../src/log/pending.js';
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
