/**
 * The README's examples run as written: each is executed as a child process (through tsx, against the
 * built package, as a user would import it) and its output is checked.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const dirs: string[] = [];
const tmp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'im-example-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('examples', () => {
  it('basic.ts records a small run and prints its summary', async () => {
    const dir = tmp();
    const { stdout } = await run(tsx, ['examples/basic.ts', dir]);
    expect(stdout).toContain('invocations 5, success rate 80.0%');
    expect(stdout).toContain('retries 1 (infra 1, code 0), escalations 1');
    expect(stdout).toContain('peak parallelism 2');
    const lines = readFileSync(join(dir, 'invocations.jsonl'), 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(5);
  });

  it('resume.ts loads the records written after the checkpoint', async () => {
    const { stdout } = await run(tsx, ['examples/resume.ts', tmp()]);
    expect(stdout).toContain('checkpoint held 6 records; loaded 3 written after it (skipped 0 bad lines)');
    expect(stdout).toContain('the summary covers all 9 invocations');
  });
});
