/**
 * Finding the system servers some tests need (Prometheus, promtool, Chromium, and tmux as a real terminal). Where one is missing the
 * test is skipped with the install command in its name (the suite's or the test's), which the run's
 * reporter (`install-hint-reporter.ts`) gathers and prints once at the end; with REQUIRE_SERVERS=1 (as CI
 * sets it) a missing server is a failure instead.
 */
import { execFileSync } from 'node:child_process';

const INSTALL: Record<string, string> = {
  prometheus: 'apt-get update && apt-get install -y prometheus',
  promtool: 'apt-get update && apt-get install -y prometheus',
  chromium: 'apt-get update && apt-get install -y chromium',
  tmux: 'apt-get update && apt-get install -y tmux',
};

/** The words before the install command in a skip reason, which the reporter looks for. */
export const INSTALL_PREFIX = 'install it with: ';

/** Absolute path of `name` on PATH, or undefined. */
export function which(name: string): string | undefined {
  try {
    const out = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    return out === '' ? undefined : out;
  } catch {
    return undefined;
  }
}

/**
 * Looks a server binary up. Returns its path, or a skip reason (with the install command) when it is
 * missing; throws when it is missing and REQUIRE_SERVERS=1.
 */
export function findServer(name: 'prometheus' | 'promtool' | 'chromium' | 'tmux'): { path?: string; skip?: string } {
  const path = which(name);
  if (path !== undefined) return { path };
  const reason = `${name} not found on PATH; ${INSTALL_PREFIX}${INSTALL[name]}`;
  if (process.env.REQUIRE_SERVERS === '1') throw new Error(`REQUIRE_SERVERS=1 but ${reason}`);
  return { skip: reason };
}
