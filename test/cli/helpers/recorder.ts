/**
 * The recording child of the `watch` tests (`test/fixtures/log/watch-recorder.ts`): a real collector with
 * a Prometheus endpoint, driven one command at a time over stdin.
 */
import { runFixture, type Child } from '../../log/child.js';

/** A running recorder. */
export interface Recorder {
  /** The child. */
  child: Child;
  /** Its Prometheus endpoint. */
  url: string;
  /** Sends one command (see the fixture) and waits until it is done. */
  send(body: object): Promise<void>;
  /** Kills it and waits for its end. */
  kill(): Promise<void>;
}

/**
 * Starts a recorder whose log is `<dir>/invocations.jsonl`.
 *
 * @param dir - The metrics directory.
 * @returns The recorder, once its endpoint listens.
 */
export async function startRecorder(dir: string): Promise<Recorder> {
  const child = runFixture('watch-recorder.ts', [dir]);
  for (let i = 0; i < 600 && !/^url /m.test(child.stdout()); i++) await new Promise((r) => setTimeout(r, 50));
  const url = /^url (\S+)$/m.exec(child.stdout())?.[1];
  if (url === undefined) {
    child.process.kill('SIGKILL');
    throw new Error(`the recorder did not start: ${child.stderr()}`);
  }
  let sent = 0;
  return {
    child,
    url,
    async send(body) {
      child.process.stdin.write(`${JSON.stringify(body)}\n`);
      await child.waitForLine(`done ${++sent}`);
    },
    async kill() {
      child.process.kill('SIGKILL');
      await child.closed;
    },
  };
}
