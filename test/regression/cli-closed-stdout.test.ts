/**
 * Regression: `summarize --json | head -c 10` made the CLI die on an unhandled EPIPE with a stack trace.
 * A closed stdout now ends it quietly.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const log = fileURLToPath(new URL('../fixtures/cli/run.jsonl', import.meta.url));

describe('regression: a closed stdout', () => {
  it('ends the CLI quietly, without an EPIPE stack trace', async () => {
    // The reader is gone before the CLI writes its JSON (as `| head -c 0` would be).
    const child = spawn(process.execPath, [cli, 'summarize', log, log.replace('run.jsonl', 'shards'), '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|at /);
    expect(code).toBe(0);
  });
});
