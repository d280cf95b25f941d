/**
 * Regression (issue 20, item 6, the CLI's part): `report --out` into a missing folder printed a raw Node
 * error naming an internal temporary file (`ENOENT ... open '.../.r.md.12345.tmp'`). It is now an
 * `OutputWriteError` (`ERR_OUTPUT_WRITE`) with the user's own path and the reason in words; exit 1 (bad
 * input/output, as the README's CLI conventions say).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutputWriteError } from '../../src/errors.js';
import { ensureBuilt, runBuiltCli } from '../cli/helpers/built-cli.js';

const RUN = 'test/fixtures/cli/shards/a.jsonl';
let dir: string;

beforeAll(async () => {
  await ensureBuilt();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'im-regr-out-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('report --out that cannot be written', () => {
  it('a missing folder: the user path and why, no temporary file, exit 1', async () => {
    const out = path.join(dir, 'no/such/r.md');
    const r = await runBuiltCli(['report', RUN, '--out', out]);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `invocation-metrics: cannot write ${out}: the directory ${path.dirname(out)} does not exist\n`,
    });
  });

  it('a folder in the way of the file, or a file in the way of the folder', async () => {
    const folder = path.join(dir, 'taken.md');
    await fs.mkdir(folder);
    const onFolder = await runBuiltCli(['report', RUN, '--out', folder]);
    expect(onFolder.code).toBe(1);
    expect(onFolder.stderr).toBe(`invocation-metrics: cannot write ${folder}: ${folder} is a directory\n`);
    const file = path.join(dir, 'plain');
    await fs.writeFile(file, '');
    const under = await runBuiltCli(['report', RUN, '--out', path.join(file, 'r.md')]);
    expect(under.stderr).toBe(`invocation-metrics: cannot write ${path.join(file, 'r.md')}: ${file} is not a directory\n`);
    expect(await fs.readdir(dir)).toEqual(['plain', 'taken.md']); // no temporary file left
  });

  it('OutputWriteError carries a stable code and the path', () => {
    const e = new OutputWriteError('out/r.md', 'the directory out does not exist');
    expect(e).toMatchObject({ code: 'ERR_OUTPUT_WRITE', path: 'out/r.md', message: 'Cannot write out/r.md: the directory out does not exist' });
  });
});
