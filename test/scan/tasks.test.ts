/**
 * planTasks: contiguous ranges in input order that cover every file, and each worker's small first task.
 */
import { describe, expect, it } from 'vitest';
import { planTasks } from '../../src/scan/tasks.js';

/** Checks that the tasks of each file are contiguous and cover it, and returns their sizes by file. */
function coverage(files: { path: string; size: number }[], tasks: ReturnType<typeof planTasks>): number[][] {
  expect(tasks.map((t) => t.index)).toEqual(tasks.map((_, i) => i));
  return files.map((file, f) => {
    const mine = tasks.filter((t) => t.fileIndex === f);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine[0]!.start).toBe(0);
    mine.forEach((t, k) => {
      expect(t.path).toBe(file.path);
      if (k > 0) expect(t.start).toBe(mine[k - 1]!.end);
    });
    expect(mine.at(-1)!.end).toBe(Infinity);
    expect(mine.reduce((sum, t) => sum + t.bytes, 0)).toBe(file.size);
    return mine.map((t) => t.bytes);
  });
}

describe('planTasks', () => {
  it('cuts files into ranges of about taskBytes, in input order', () => {
    const files = [
      { path: 'a', size: 10_000 },
      { path: 'b', size: 0 },
      { path: 'c', size: 2_500 },
    ];
    const sizes = coverage(files, planTasks(files, 1_000));
    expect(sizes.map((s) => s.length)).toEqual([10, 1, 3]);
  });

  it("cuts each worker's first task small at the start of the first file, when it is large enough", () => {
    const files = [
      { path: 'a', size: 10_000_000 },
      { path: 'b', size: 3_000_000 },
    ];
    const sizes = coverage(files, planTasks(files, 1_000_000, { smallFirst: 2, smallBytes: 4096 }));
    expect(sizes[0]!.slice(0, 3)).toEqual([4096, 4096, expect.any(Number) as number]);
    expect(sizes[0]!.length).toBe(12);
    expect(sizes[1]!.length).toBe(3); // only the first file
  });

  it('leaves a first file too small for them as it is', () => {
    const files = [{ path: 'a', size: 9_000 }];
    expect(planTasks(files, 1_000, { smallFirst: 2, smallBytes: 4096 })).toEqual(planTasks(files, 1_000));
  });
});
