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
import { startOtlpTraceReceiver } from '../helpers/otlp-trace-receiver.js';

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

  it('adapters/langchain.ts records a LangGraph run: a retry, a fallback to a bigger model, two nodes in parallel', async () => {
    const dir = tmp();
    const { stdout } = await run(tsx, ['examples/adapters/langchain.ts', dir], { env: { ...process.env, LANGSMITH_TRACING: 'false', LANGCHAIN_TRACING_V2: 'false' } });
    expect(stdout).toContain('coder attempt 1 gpt-4o-mini FAILED rate_limit 0 tokens');
    expect(stdout).toContain('reviewer attempt 2 gpt-4o ok 1500 tokens $0.006000');
    expect(stdout).toContain('invocations 5, retries 2 (infra 1, code 1), escalations 1, peak parallelism 2');
    expect(readFileSync(join(dir, 'invocations.jsonl'), 'utf8').trim().split('\n')).toHaveLength(5);
  });

  it('adapters/mastra.ts records Mastra agent runs: a rate-limited run retried on a bigger model, a fallback model', async () => {
    const dir = tmp();
    // MASTRA_TELEMETRY_DISABLED: Mastra's analytics (PostHog) stay off.
    const { stdout } = await run(tsx, ['examples/adapters/mastra.ts', dir], { env: { ...process.env, MASTRA_TELEMETRY_DISABLED: '1' } });
    expect(stdout).toContain('coder attempt 1 gpt-4o-mini FAILED rate_limit 0 tokens');
    expect(stdout).toContain('coder attempt 2 gpt-4o ok 1500 tokens $0.006000');
    expect(stdout).toContain('reviewer attempt 1 gpt-4o ok 1500 tokens');
    expect(stdout).toContain('invocations 4, retries 1 (infra 1, code 0), escalations 1');
    expect(readFileSync(join(dir, 'invocations.jsonl'), 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it('traces.ts pushes two invoke_agent spans to the OTLP endpoint of the environment, the retry linked to the failure', async () => {
    const receiver = await startOtlpTraceReceiver();
    try {
      const { stdout } = await run(tsx, ['examples/traces.ts', tmp()], { env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: new URL(receiver.url).origin } });
      expect(stdout).toContain('recorded 2 invocations as spans');
      const [failed, retry] = await receiver.waitForSpans(2);
      expect([failed!.name, retry!.name]).toEqual(['invoke_agent coder', 'invoke_agent coder']);
      expect(failed!.status).toBe(2);
      expect(failed!.attributes['error.type']).toBe('rate_limit');
      expect(retry!.attributes).toMatchObject({ 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'claude-sonnet', 'gen_ai.usage.cache_read.input_tokens': 500 });
      expect(retry!.links).toEqual([
        { traceId: failed!.traceId, spanId: failed!.spanId, attributes: { 'invocation_metrics.retry.kind': 'infra', 'invocation_metrics.escalated': true } },
      ]);
      expect(retry!.resource['service.name']).toBe('traces-example');
      expect(receiver.requests.map((r) => r.path)).toEqual(['/v1/traces']);
    } finally {
      await receiver.close();
    }
  });
});
