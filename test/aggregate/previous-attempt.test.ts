import { describe, expect, it } from 'vitest';
import { findPreviousAttempts } from '../../src/aggregate/previous-attempt.js';
import type { InvocationMetric } from '../../src/record.js';
import { metric, stateOf } from './helpers.js';

/** Previous attempt of each record, as an input index or -1. */
function previousOf(records: InvocationMetric[]): number[] {
  const s = stateOf(records);
  return [...findPreviousAttempts(s.columns, s.count, { agents: s.agents.length, phases: s.phases.length, taskIds: s.taskIds.length })];
}

const at = (seconds: number): string => new Date(Date.UTC(2026, 10, 20, 9, 0, seconds)).toISOString();

describe('findPreviousAttempts', () => {
  it('finds nothing without retries', () => {
    expect(previousOf([])).toEqual([]);
    expect(previousOf([metric(), metric()])).toEqual([-1, -1]);
  });

  it('links a retry to attempt - 1 of the same agent, phase and taskId', () => {
    expect(
      previousOf([
        metric({ taskId: 't', timestamp: at(0) }),
        metric({ taskId: 't', attempt: 2, timestamp: at(10) }),
        metric({ taskId: 't', attempt: 3, timestamp: at(20) }),
      ]),
    ).toEqual([-1, 0, 1]);
  });

  it('does not link across agents, phases, taskIds or non-adjacent attempts', () => {
    expect(
      previousOf([
        metric({ agent: 'a', taskId: 't', timestamp: at(0) }),
        metric({ agent: 'b', taskId: 't', attempt: 2, timestamp: at(10) }),
        metric({ agent: 'a', phase: 2, taskId: 't', attempt: 2, timestamp: at(10) }),
        metric({ agent: 'a', taskId: 'u', attempt: 2, timestamp: at(10) }),
        metric({ agent: 'a', taskId: 't', attempt: 3, timestamp: at(10) }),
      ]),
    ).toEqual([-1, -1, -1, -1, -1]);
  });

  it('keeps a missing taskId apart from every string, including ""', () => {
    expect(
      previousOf([
        metric({ taskId: '', timestamp: at(0) }),
        metric({ attempt: 2, timestamp: at(10) }),
        metric({ timestamp: at(1) }),
        metric({ taskId: '', attempt: 2, timestamp: at(10) }),
      ]),
    ).toEqual([-1, 2, -1, 0]);
  });

  it('finds a previous attempt that comes later in the input', () => {
    expect(previousOf([metric({ taskId: 't', attempt: 2, timestamp: at(10) }), metric({ taskId: 't', timestamp: at(0) })])).toEqual([1, -1]);
  });

  it('takes the candidate that started latest at or before the retry (an equal start counts)', () => {
    expect(
      previousOf([
        metric({ taskId: 't', timestamp: at(0) }),
        metric({ taskId: 't', timestamp: at(10) }),
        metric({ taskId: 't', timestamp: at(20) }), // after the retry: not a candidate
        metric({ taskId: 't', attempt: 2, timestamp: at(10) }),
        metric({ taskId: 't', timestamp: at(5) }),
      ]),
    ).toEqual([-1, -1, -1, 1, -1]);
  });

  it('breaks a tie in start by input order: the later record wins', () => {
    expect(
      previousOf([
        metric({ taskId: 't', timestamp: at(0), invocationId: 'first' }),
        metric({ taskId: 't', attempt: 2, timestamp: at(10) }),
        metric({ taskId: 't', timestamp: '2026-11-20T11:00:00+02:00', invocationId: 'second' }), // same instant as at(0)
      ]),
    ).toEqual([-1, 2, -1]);
  });

  it('compares starts as instants across zones', () => {
    // 09:00:05Z is 14:30:05+05:30 and 03:30:05-05:30: the +05:30 candidate starts after the retry.
    expect(
      previousOf([
        metric({ taskId: 't', timestamp: '2026-11-20T03:30:04-05:30' }),
        metric({ taskId: 't', timestamp: '2026-11-20T14:30:06+05:30' }),
        metric({ taskId: 't', attempt: 2, timestamp: '2026-11-20T09:00:05Z' }),
      ]),
    ).toEqual([-1, -1, 0]);
  });

  it('leaves a retry without candidates unlinked (none started at or before it)', () => {
    expect(previousOf([metric({ taskId: 't', timestamp: at(30) }), metric({ taskId: 't', attempt: 2, timestamp: at(10) })])).toEqual([-1, -1]);
    expect(previousOf([metric({ attempt: 5 })])).toEqual([-1]);
  });

  it('resolves several retries of one run against one previous run', () => {
    expect(
      previousOf([
        metric({ taskId: 't', attempt: 2, timestamp: at(25) }),
        metric({ taskId: 't', timestamp: at(20) }),
        metric({ taskId: 't', attempt: 2, timestamp: at(5) }),
        metric({ taskId: 't', timestamp: at(0) }),
        metric({ taskId: 't', attempt: 2, timestamp: at(20) }),
        metric({ taskId: 't', attempt: 2, timestamp: at(1) }),
      ]),
    ).toEqual([1, -1, 3, -1, 1, 3]);
  });
});
