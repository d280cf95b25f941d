import { spawnSync } from 'node:child_process';
import { closeSync, linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnsafeLogFileError } from '../../src/errors.js';
import { openRegularFile, readSmallRegularFile } from '../../src/log/safe-open.js';
import { tempDir } from '../helpers/records.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('im-safe-open-')));
afterEach(() => cleanup());

function reasonOf(open: () => unknown): string {
  try {
    open();
  } catch (error) {
    expect(error).toBeInstanceOf(UnsafeLogFileError);
    return (error as UnsafeLogFileError).reason;
  }
  throw new Error('expected a refusal');
}

describe('openRegularFile', () => {
  it('creates a missing file in append mode, and appends to it', () => {
    const file = join(dir, 'log');
    const { fd, stats } = openRegularFile(file, 'append')!;
    writeSync(fd, 'a\n');
    closeSync(fd);
    expect(stats.isFile()).toBe(true);
    const again = openRegularFile(file, 'append')!;
    writeSync(again.fd, 'b\n', 0); // append mode: the position is ignored
    closeSync(again.fd);
    expect(readFileSync(file, 'utf8')).toBe('a\nb\n');
  });

  it('returns undefined for a missing file when it does not create', () => {
    expect(openRegularFile(join(dir, 'none'), 'update')).toBeUndefined();
    expect(openRegularFile(join(dir, 'none'), 'read')).toBeUndefined();
    expect(readSmallRegularFile(join(dir, 'none'), 100)).toBeUndefined();
  });

  it('refuses a symbolic link (to a file, to a directory, dangling), a directory and a hard link', () => {
    writeFileSync(join(dir, 'target'), 'x');
    symlinkSync(join(dir, 'target'), join(dir, 'to-file'));
    symlinkSync(dir, join(dir, 'to-dir'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    mkdirSync(join(dir, 'sub'));
    linkSync(join(dir, 'target'), join(dir, 'hard'));
    for (const how of ['append', 'update', 'read'] as const) {
      expect(reasonOf(() => openRegularFile(join(dir, 'to-file'), how))).toBe('a symbolic link');
      expect(reasonOf(() => openRegularFile(join(dir, 'to-dir'), how))).toBe('a symbolic link');
      expect(reasonOf(() => openRegularFile(join(dir, 'dangling'), how))).toBe('a symbolic link');
      expect(reasonOf(() => openRegularFile(join(dir, 'sub'), how))).toBe('a directory');
      expect(reasonOf(() => openRegularFile(join(dir, 'hard'), how))).toMatch(/^a file with 2 hard links/);
    }
    expect(readFileSync(join(dir, 'target'), 'utf8')).toBe('x');
    expect(spawnSync('ls', [dir], { encoding: 'utf8' }).stdout.split('\n')).not.toContain('nowhere');
  });

  it('refuses a FIFO at once instead of blocking on it', () => {
    const fifo = join(dir, 'fifo');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return;
    for (const how of ['append', 'update', 'read'] as const) expect(reasonOf(() => openRegularFile(fifo, how))).toBe('a FIFO');
    expect(reasonOf(() => readSmallRegularFile(fifo, 100))).toBe('a FIFO');
  });

  it('refuses a device', () => {
    expect(reasonOf(() => openRegularFile('/dev/null', 'append'))).toBe('a device');
  });
});

describe('readSmallRegularFile', () => {
  it('reads a file whole up to the limit, hard links allowed (a lock is linked twice while it is made)', () => {
    const file = join(dir, 'lock');
    writeFileSync(file, '{"pid":1}');
    linkSync(file, join(dir, 'lock.tmp'));
    expect(readSmallRegularFile(file, 100)?.text).toBe('{"pid":1}');
    expect(readSmallRegularFile(file, 4)?.text).toBe('{"pi');
    symlinkSync(file, join(dir, 'link'));
    expect(reasonOf(() => readSmallRegularFile(join(dir, 'link'), 100))).toBe('a symbolic link');
  });
});
