/**
 * Transparent huge pages for a large `summarize`, on Linux with glibc: the CLI starts itself again, at
 * once, with glibc's `glibc.malloc.hugetlb=1` tunable, so that the scan's large column buffers (memory
 * from `malloc`) are backed by 2 MiB pages instead of 4 KiB ones.
 *
 * Why: a page fault costs about 10 to 12 us on the virtual machines this is measured on, and a summarize
 * of a million records (349 MB) takes about 60,000 of them, most for the first touch of fresh column
 * memory (BENCHMARKS.md, "Where summarize's time goes"). With the tunable it takes about 37,000: about 9%
 * less CPU and 8% less wall time on that log, 10% on 3M records. The tunable is read by glibc once, when
 * the process starts, so it cannot be set from inside: the process replaces itself (`process.execve`: the
 * same pid, the same arguments, standard streams and exit code), at the price of a second Node start
 * (about 0.08 s of CPU). That price is paid back only on large inputs: at 105 MB and 209 MB the two were
 * even in alternating runs, hence the {@link HUGE_PAGES_MIN_BYTES} threshold.
 *
 * Only where it can help: Linux, glibc (a musl `node` ignores the tunable), the kernel's transparent huge
 * pages in `madvise` mode (Debian's and Ubuntu's default; in `always` mode they apply without the tunable;
 * in `never`, not at all), no `glibc.malloc.hugetlb` already in `GLIBC_TUNABLES` (a user's setting is
 * kept, and the started process does not start itself again), and `INVOCATION_METRICS_HUGE_PAGES` not
 * `off`. The library never does this: only the CLI, whose process is its own.
 *
 * @module
 */
import fs from 'node:fs';

/** Bytes of input from which a `summarize` starts itself again with huge pages (see the module's documentation). */
export const HUGE_PAGES_MIN_BYTES = 256 * 1024 * 1024;

/**
 * The environment variable that turns the relaunch `off`, or `on` for a summarize of any size; `auto` (also
 * any other value, and the default) relaunches from {@link HUGE_PAGES_MIN_BYTES}.
 */
export const HUGE_PAGES_ENV = 'INVOCATION_METRICS_HUGE_PAGES';

/** The glibc tunable the relaunch sets. */
const TUNABLE = 'glibc.malloc.hugetlb';

/** What {@link hugePagesEnv} decides from. */
export interface HugePagesFacts {
  /** Bytes the command will scan (0 when it is not a parallel `summarize`). */
  readonly bytes: number;
  /** The process's environment. */
  readonly env: NodeJS.ProcessEnv;
  /** `process.platform`. */
  readonly platform: NodeJS.Platform;
  /**
   * The kernel's transparent huge page mode (`always`, `madvise`, `never`), or `undefined` when unknown.
   * Asked only when the other facts allow a relaunch (it reads a file).
   */
  readonly thpMode: () => string | undefined;
  /** Whether this `node` runs on glibc. Asked only when the other facts allow a relaunch (it reads a file). */
  readonly glibc: () => boolean;
}

/**
 * The environment to start the CLI again with, or `undefined` to go on as it is.
 *
 * @param facts - See {@link HugePagesFacts}.
 * @returns The environment with `glibc.malloc.hugetlb=1` appended to `GLIBC_TUNABLES`, or `undefined`.
 */
export function hugePagesEnv(facts: HugePagesFacts): NodeJS.ProcessEnv | undefined {
  const { bytes, env } = facts;
  const mode = env[HUGE_PAGES_ENV];
  // `off` never, `on` for any summarize that scans, `auto` from HUGE_PAGES_MIN_BYTES.
  if (mode === 'off' || bytes === 0 || (mode !== 'on' && bytes < HUGE_PAGES_MIN_BYTES) || facts.platform !== 'linux') return undefined;
  const tunables = env.GLIBC_TUNABLES ?? '';
  if (tunables.split(':').some((t) => t.startsWith(`${TUNABLE}=`))) return undefined;
  if (facts.thpMode() !== 'madvise' || !facts.glibc()) return undefined;
  return { ...env, GLIBC_TUNABLES: tunables === '' ? `${TUNABLE}=1` : `${tunables}:${TUNABLE}=1` };
}

/**
 * The kernel's transparent huge page mode: the bracketed word of
 * `/sys/kernel/mm/transparent_hugepage/enabled` (`always [madvise] never`).
 *
 * @returns The mode, or `undefined` when the file is missing or not in that form.
 */
export function transparentHugePageMode(): string | undefined {
  try {
    return /\[(\w+)\]/.exec(fs.readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'latin1'))?.[1];
  } catch {
    return undefined;
  }
}

/**
 * Whether this process runs on glibc, read from its own mappings (cheap, where `process.report` takes tens of
 * milliseconds): glibc's `libc.so.6` is mapped; a musl build maps `ld-musl` instead.
 *
 * @returns True when glibc's `libc.so.6` is mapped into this process.
 */
export function runsOnGlibc(): boolean {
  try {
    return /\/libc\.so\.6$/m.test(fs.readFileSync('/proc/self/maps', 'latin1'));
  } catch {
    return false;
  }
}

/**
 * Starts the CLI again with huge pages when {@link hugePagesEnv} says so; returns only when it does not (or
 * when the start failed, which changes nothing: the command runs as it is).
 *
 * @param bytes - Bytes the command will scan in parallel (0 for any other command).
 */
export function relaunchWithHugePages(bytes: number): void {
  const env = hugePagesEnv({ bytes, env: process.env, platform: process.platform, thpMode: transparentHugePageMode, glibc: runsOnGlibc });
  if (env === undefined) return;
  try {
    process.execve?.(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], env);
  } catch {
    // Not started (a sandbox that forbids exec, an unreadable executable): run as this process.
  }
}
