/**
 * examples/adapters/ai-sdk.ts runs as written: a child process (through tsx, against the built package,
 * as a user would import it), its output and its log checked.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';

const run = promisify(execFile);
const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('examples/adapters/ai-sdk.ts records each provider attempt of an AI SDK run, the retry as attempt 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'im-example-ai-sdk-'));
  dirs.push(dir);
  const { stdout } = await run(tsx, ['examples/adapters/ai-sdk.ts', dir]);
  expect(stdout).toContain('coder attempt 1 FAILED (rate_limit) 0 tokens');
  expect(stdout).toContain('coder attempt 2 ok 1500 tokens $0.000900');
  expect(stdout).toContain('invocations 4, retries 1 (infra 1), peak parallelism 2');
  const lines = readFileSync(join(dir, 'invocations.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines.map((l) => [l.agent, l.attempt, l.provider, l.model])).toEqual([
    ['coder', 1, 'openai', 'gpt-5-mini'],
    ['coder', 2, 'openai', 'gpt-5-mini'],
    ['reviewer', 1, 'openai', 'gpt-5-mini'],
    ['reviewer', 1, 'openai', 'gpt-5-mini'],
  ]);
  expect(lines[0]!.taskId).toBe(lines[1]!.taskId);
});
