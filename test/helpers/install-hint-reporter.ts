/**
 * A vitest reporter that ends the run with the command that installs the servers some tests skipped for
 * (Prometheus, promtool, Chromium: see `servers.ts`). The default reporter shows skipped tests as a count
 * per file, not their names, so the install command in those names was never seen. Configured beside
 * the default reporter in `vitest.config.ts`; prints nothing when no test skipped for a server.
 */
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import { INSTALL_PREFIX } from './servers.js';

const APT = 'apt-get update && apt-get install -y ';

/**
 * The install commands named by skip reasons, `apt-get install` lines merged into one.
 *
 * @param reasons - Skipped tests' full names and skip notes.
 * @returns The distinct commands, in first-seen order (the merged apt-get line first).
 */
export function installCommands(reasons: Iterable<string>): string[] {
  const packages = new Set<string>();
  const others = new Set<string>();
  for (const reason of reasons) {
    const at = reason.indexOf(INSTALL_PREFIX);
    if (at === -1) continue;
    // The command ends where the reason does, or where vitest's full name goes on to a child (` > `).
    const command = reason.slice(at + INSTALL_PREFIX.length).split(' > ')[0]!.trim();
    if (command.startsWith(APT)) for (const p of command.slice(APT.length).split(/\s+/)) packages.add(p);
    else others.add(command);
  }
  return [...(packages.size > 0 ? [APT + [...packages].join(' ')] : []), ...others];
}

/** The reporter: collects the skipped tests' reasons and prints the install commands after the summary. */
export default class InstallHintReporter implements Reporter {
  #vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.#vitest = vitest;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const reasons: string[] = [];
    let skipped = 0;
    for (const module of testModules)
      for (const test of module.children.allTests('skipped')) {
        const result = test.result();
        const note = result.state === 'skipped' ? (result.note ?? '') : '';
        const found = [test.fullName, note].filter((r) => r.includes(INSTALL_PREFIX));
        if (found.length > 0) skipped++;
        reasons.push(...found);
      }
    const commands = installCommands(reasons);
    if (commands.length === 0) return;
    const log = (line: string): void => (this.#vitest ? this.#vitest.logger.log(line) : void process.stdout.write(`${line}\n`));
    log(`\n${skipped} test${skipped === 1 ? '' : 's'} skipped because a server they need is not installed. Install with:`);
    for (const command of commands) log(`  ${command}`);
    log('(REQUIRE_SERVERS=1 makes a missing server fail the run instead, as in CI.)\n');
  }
}
