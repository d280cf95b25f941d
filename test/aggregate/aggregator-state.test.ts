import { describe, expect, it } from 'vitest';
import { checkState, STATE_FORMAT, stateTransferList } from '../../src/aggregate/aggregator-state.js';
import { createAggregator } from '../../src/aggregate/index.js';
import type { AggregatorState } from '../../src/aggregate/index.js';
import { InvalidOptionError } from '../../src/errors.js';
import { metric, stateOf } from './helpers.js';

const sample = (): AggregatorState =>
  stateOf([
    metric({ agent: 'a', taskId: 't', model: 'm', tier: 'x', errorClass: 'timeout', success: false }),
    metric({ agent: 'b', attempt: 2, taskId: 't' }),
  ]);

function fieldOf(f: () => void): string | undefined {
  try {
    f();
  } catch (error) {
    if (error instanceof InvalidOptionError) return error.option;
    throw error;
  }
  return undefined;
}

describe('checkState', () => {
  it('accepts a serialized state, also after structuredClone', () => {
    expect(() => checkState(sample())).not.toThrow();
    expect(() => checkState(structuredClone(sample()))).not.toThrow();
    expect(sample().format).toBe(STATE_FORMAT);
  });

  it('rejects a non-object and a wrong format', () => {
    expect(fieldOf(() => checkState(null as never))).toBe('state');
    expect(fieldOf(() => checkState({ ...sample(), format: 'other' } as never))).toBe('state.format');
  });

  it('names the bad part', () => {
    const cases: [string, (s: AggregatorState) => void][] = [
      ['state.count', (s) => (s.count = -1)],
      ['state.agents table', (s) => ((s as { agents: unknown }).agents = [1])],
      ['state.phases', (s) => (s.phases = Float64Array.of(1.5))],
      ['state.columns.start', (s) => (s.columns.start = new Float64Array(1))],
      ['state.columns.start[1]', (s) => (s.columns.start[1] = Number.NaN)],
      ['state.columns.durationMs[0]', (s) => (s.columns.durationMs[0] = -1)],
      ['state.columns.attempt[0]', (s) => (s.columns.attempt[0] = 0)],
      ['state.columns.flags', (s) => ((s.columns as { flags: unknown }).flags = [0, 0])],
      ['state.columns.agent[1]', (s) => (s.columns.agent[1] = 2)],
      ['state.columns.agent[0]', (s) => (s.columns.agent[0] = -1)],
      ['state.columns.model[0]', (s) => (s.columns.model[0] = 5)],
      ['state.tokens.total', (s) => (s.tokens.total = Number.NaN)],
      ['state.tokens.byModel', (s) => (s.tokens.byModel = new Float64Array(0))],
    ];
    for (const [field, corrupt] of cases) {
      const state = sample();
      corrupt(state);
      expect(fieldOf(() => checkState(state)), field).toBe(field);
    }
  });

  it('allows -1 (absent) in optional id columns', () => {
    const state = sample();
    expect(state.columns.taskId[0]).toBe(0);
    expect(state.columns.model[1]).toBe(-1);
    expect(() => checkState(state)).not.toThrow();
  });
});

describe('stateTransferList', () => {
  it('lists every buffer once, and transferring moves them', () => {
    const state = createAggregator().serialize();
    const list = stateTransferList(state);
    expect(list.length).toBe(Object.keys(state.columns).length + 4);
    expect(new Set(list).size).toBe(list.length);
    const moved = structuredClone(state, { transfer: list });
    expect(state.columns.start.byteLength).toBe(0);
    expect(() => checkState(moved)).not.toThrow();
  });
});
