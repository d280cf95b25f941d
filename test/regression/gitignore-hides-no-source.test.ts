/**
 * `.gitignore` ignores generated output only, never a tracked file or a source path (issue 20, item 12:
 * it was reported to list `examples/basic.ts` and `examples/resume.ts`). Its directory patterns are
 * anchored at the top level, so `metrics/` no longer hides `src/metrics/` or a fixture directory.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/helpers/built-cli.js';

const git = (...args: string[]): string => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' });
let checkout = true;
try {
  git('rev-parse', '--is-inside-work-tree');
} catch {
  checkout = false; // a copy without .git (a tarball): nothing to check
}

/** Whether `.gitignore` ignores a path, tracked or not, existing or not. */
const ignored = (p: string): boolean => {
  try {
    git('check-ignore', '-q', '--no-index', p);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!checkout)('.gitignore', () => {
  it('ignores no tracked file', () => {
    expect(git('ls-files', '-ci', '--exclude-standard')).toBe('');
    for (const p of ['examples/basic.ts', 'examples/resume.ts', 'src/index.ts']) expect(ignored(p), p).toBe(false);
  });

  it('ignores the generated output at the top level, and the same names deeper in the tree only where meant', () => {
    for (const p of ['dist/index.js', 'metrics/invocations.jsonl', 'demo-output/2026-12-07T14-00-00/invocations.jsonl', 'node_modules/x/index.js', 'bench/node_modules/x/y.js', 'npm-debug.log'])
      expect(ignored(p), p).toBe(true);
    for (const p of ['src/metrics/names.ts', 'test/fixtures/metrics/a.jsonl', 'docs/demo-output/example.md', 'src/dist/x.ts'])
      expect(ignored(p), p).toBe(false);
  });
});
