import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnsafeLogFileError } from '../../src/errors.js';
import { repairTornTail } from '../../src/log/repair.js';
import { memoryLogger, metric, tempDir } from '../helpers/records.js';

let dir: string;
let cleanup: () => void;
let logPath: string;

beforeEach(() => {
  ({ dir, cleanup } = tempDir('im-repair-'));
  logPath = join(dir, 'invocations.jsonl');
});
afterEach(() => cleanup());

const line = (id: string): string => `${JSON.stringify(metric({ invocationId: id }))}\n`;

describe('repairTornTail', () => {
  it('moves a torn tail to .torn and truncates the log to its last complete line', () => {
    const good = line('a') + line('b');
    writeFileSync(logPath, `${good}{"invocationId":"c","agent":"co`);
    const logger = memoryLogger();
    expect(repairTornTail(logPath, logger)).toEqual({ tornBytes: 31 });
    expect(readFileSync(logPath, 'utf8')).toBe(good);
    expect(readFileSync(`${logPath}.torn`, 'utf8')).toBe('{"invocationId":"c","agent":"co\n');
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/torn last line of 31 bytes/);
  });

  it('appends to .torn, keeping the tails of earlier repairs', () => {
    writeFileSync(logPath, `${line('a')}torn-1`);
    repairTornTail(logPath, memoryLogger());
    writeFileSync(logPath, `${line('a')}{"torn":2`);
    repairTornTail(logPath, memoryLogger());
    expect(readFileSync(`${logPath}.torn`, 'utf8')).toBe('torn-1\n{"torn":2\n');
  });

  it('keeps a valid record that lacks only its newline', () => {
    const last = line('b').slice(0, -1);
    writeFileSync(logPath, line('a') + last);
    expect(repairTornTail(logPath, memoryLogger())).toEqual({ tornBytes: 0 });
    expect(readFileSync(logPath, 'utf8')).toBe(`${line('a')}${last}\n`);
    expect(existsSync(`${logPath}.torn`)).toBe(false);
  });

  it('does not keep a complete JSON object that is not a valid record', () => {
    writeFileSync(logPath, `${line('a')}{"invocationId":"x"}`);
    expect(repairTornTail(logPath, memoryLogger())).toEqual({ tornBytes: 20 });
    expect(readFileSync(logPath, 'utf8')).toBe(line('a'));
  });

  it('leaves an empty file, a missing file and a file ending in a newline alone', () => {
    const logger = memoryLogger();
    expect(repairTornTail(logPath, logger)).toEqual({ tornBytes: 0 });
    expect(existsSync(logPath)).toBe(false);
    writeFileSync(logPath, '');
    expect(repairTornTail(logPath, logger)).toEqual({ tornBytes: 0 });
    expect(readFileSync(logPath, 'utf8')).toBe('');
    writeFileSync(logPath, line('a'));
    expect(repairTornTail(logPath, logger)).toEqual({ tornBytes: 0 });
    expect(readFileSync(logPath, 'utf8')).toBe(line('a'));
    expect(logger.lines).toEqual([]);
    expect(existsSync(`${logPath}.torn`)).toBe(false);
  });

  it('moves a whole file that has no newline at all', () => {
    writeFileSync(logPath, '{"invocationId":"only","ag');
    expect(repairTornTail(logPath, memoryLogger())).toEqual({ tornBytes: 26 });
    expect(readFileSync(logPath, 'utf8')).toBe('');
    expect(readFileSync(`${logPath}.torn`, 'utf8')).toBe('{"invocationId":"only","ag\n');
  });

  it('finds the last newline across read chunks when the tail is longer than a chunk', () => {
    const tail = `{"junk":"${'x'.repeat(200_000)}`;
    writeFileSync(logPath, line('a') + tail);
    expect(repairTornTail(logPath, memoryLogger())).toEqual({ tornBytes: Buffer.byteLength(tail) });
    expect(readFileSync(logPath, 'utf8')).toBe(line('a'));
    expect(readFileSync(`${logPath}.torn`, 'utf8')).toBe(`${tail}\n`);
  });

  it('cuts a tail that ends inside a multi-byte character', () => {
    const full = Buffer.from(line('é-🚀'));
    writeFileSync(logPath, Buffer.concat([Buffer.from(line('a')), full.subarray(0, 22)]));
    expect(repairTornTail(logPath, memoryLogger())).toEqual({ tornBytes: 22 });
    expect(readFileSync(logPath, 'utf8')).toBe(line('a'));
  });

  it('never cuts a file that does not look like a log: its last complete line must be a JSON object', () => {
    for (const text of ['# a config file\nkey = value', 'root:x:0:0\n[1,2]\ntail', `${'x'.repeat(2 * 1024 * 1024)}\n{"torn`]) {
      writeFileSync(logPath, text);
      expect(() => repairTornTail(logPath, memoryLogger())).toThrowError(UnsafeLogFileError);
      expect(readFileSync(logPath, 'utf8')).toBe(text);
      expect(existsSync(`${logPath}.torn`)).toBe(false);
    }
  });

  it('never cuts a file without a newline that does not start like a record', () => {
    writeFileSync(logPath, 'secret');
    expect(() => repairTornTail(logPath, memoryLogger())).toThrowError(/does not look like a log/);
    expect(readFileSync(logPath, 'utf8')).toBe('secret');
  });

  it('refuses a log or a .torn that is a symbolic link, before cutting anything', () => {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'keep\nme');
    writeFileSync(logPath, `${line('a')}{"torn`);
    symlinkSync(victim, `${logPath}.torn`);
    expect(() => repairTornTail(logPath, memoryLogger())).toThrowError(expect.objectContaining({ path: `${logPath}.torn` }) as Error);
    expect(readFileSync(logPath, 'utf8')).toBe(`${line('a')}{"torn`);
    const other = join(dir, 'other.jsonl');
    symlinkSync(victim, other);
    expect(() => repairTornTail(other, memoryLogger())).toThrowError(expect.objectContaining({ reason: 'a symbolic link' }) as Error);
    expect(readFileSync(victim, 'utf8')).toBe('keep\nme');
  });
});
