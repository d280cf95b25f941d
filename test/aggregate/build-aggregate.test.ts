import { describe, expect, it } from 'vitest';
import { buildAggregate, NONE_KEY } from '../../src/aggregate/build-aggregate.js';
import { metric, stateOf } from './helpers.js';

describe('buildAggregate', () => {
  it('leaves out table entries that no record uses', () => {
    const state = stateOf([metric({ agent: 'a', phase: 2, model: 'm' })]);
    state.agents.push('ghost');
    state.models.push('ghost-model');
    state.phases = Float64Array.of(...state.phases, 9);
    state.tokens.byAgent = Float64Array.of(...state.tokens.byAgent, 0);
    state.tokens.byPhase = Float64Array.of(...state.tokens.byPhase, 0);
    state.tokens.byModel = Float64Array.of(...state.tokens.byModel, 0);
    const result = buildAggregate(state, 1000);
    expect(Object.keys(result.invocationsByAgent)).toEqual(['a']);
    expect(Object.keys(result.durationByAgent)).toEqual(['a']);
    expect(Object.keys(result.invocationsByPhase)).toEqual(['2']);
    expect(Object.keys(result.tokensByModel)).toEqual(['m']);
  });

  it('adds a model literally named "(none)" to the records without a model', () => {
    const result = buildAggregate(stateOf([metric({ model: NONE_KEY, cost: 1 }), metric({ cost: 2 }), metric({ model: '', cost: 4 })]), 1000);
    expect(result.invocationsByModel).toEqual(Object.assign(Object.create(null), { '': 1, [NONE_KEY]: 2 }));
    expect(result.costByModel[NONE_KEY]).toBe(3);
  });

  it('does not change the state it reads', () => {
    const state = stateOf([metric({ durationMs: 5 }), metric({ durationMs: 1, attempt: 2 })]);
    const before = structuredClone(state);
    buildAggregate(state, 1000);
    expect(state).toEqual(before);
  });
});
