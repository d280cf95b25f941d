/**
 * Which run of a pid this process is. Two processes can have one pid in turn (a container restarted is
 * pid 1 again), and a lock must tell them apart; the threads of one process (workers) must not.
 *
 * @module
 */
import fs from 'node:fs';

/** This process's start, as {@link processStart} returns it. */
export interface ProcessStart {
  /**
   * `<boot id>:<start time in clock ticks since boot>` from `/proc` (Linux): the same in every thread of
   * this process, different in any other process that had or will have its pid. `undefined` elsewhere.
   */
  readonly id: string | undefined;
  /** When this process started, in epoch milliseconds (wall clock, so only as good as the clock). */
  readonly wallMs: number;
}

let cached: ProcessStart | undefined;

/**
 * This process's start (computed once).
 *
 * @returns Its id (Linux only) and its wall-clock start time.
 */
export function processStart(): ProcessStart {
  cached ??= { id: procStartId(), wallMs: Date.now() - process.uptime() * 1000 };
  return cached;
}

function procStartId(): string | undefined {
  try {
    const bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    // Field 22 (starttime); the command name (field 2) is in parentheses and may hold spaces.
    const startTicks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return bootId !== '' && startTicks !== undefined && /^\d+$/.test(startTicks) ? `${bootId}:${startTicks}` : undefined;
  } catch {
    return undefined;
  }
}
