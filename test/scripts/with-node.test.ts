/**
 * scripts/with-node.sh, as contributors and .ci/run use it: the line from .node-version by default, any
 * line on request (installed from the npm registry into the cache on first use), the command's exit
 * code passed through, and a usage error without a command.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/helpers/built-cli.js';

const run = promisify(execFile);
const SCRIPT = path.join(ROOT, 'scripts/with-node.sh');
const major = (v: string): string => v.trim().replace(/^v/, '').split('.')[0]!;

describe('scripts/with-node.sh', () => {
  it('runs node, npm and npx on the line of .node-version by default', async () => {
    const want = major(fs.readFileSync(path.join(ROOT, '.node-version'), 'utf8'));
    const { stdout } = await run('bash', [SCRIPT, 'node', '-p', 'process.version'], { cwd: ROOT });
    expect(major(stdout)).toBe(want);
    // npm's children (scripts, npx) see the same node first on PATH.
    const npx = await run('bash', [SCRIPT, 'npx', '--no-install', 'node', '-p', 'process.version'], { cwd: ROOT });
    expect(major(npx.stdout)).toBe(want);
  });

  it('runs any line asked for: 22, the oldest that engines admits', { timeout: 120_000 }, async () => {
    const { stdout } = await run('bash', [SCRIPT, '22', 'node', '-p', 'process.version'], { cwd: ROOT });
    expect(major(stdout)).toBe('22');
  });

  it('passes the exit code of the command through, and exits 2 without a command', async () => {
    await expect(run('bash', [SCRIPT, 'node', '-e', 'process.exit(7)'])).rejects.toMatchObject({ code: 7 });
    const usage = await run('bash', [SCRIPT]).catch((e: { code: number; stderr: string }) => e);
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: scripts/with-node.sh') });
  });
});
