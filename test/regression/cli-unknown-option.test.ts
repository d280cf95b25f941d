/**
 * Regression (issue 20, item 7): an unknown flag printed Node's `parseArgs` text verbatim ("Unknown option
 * '--jsn'. To specify a positional argument ... as in '-- "--jsn"", an unbalanced quote, no suggestion).
 * The built CLI now says `unknown option --jsn (did you mean --json?)` and exits 2.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runBuiltCli } from '../cli/helpers/built-cli.js';

const RUN = 'test/fixtures/cli/shards/a.jsonl';

beforeAll(async () => {
  await ensureBuilt();
});

describe('an unknown option', () => {
  it.each([
    [['summarize', RUN, '--jsn'], 'unknown option --jsn (did you mean --json?)', 'summarize'],
    [['summarize', '--bucket=30s', '--agnet', 'coder', RUN], 'unknown option --agnet (did you mean --agent?)', 'summarize'],
    [['report', RUN, '--out', 'r.md', '--titel=x'], 'unknown option --titel (did you mean --title?)', 'report'],
    [['summarize', RUN, '--frobnicate'], 'unknown option --frobnicate', 'summarize'],
    [['summarize', RUN, '-x'], 'unknown option -x', 'summarize'],
  ])('%j: says which, with the closest flag, exit 2', async (args, message, command) => {
    const r = await runBuiltCli(args);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `invocation-metrics: ${message}\nRun 'invocation-metrics ${command} --help' for usage.\n`,
    });
  });

  it('a flag after -- is a positional argument, not an unknown option', async () => {
    const r = await runBuiltCli(['summarize', RUN, '--', '--jsn']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--jsn: no such file or directory');
  });
});
