/**
 * A fake fs over the real one, as sonic-boom's tests do: it counts calls and injects faults (by errno
 * code), short writes and gates, then lets the real call through.
 */
import { nodeLogFs, type LogFs } from '../../src/log/fs.js';

/** Builds an error as Node's fs gives them. */
export const errno = (code: string, call = 'write'): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: injected ${call} failure`), { code, syscall: call });

/** What the fake records and what it injects; change it at any time. */
export interface FakeFsState {
  /** Length asked by each `write` call, and its descriptor. */
  writes: number[];
  writeFds: number[];
  fsyncs: number;
  fstats: number;
  stats: number;
  /** Lengths asked by each `ftruncate` call. */
  ftruncates: number[];
  /** Descriptors closed. */
  closes: number[];
  /** Codes for the next calls, one consumed per call, before `*Fault` is looked at; `''` = no fault. */
  writeFaults: string[];
  fsyncFaults: string[];
  ftruncateFaults: string[];
  /** Code that every call fails with while set. */
  writeFault: string | undefined;
  fsyncFault: string | undefined;
  /** Most bytes one write call really writes. */
  maxBytes: number;
  /** While set, fsync callbacks wait for it. */
  fsyncGate: Promise<void> | undefined;
  /** Runs (with the descriptor) when an fsync is made to fail: e.g. to drop bytes as a failing kernel may. */
  onFsyncFault: ((fd: number) => void) | undefined;
  /** A code to fail each write on this descriptor with (as on a closed one), or `undefined`. */
  writeFaultOnFd: ((fd: number) => string | undefined) | undefined;
  /** Runs before each write call reaches the disk. */
  beforeWrite: (() => void) | undefined;
}

/** The fake and its state. */
export function fakeFs(): { state: FakeFsState; fs: LogFs } {
  const state: FakeFsState = {
    writes: [],
    writeFds: [],
    fsyncs: 0,
    fstats: 0,
    stats: 0,
    ftruncates: [],
    closes: [],
    writeFaults: [],
    fsyncFaults: [],
    ftruncateFaults: [],
    writeFault: undefined,
    fsyncFault: undefined,
    maxBytes: Infinity,
    fsyncGate: undefined,
    onFsyncFault: undefined,
    beforeWrite: undefined,
    writeFaultOnFd: undefined,
  };
  const fs: LogFs = {
    write(fd, buffer, offset, length, position, callback) {
      state.writes.push(length);
      state.writeFds.push(fd);
      state.beforeWrite?.();
      const next = state.writeFaults.shift();
      const fault = state.writeFaultOnFd?.(fd) ?? (next === undefined ? state.writeFault : next || undefined);
      setImmediate(() => {
        if (fault !== undefined) callback(errno(fault), 0);
        else nodeLogFs.write(fd, buffer, offset, Math.min(length, state.maxBytes), position, callback);
      });
    },
    fsync(fd, callback) {
      state.fsyncs++;
      const go = (): void => {
        const fault = state.fsyncFaults.shift() ?? state.fsyncFault;
        if (fault === undefined) return nodeLogFs.fsync(fd, callback);
        state.onFsyncFault?.(fd);
        setImmediate(() => callback(errno(fault, 'fsync')));
      };
      if (state.fsyncGate !== undefined) void state.fsyncGate.then(go);
      else go();
    },
    close(fd, callback) {
      state.closes.push(fd);
      nodeLogFs.close(fd, callback);
    },
    fstat(fd, callback) {
      state.fstats++;
      nodeLogFs.fstat(fd, callback);
    },
    stat(path, callback) {
      state.stats++;
      nodeLogFs.stat(path, callback);
    },
    ftruncate(fd, length, callback) {
      state.ftruncates.push(length);
      const fault = state.ftruncateFaults.shift();
      if (fault !== undefined) setImmediate(() => callback(errno(fault, 'ftruncate')));
      else nodeLogFs.ftruncate(fd, length, callback);
    },
  };
  return { state, fs };
}

/** Whether a promise has settled by the next macrotask. */
export const isSettled = (p: Promise<unknown>): Promise<boolean> =>
  Promise.race([p.then(() => true, () => true), new Promise<boolean>((r) => setImmediate(() => r(false)))]);

/**
 * Waits until `condition()` holds, polling every few milliseconds; fails with `what` after `timeoutMs`
 * (a bound on the wait, never an assertion on speed).
 */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
