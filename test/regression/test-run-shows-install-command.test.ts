/**
 * The README promises that tests needing a missing server are skipped "with the install command"; the
 * default vitest output showed only a count of skipped tests (issue 20, item 11). The run now ends with
 * the command. Checked by running vitest itself, with this repository's config, on two test files that
 * need promtool, with a PATH where no server can be found.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/helpers/built-cli.js';
import { installCommands } from '../helpers/install-hint-reporter.js';

const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'im-no-servers-'));
afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

describe('a test run without the servers', () => {
  it('ends with the command that installs them', async () => {
    fs.symlinkSync('/bin/sh', path.join(bin, 'sh')); // servers.ts looks servers up with `sh -c command -v`
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: bin, NO_COLOR: '1' };
    for (const k of Object.keys(env)) if (k.startsWith('VITEST') || k === 'REQUIRE_SERVERS' || k === 'FORCE_COLOR') delete env[k];
    const vitest = path.join(ROOT, 'node_modules/vitest/vitest.mjs');
    const { stdout } = await promisify(execFile)(process.execPath, [vitest, 'run', 'test/otel/exposition.test.ts', 'test/otel/ops-rules.test.ts'], { cwd: ROOT, env, timeout: 120_000 });
    const tail = stdout.trimEnd().split('\n').slice(-3);
    expect(tail).toEqual([
      '3 tests skipped because a server they need is not installed. Install with:',
      '  apt-get update && apt-get install -y prometheus',
      '(REQUIRE_SERVERS=1 makes a missing server fail the run instead, as in CI.)',
    ]);
  });
});

describe('installCommands', () => {
  it('merges the apt-get lines of several servers into one, and keeps other commands as they are', () => {
    expect(
      installCommands([
        'prometheus not found on PATH; install it with: apt-get update && apt-get install -y prometheus > a real Prometheus server > scrapes',
        'every query parses: promtool not found on PATH; install it with: apt-get update && apt-get install -y prometheus',
        'chromium not found on PATH; install it with: apt-get update && apt-get install -y chromium > the HTML report',
        'x not found on PATH; install it with: brew install x',
        'needs root to mount a tmpfs',
      ]),
    ).toEqual(['apt-get update && apt-get install -y prometheus chromium', 'brew install x']);
    expect(installCommands(['nothing to install here'])).toEqual([]);
  });
});
