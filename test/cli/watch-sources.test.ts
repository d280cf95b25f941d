/**
 * `LogSources`: the set of followed files over real files and directories: rotation by rename (the old
 * file read to its end, a late write to it included), a file moved within a watched directory (not read
 * twice), new files, links refused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogSources } from '../../src/cli/watch-sources.js';
import type { TailSink } from '../../src/cli/watch-tail.js';

const line = (id: string): string =>
  `${JSON.stringify({ invocationId: id, agent: 'a', phase: 0, durationMs: 10, tokens: 1, cost: 0.5, exitCode: 0, success: true, attempt: 1, outputParsed: true, timestamp: '2026-11-20T09:00:00Z' })}\n`;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-watch-sources-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function watch(inputs: ConstructorParameters<typeof LogSources>[0], retireAfterMs = 5000) {
  let now = 0;
  const sources = new LogSources(inputs, { maxLineBytes: 4096, retireAfterMs, now: () => now });
  const ids: string[] = [];
  const notices: string[] = [];
  const sink: TailSink = { record: (r) => ids.push(r.invocationId), skipped: () => undefined, notice: (t) => notices.push(t) };
  return {
    ids,
    notices,
    poll: (advanceMs = 0) => {
      now += advanceMs;
      return sources.poll(sink, Infinity);
    },
    close: () => sources.close(),
  };
}

describe('LogSources', () => {
  it('a rotated file (renamed, a new file at the path) is read to its end, late writes included, then dropped', () => {
    const file = path.join(dir, 'invocations.jsonl');
    fs.writeFileSync(file, line('1'));
    const w = watch([{ path: file, kind: 'file' }]);
    w.poll();
    fs.renameSync(file, `${file}.1`);
    fs.writeFileSync(file, line('new-1'));
    // The writer's last batch into the renamed file, before it noticed the rotation.
    fs.appendFileSync(`${file}.1`, line('2'));
    expect(w.poll().files).toBe(2);
    expect(w.ids).toEqual(['1', '2', 'new-1']);
    expect(w.notices).toEqual([`${file}: replaced by a new file (rotation); reading the old file to its end`]);
    fs.appendFileSync(`${file}.1`, line('3'));
    fs.appendFileSync(file, line('new-2'));
    w.poll(1000);
    expect(w.ids).toEqual(['1', '2', 'new-1', '3', 'new-2']);
    // Unchanged for retireAfterMs: closed.
    expect(w.poll(5000).files).toBe(1);
    fs.appendFileSync(`${file}.1`, line('too-late'));
    w.poll();
    expect(w.ids).not.toContain('too-late');
    w.close();
  });

  it('a path deleted and created again is followed from the new file\'s start', () => {
    const file = path.join(dir, 'a.jsonl');
    fs.writeFileSync(file, line('1'));
    const w = watch([{ path: file, kind: 'file' }]);
    w.poll();
    fs.rmSync(file);
    w.poll();
    expect(w.notices).toEqual([`${file}: moved or deleted; reading the old file to its end`]);
    fs.writeFileSync(file, line('2'));
    w.poll();
    expect(w.ids).toEqual(['1', '2']);
    w.close();
  });

  it('in a directory: new files are picked up, and a file renamed to another *.jsonl is not read again', () => {
    fs.writeFileSync(path.join(dir, 'a.jsonl'), line('a1'));
    const w = watch([{ path: dir, kind: 'dir' }]);
    w.poll();
    fs.mkdirSync(path.join(dir, 'run-2'));
    fs.writeFileSync(path.join(dir, 'run-2', 'b.jsonl'), line('b1'));
    fs.renameSync(path.join(dir, 'a.jsonl'), path.join(dir, 'a-old.jsonl'));
    fs.appendFileSync(path.join(dir, 'a-old.jsonl'), line('a2'));
    fs.writeFileSync(path.join(dir, 'not-a-log.txt'), line('txt'));
    w.poll();
    expect(w.ids.sort()).toEqual(['a1', 'a2', 'b1']);
    expect(w.notices).toEqual([]);
    w.close();
  });

  it('a symbolic link in a directory is named once and not followed', () => {
    fs.writeFileSync(path.join(dir, 'real.txt'), line('secret'));
    fs.symlinkSync(path.join(dir, 'real.txt'), path.join(dir, 'link.jsonl'));
    const w = watch([{ path: dir, kind: 'dir' }]);
    w.poll();
    w.poll();
    expect(w.ids).toEqual([]);
    expect(w.notices).toEqual([`${path.join(dir, 'link.jsonl')}: not followed: it is a symbolic link`]);
    w.close();
  });
});
