import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAggregator } from '../../src/aggregate/index.js';
import { OutputWriteError, StateFileError } from '../../src/errors.js';
import { isStateFile, readStateFile, writeStateFile } from '../../src/index.js';
import { metric } from '../aggregate/helpers.js';
import { tempDir } from '../helpers/records.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));
function dir(): string {
  const t = tempDir('im-state-');
  cleanups.push(t.cleanup);
  return t.dir;
}

const state = () => {
  const a = createAggregator();
  a.add(metric({ agent: 'coder', taskId: 'T-1', cost: 0.25 }));
  a.add(metric({ agent: 'tester', attempt: 2, taskId: 'T-1', errorClass: 'timeout', success: false }));
  return a.serialize();
};

async function errorOf(f: () => Promise<unknown>): Promise<StateFileError> {
  try {
    await f();
  } catch (error) {
    if (error instanceof StateFileError) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('writeStateFile / readStateFile', () => {
  it('round-trips through a file and returns the bytes written', async () => {
    const file = path.join(dir(), 'host-a.state');
    const bytes = await writeStateFile(file, state(), { fsync: true });
    expect(fs.statSync(file).size).toBe(bytes);
    expect(await readStateFile(file)).toEqual(state());
    expect(isStateFile(file)).toBe(true);
  });

  it('leaves no temporary file behind, and replaces an older state whole', async () => {
    const d = dir();
    const file = path.join(d, 'x.state');
    await writeStateFile(file, createAggregator().serialize());
    await writeStateFile(file, state());
    expect(fs.readdirSync(d)).toEqual(['x.state']);
    expect((await readStateFile(file)).count).toBe(2);
  });

  it('replaces a symbolic link at the path instead of writing through it', async () => {
    const d = dir();
    const victim = path.join(d, 'victim.txt');
    fs.writeFileSync(victim, 'keep me');
    const file = path.join(d, 'out.state');
    fs.symlinkSync(victim, file);
    await writeStateFile(file, state());
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep me');
    expect(fs.lstatSync(file).isSymbolicLink()).toBe(false);
    expect((await readStateFile(file)).count).toBe(2);
  });

  it('names the file the user gave when it cannot be written', async () => {
    const file = path.join(dir(), 'missing-dir', 'out.state');
    const error = await writeStateFile(file, state()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputWriteError);
    expect((error as OutputWriteError).code).toBe('ERR_OUTPUT_WRITE');
    expect((error as OutputWriteError).message).toBe(`Cannot write ${file}: the directory ${path.dirname(file)} does not exist`);
  });

  it('reading: a missing file, a directory, a FIFO and a log are StateFileErrors naming the path', async () => {
    const d = dir();
    const missing = await errorOf(() => readStateFile(path.join(d, 'nope.state')));
    expect(missing.code).toBe('ERR_STATE_FILE');
    expect(missing.message).toBe(`Cannot read the state file ${path.join(d, 'nope.state')}: no such file`);
    expect((await errorOf(() => readStateFile(d))).reason).toBe('it is a directory, not a state file');
    const fifo = path.join(d, 'pipe.state');
    execFileSync('mkfifo', [fifo]);
    expect((await errorOf(() => readStateFile(fifo))).reason).toBe('it is a FIFO, not a state file');
    expect(isStateFile(fifo)).toBe(false);
    const log = path.join(d, 'log.state');
    fs.writeFileSync(log, '{"invocationId":"x"}\n');
    expect((await errorOf(() => readStateFile(log))).reason).toMatch(/^not a state file of invocation-metrics/);
    expect(isStateFile(log)).toBe(false);
  });

  it('reading: a truncated file names the file and says truncated', async () => {
    const file = path.join(dir(), 'cut.state');
    await writeStateFile(file, state());
    fs.truncateSync(file, fs.statSync(file).size - 3);
    const error = await errorOf(() => readStateFile(file));
    expect(error.path).toBe(file);
    expect(error.message).toMatch(new RegExp(`^Cannot read the state file ${file}: truncated: the header declares \\d+ bytes of body, the file has \\d+$`));
  });
});
