/**
 * examples/adapters/otel-genai.ts runs as written (a child process through tsx, against the built package
 * as a user imports it) and its log holds one record per agent invocation.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('examples/adapters/otel-genai.ts', () => {
  it('records the run of its fake instrumented model: a rate-limited attempt, its retry on a bigger model, two parallel reviewers', async () => {
    dir = mkdtempSync(join(tmpdir(), 'im-example-otel-'));
    const { stdout } = await run(tsx, ['examples/adapters/otel-genai.ts', dir]);
    expect(stdout).toContain('invocations 5, success rate 80.0%');
    expect(stdout).toContain('retries 1 (infra 1, code 0), escalations 1');
    expect(stdout).toContain('peak parallelism 2, tokens 6000');
    const records = readFileSync(join(dir, 'invocations.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => [r.agent, r.attempt, r.success, r.errorClass, r.model, r.tokens])).toEqual([
      ['planner', 1, true, undefined, 'gpt-4o-mini', 1500],
      ['coder', 1, false, 'rate_limit', 'gpt-4o-mini', 0],
      ['coder', 2, true, undefined, 'gpt-4o', 1500],
      ['reviewer', 1, true, undefined, 'gpt-4o-mini', 1500],
      ['reviewer', 1, true, undefined, 'gpt-4o-mini', 1500],
    ]);
  });
});
