/**
 * After the demo, what it tells the user to type works (issue 20, item 8). The closing hint was
 * `invocation-metrics summarize <log>`, which no shell finds (the executable is not on PATH), and
 * `summarize` of the directory holding the demo's runs failed with "directory holds no *.jsonl files"
 * because each run is in a subdirectory.
 *
 * The user's project here is a temporary directory with this package installed the way npm installs a
 * dependency (`node_modules/invocation-metrics` and its `.bin` shim); the hints are run with `sh -c` in
 * it, npx kept offline so that it can only find the local executable.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliCommand, pathForShell, shellQuote } from '../../src/cli/shell-hint.js';
import { ensureBuilt, MAIN, ROOT, runBuiltCli, type CliRun } from '../cli/helpers/built-cli.js';

let project = '';
beforeAll(async () => {
  await ensureBuilt();
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'im-demo-hint-'));
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true }));
  fs.mkdirSync(path.join(project, 'node_modules/.bin'), { recursive: true });
  fs.symlinkSync(ROOT, path.join(project, 'node_modules/invocation-metrics'));
  fs.symlinkSync('../invocation-metrics/dist/cli/main.js', path.join(project, 'node_modules/.bin/invocation-metrics'));
});
afterAll(() => {
  if (project !== '') fs.rmSync(project, { recursive: true, force: true });
});

/** The environment of the user's shell: node and npx on PATH, npm offline, not inside an `npm run`. */
function shellEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}`, npm_config_offline: 'true' };
  // Left out (undefined) rather than deleted: runBuiltCli merges this over process.env.
  for (const k of Object.keys(env)) if (k === 'INIT_CWD' || k.startsWith('npm_lifecycle') || k === 'NO_COLOR' || k === 'FORCE_COLOR') env[k] = undefined;
  return env;
}

const runDemo = (cwd: string): Promise<CliRun> => runBuiltCli(['demo', '--duration', '1s', '--port', '0'], { cwd, env: shellEnv() });

const sh = (command: string, cwd: string) => promisify(execFile)('sh', ['-c', command], { cwd, env: shellEnv(), timeout: 60_000 });

describe('the demo in a user project', () => {
  it('ends with commands that run as typed, and summarize reads the runs under demo-output/', async () => {
    const demo = await runDemo(project);
    expect(demo.code, demo.stderr).toBe(0);
    const records = Number(/done: (\d+) records in /.exec(demo.stderr)?.[1]);
    expect(records).toBeGreaterThan(0);

    const summarize = /^summarize it again with: (npx .+)$/m.exec(demo.stderr)?.[1];
    expect(summarize, demo.stderr).toMatch(/^npx invocation-metrics summarize demo-output\/[\w-]+$/);
    const again = await sh(summarize!, project);
    expect(again.stdout).toMatch(new RegExp(`^Invocations +${records.toLocaleString('en-US')}$`, 'm'));

    const report = /^or as an HTML report: +(npx .+)$/m.exec(demo.stderr)?.[1];
    await sh(report!, project);
    const out = /--out (\S+)$/.exec(report!)![1]!;
    expect(fs.readFileSync(path.join(project, out), 'utf8')).toMatch(/^<!doctype html>/);

    // The directory of all runs: each run is a subdirectory of demo-output/.
    const all = await sh('npx invocation-metrics summarize demo-output/ --json', project);
    expect((JSON.parse(all.stdout) as { totalInvocations: number }).totalInvocations).toBe(records);
  });
});

describe('the demo run by path from a directory with no project', () => {
  it('ends with `node <main.js>` commands, which run there as typed', async () => {
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'im-demo-plain-'));
    try {
      const demo = await runDemo(plain);
      expect(demo.code, demo.stderr).toBe(0);
      const summarize = /^summarize it again with: (.+)$/m.exec(demo.stderr)?.[1];
      expect(summarize).toBe(`node ${MAIN} summarize ${/log: (demo-output\/[\w-]+)\/invocations\.jsonl/.exec(demo.stderr)?.[1]}`);
      const again = await sh(summarize!, plain);
      expect(again.stdout).toMatch(/^Invocations +\d/m);
    } finally {
      fs.rmSync(plain, { recursive: true, force: true });
    }
  });
});

describe('cliCommand, pathForShell and shellQuote', () => {
  it('use npx where it finds the executable without the network, else node and the path of main.js', () => {
    const main = path.join(ROOT, 'dist/cli/main.js');
    expect(cliCommand(ROOT, main)).toBe('npx invocation-metrics');
    expect(cliCommand(path.join(ROOT, 'test'), main)).toBe('npx invocation-metrics');
    expect(cliCommand(path.join(project, 'sub/dir'), main)).toBe('npx invocation-metrics');
    expect(cliCommand(os.tmpdir(), main)).toBe(`node ${main}`);
    expect(cliCommand(os.tmpdir(), '/opt/my tools/dist/cli/main.js')).toBe(`node '/opt/my tools/dist/cli/main.js'`);
  });

  it('print a path relative to where the user typed the command, or absolute when it would climb out', () => {
    const cwd = process.cwd();
    expect(pathForShell('demo-output/x', cwd)).toBe('demo-output/x');
    expect(pathForShell('demo-output/x', path.join(cwd, 'sub'))).toBe(path.join(cwd, 'demo-output/x'));
    expect(pathForShell('/tmp/a b', cwd)).toBe('/tmp/a b');
  });

  it('quote what a shell would split or expand, and nothing else', () => {
    expect(shellQuote('demo-output/2026-12-07T14-00-00')).toBe('demo-output/2026-12-07T14-00-00');
    expect(shellQuote("/tmp/it's here")).toBe(`'/tmp/it'\\''s here'`);
    expect(shellQuote('$HOME')).toBe(`'$HOME'`);
  });
});
