/** Shared builders for the aggregate tests. */
import { createAggregator } from '../../src/aggregate/index.js';
import type { AggregatorState } from '../../src/aggregate/index.js';
import type { InvocationMetric } from '../../src/record.js';

/** A valid record with neutral defaults; `overrides` win. */
export function metric(overrides: Partial<InvocationMetric> = {}): InvocationMetric {
  return {
    invocationId: 'id',
    agent: 'coder',
    phase: 1,
    durationMs: 1000,
    tokens: 100,
    cost: 0.01,
    exitCode: 0,
    success: true,
    attempt: 1,
    outputParsed: true,
    timestamp: '2026-11-20T09:00:00.000Z',
    ...overrides,
  };
}

/** The serialized state of an aggregator fed `records`: columns to test the internal modules on. */
export function stateOf(records: InvocationMetric[]): AggregatorState {
  const aggregator = createAggregator();
  for (const record of records) aggregator.add(record);
  return aggregator.serialize();
}

/** Epoch ms of an ISO time, for readable expectations. */
export const ms = (iso: string): number => Date.parse(iso);
