/** Running the TypeScript fixtures of test/fixtures/log as child processes (through tsx). */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A running fixture with its output so far. */
export interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  /** Everything printed on stdout so far. */
  stdout(): string;
  /** Everything printed on stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or signal) once the process has exited and its pipes are drained. */
  readonly closed: Promise<number | NodeJS.Signals | null>;
  /** Resolves once stdout holds `line` as a complete line; rejects if the process ends first. */
  waitForLine(line: string): Promise<void>;
}

/**
 * Starts `node --import tsx test/fixtures/log/<name> ...args`.
 *
 * @param name - The fixture file name.
 * @param args - Its arguments.
 */
export function runFixture(name: string, args: string[]): Child {
  const file = fileURLToPath(new URL(`../fixtures/log/${name}`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const closed = new Promise<number | NodeJS.Signals | null>((resolve) => child.on('close', (code, signal) => resolve(signal ?? code)));
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    closed,
    waitForLine: (line) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (`\n${out}`.includes(`\n${line}\n`)) {
            child.stdout.off('data', check);
            resolve();
          }
        };
        child.stdout.on('data', check);
        check();
        void closed.then(() => reject(new Error(`${name} ended before printing ${line}; stderr: ${err}`)));
      }),
  };
}

/** Sends SIGKILL and waits until the process is gone (and reaped, so its pid is dead). */
export async function kill(child: Child): Promise<void> {
  child.process.kill('SIGKILL');
  await child.closed;
}
