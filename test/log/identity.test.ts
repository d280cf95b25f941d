/** checkLogIdentity on a real file system: the same file, truncated, replaced, deleted, a bad descriptor. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeLogFs } from '../../src/log/fs.js';
import { checkLogIdentity, type LogIdentity } from '../../src/log/identity.js';

let dir: string;
let file: string;
let fd: number;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-identity-'));
  file = path.join(dir, 'log.jsonl');
  fs.writeFileSync(file, 'x'.repeat(100));
  fd = fs.openSync(file, 'a');
});
afterEach(() => {
  try {
    fs.closeSync(fd);
  } catch {
    // closed by the test
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

const check = (knownSize: number): Promise<LogIdentity> => new Promise((resolve) => checkLogIdentity(nodeLogFs, fd, file, knownSize, resolve));

describe('checkLogIdentity', () => {
  it('the same file: its size, not truncated, not rotated', async () => {
    expect(await check(100)).toEqual({ size: 100, truncated: false });
  });

  it('a file shorter than the writer knew: truncated', async () => {
    fs.truncateSync(file, 40);
    expect(await check(100)).toEqual({ size: 40, truncated: true });
  });

  it('another file at the path: replaced', async () => {
    fs.renameSync(file, `${file}.1`);
    fs.writeFileSync(file, '');
    expect(await check(100)).toEqual({ size: 100, truncated: false, rotated: 'replaced' });
  });

  it('nothing at the path: moved or deleted', async () => {
    fs.unlinkSync(file);
    expect(await check(100)).toEqual({ size: 100, truncated: false, rotated: 'moved or deleted' });
  });

  it('a closed descriptor: EBADF, to open the file again', async () => {
    fs.closeSync(fd);
    const found = await check(100);
    expect(found.badFd?.code).toBe('EBADF');
    expect(found.size).toBeUndefined();
  });
});
