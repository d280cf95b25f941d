import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/cli/exit-code.js';
import { describeOutcome, type CliOutcome } from '../../src/cli/outcome.js';

describe('exitCodeFor', () => {
  it.each<[CliOutcome, number]>([
    [{ kind: 'ok' }, 0],
    [{ kind: 'missing-input', path: 'a.jsonl' }, 1],
    [{ kind: 'unreadable-input', path: 'a.jsonl', reason: 'permission denied' }, 1],
    [{ kind: 'malformed-line', file: 'a.jsonl', line: 3, reason: 'malformed JSON' }, 1],
    [{ kind: 'output-failed', path: 'r.html', reason: 'ENOSPC' }, 1],
    [{ kind: 'usage', message: 'Unknown option' }, 2],
    [{ kind: 'no-records', files: 1, valid: 0, skipped: 0, filters: [] }, 3],
    [{ kind: 'gate-tripped', gates: ['cost+10%'] }, 4],
  ])('%j -> %i', (outcome, code) => {
    expect(exitCodeFor(outcome)).toBe(code);
  });
});

describe('describeOutcome', () => {
  it('names the file, and the line for a --strict violation', () => {
    expect(describeOutcome({ kind: 'missing-input', path: 'logs/a.jsonl' })).toBe('logs/a.jsonl: no such file or directory');
    expect(describeOutcome({ kind: 'malformed-line', file: 'a.jsonl', line: 3, reason: 'malformed JSON' })).toBe('a.jsonl:3: malformed JSON (--strict)');
    expect(describeOutcome({ kind: 'output-failed', path: 'r.md', reason: 'EACCES' })).toBe('cannot write r.md: EACCES');
  });

  it('names each tripped --fail-on gate, control characters of agent names escaped', () => {
    expect(describeOutcome({ kind: 'gate-tripped', gates: ['cost+10% (cost +$1.0000 (+20.0%): $5.0000 to $6.0000)', 'p95@\x1b[2J+5%'] })).toBe(
      '--fail-on tripped: cost+10% (cost +$1.0000 (+20.0%): $5.0000 to $6.0000); p95@\\u{1b}[2J+5%',
    );
  });

  it('says why no records matched: empty or malformed inputs, or filters that kept none', () => {
    expect(describeOutcome({ kind: 'no-records', files: 1, valid: 0, skipped: 0, filters: [] })).toBe('no records matched: the input holds no valid record');
    expect(describeOutcome({ kind: 'no-records', files: 2, valid: 0, skipped: 1, filters: ['--agent x'] })).toBe(
      'no records matched: the 2 inputs hold no valid record (1 malformed line skipped)',
    );
    expect(describeOutcome({ kind: 'no-records', files: 1, valid: 12, skipped: 0, filters: ['--agent nobody', '--agent \x1b[31m'] })).toBe(
      'no records matched: 12 valid records in 1 file, none kept by --agent nobody, --agent \\u{1b}[31m',
    );
  });
});
