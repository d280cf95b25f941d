/**
 * examples/adapters/openai-agents.ts runs as written: a child process (through tsx, against the built
 * package), its output and log checked. The child has an API key and a `fetch` that reports any call: the
 * SDK's exporter to OpenAI would use both, and the example's one line must have replaced it.
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

const noFetch = `data:text/javascript,${encodeURIComponent('globalThis.fetch = (url) => { process.stderr.write("FETCH " + String(url) + "\\n"); return Promise.reject(new Error("no network")); };')}`;

it('examples/adapters/openai-agents.ts records each agent span of an OpenAI Agents run, and sends nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'im-example-openai-agents-'));
  dirs.push(dir);
  const env = { ...process.env, NODE_ENV: 'production', OPENAI_API_KEY: 'sk-not-a-real-key', NODE_OPTIONS: `--import=${noFetch}` };
  const { stdout, stderr } = await run(tsx, ['examples/adapters/openai-agents.ts', dir], { env });
  expect(stdout).toContain('triage attempt 1 ok 320 tokens -> coder');
  expect(stdout).toContain('coder attempt 1 FAILED (rate_limit) 0 tokens');
  expect(stdout).toContain('coder attempt 2 ok 1600 tokens');
  expect(stdout).toContain('invocations 3, retries 1 (infra 1)');
  expect(stderr).not.toContain('FETCH');
  const lines = readFileSync(join(dir, 'invocations.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines.map((l) => [l.agent, l.taskId, l.attempt, l.model])).toEqual([
    ['triage', 'T1', 1, 'gpt-5-mini'],
    ['coder', 'T1', 1, 'gpt-5'],
    ['coder', 'T1', 2, 'gpt-5'],
  ]);
});
