/**
 * Builds the package once (`tsc -p tsconfig.build.json`, what `npm run build` runs) and runs the built
 * CLI, `node dist/cli/main.js`, as a child process.
 *
 * Test files run in parallel workers: a lock directory makes one of them build while the others wait,
 * and a build is skipped when the last successful build is newer than every file under src/.
 */
import { spawn, execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The built executable. */
export const MAIN = path.join(ROOT, 'dist/cli/main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

// Written after a build that succeeded: a failed build (tsc emits anyway) must not count as fresh.
const MARKER = path.join(ROOT, 'node_modules/.cache/invocation-metrics/cli-build-ok');
const isFresh = (): boolean =>
  fs.existsSync(MAIN) && fs.existsSync(MARKER) && fs.statSync(MARKER).mtimeMs >= newestMtime(path.join(ROOT, 'src'));

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = path.join(os.tmpdir(), `invocation-metrics-build-${createHash('sha1').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // A lock older than the longest build is left over from a killed run.
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${lock}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

let building: Promise<void> | undefined;

/** Builds the package unless dist is up to date; throws with the compiler's output when the build fails. */
export function ensureBuilt(): Promise<void> {
  building ??= withLock(async () => {
    if (isFresh()) return;
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    try {
      await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      throw new Error(`npm run build failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
    // As `npm run build` (and npm's install of a bin) does: the CLI is executable.
    fs.chmodSync(MAIN, 0o755);
    fs.mkdirSync(path.dirname(MARKER), { recursive: true });
    fs.writeFileSync(MARKER, new Date().toISOString());
  });
  return building;
}

/** What a CLI run printed and returned. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI with the repository root as working directory (fixture paths in outputs stay
 * relative and stable), no TTY, and no colour variables. `env` is merged over this process's; a key set
 * to `undefined` is left out of the child's environment.
 */
export function runBuiltCli(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<CliRun> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...options.env };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: options.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs the CLI's `runCli` in this process, with captured streams, no TTY and no colour: the same
 * arguments and outputs as {@link runBuiltCli} without a process start (about 0.2 s of CPU each). For
 * tests that run the CLI many times over its logic (a property's runs); what only a process shows (exit
 * on a closed pipe, the executable, the workers' start-up) stays with {@link runBuiltCli}.
 */
export async function runCliInProcess(args: string[]): Promise<CliRun> {
  const { runCli } = await import('../../../src/cli/run.js');
  let stdout = '';
  let stderr = '';
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined };
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env,
  });
  return { code, stdout, stderr };
}
