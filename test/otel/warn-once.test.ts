import { describe, expect, it } from 'vitest';
import { warnOnce } from '../../src/otel/warn-once.js';
import { memoryLogger } from '../helpers/records.js';

describe('warnOnce', () => {
  it('forwards each kind of problem to the logger the first time only', () => {
    const logger = memoryLogger();
    const warn = warnOnce(logger);
    warn('a', 'first a');
    warn('a', 'second a');
    warn('b', 'first b');
    warn('a', 'third a');
    expect(logger.lines).toEqual(['first a', 'first b']);
  });

  it('keeps separate memories for separate loggers', () => {
    const l1 = memoryLogger();
    const l2 = memoryLogger();
    warnOnce(l1)('a', 'x');
    warnOnce(l2)('a', 'y');
    expect([l1.lines, l2.lines]).toEqual([['x'], ['y']]);
  });

  it('never throws, even when the logger does', () => {
    const warn = warnOnce({
      warn() {
        throw new Error('broken logger');
      },
    });
    expect(() => warn('a', 'message')).not.toThrow();
  });
});
