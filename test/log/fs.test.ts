import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeLogFs } from '../../src/log/fs.js';
import { tempDir } from '../helpers/records.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('im-fs-')));
afterEach(() => cleanup());

describe('nodeLogFs', () => {
  it('writes part of a buffer to an append-mode file, fsyncs and closes', async () => {
    const file = join(dir, 'f');
    const fd = openSync(file, 'a');
    const written = await new Promise<number>((resolve, reject) =>
      nodeLogFs.write(fd, Buffer.from('xxhello\n'), 2, 6, null, (err, n) => (err ? reject(err) : resolve(n))),
    );
    expect(written).toBe(6);
    await promisify(nodeLogFs.fsync)(fd);
    await promisify(nodeLogFs.close)(fd);
    expect(readFileSync(file, 'utf8')).toBe('hello\n');
  });
});
