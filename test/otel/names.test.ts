import { describe, expect, it } from 'vitest';
import * as names from '../../src/otel/names.js';
import { DURATION_BOUNDS, SPEC, TOKEN_BOUNDS, prometheusName, type MetricName } from '../helpers/otel-expected.js';

const { INSTRUMENTS, TOKEN_BUCKETS, DURATION_BUCKETS, OTHER } = names;

describe('names', () => {
  it('defines exactly the instruments of the spec, with their kinds and units', () => {
    const defined = Object.fromEntries(Object.values(INSTRUMENTS).map((s) => [s.name, { kind: s.kind, unit: s.unit }]));
    expect(defined).toEqual(SPEC);
  });

  it('uses the GenAI semantic-convention names where one exists and one invocation_metrics.* namespace for the rest', () => {
    expect(INSTRUMENTS.tokenUsage.name).toBe('gen_ai.client.token.usage');
    expect(INSTRUMENTS.duration.name).toBe('gen_ai.invoke_agent.duration');
    const own = Object.values(INSTRUMENTS).filter((s) => !s.name.startsWith('gen_ai.'));
    expect(own.length).toBe(8);
    for (const s of own) expect(s.name).toMatch(/^agent\.invocation\.[a-z_]+$/);
  });

  it('declares integer values for counts and tokens, doubles for cost and seconds', () => {
    const doubles = Object.values(INSTRUMENTS).filter((s) => !s.integer).map((s) => s.name).sort();
    expect(doubles).toEqual(['invocation_metrics.cost', 'gen_ai.invoke_agent.duration']);
  });

  it('has a description for every instrument (the Prometheus HELP)', () => {
    for (const s of Object.values(INSTRUMENTS)) expect(s.description.length).toBeGreaterThan(10);
  });

  it('uses the token buckets of the GenAI conventions: 4^0 .. 4^13', () => {
    expect([...TOKEN_BUCKETS]).toEqual(TOKEN_BOUNDS);
    expect([...TOKEN_BUCKETS]).toEqual(Array.from({ length: 14 }, (_, i) => 4 ** i));
  });

  it('uses the duration buckets of the design, in seconds: 0.1 .. 409.6, doubling', () => {
    expect([...DURATION_BUCKETS]).toEqual(DURATION_BOUNDS);
    for (let i = 1; i < DURATION_BUCKETS.length; i++) expect(DURATION_BUCKETS[i]! / DURATION_BUCKETS[i - 1]!).toBeCloseTo(2, 12);
  });

  it('freezes what it exports', () => {
    expect(Object.isFrozen(TOKEN_BUCKETS)).toBe(true);
    expect(Object.isFrozen(DURATION_BUCKETS)).toBe(true);
    expect(Object.isFrozen(INSTRUMENTS)).toBe(true);
    for (const s of Object.values(INSTRUMENTS)) expect(Object.isFrozen(s)).toBe(true);
  });

  it('names bounded attributes only: never an invocation id or a task id', () => {
    const keys = Object.entries(names)
      .filter(([k]) => k.startsWith('ATTR_'))
      .map(([, v]) => v as string)
      .sort();
    expect(keys).toEqual(['invocation_metrics.outcome', 'invocation_metrics.phase', 'invocation_metrics.tier', 'error.type', 'gen_ai.agent.name', 'gen_ai.operation.name', 'gen_ai.request.model', 'gen_ai.token.type', 'invocation_metrics.retry.kind']);
    expect(OTHER).toBe('_OTHER');
  });

  it('gives Prometheus names that are valid, distinct and carry no unit suffix', () => {
    const prom = Object.values(INSTRUMENTS).map((s) => prometheusName(s.name as MetricName));
    expect(new Set(prom).size).toBe(prom.length);
    for (const n of prom) {
      // https://prometheus.io/docs/concepts/data_model/#metric-names-and-labels
      expect(n).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      // No unit suffix: `s` does not become `_seconds`, `{USD}` no `_USD` (curly-brace units are annotations).
      expect(n).not.toMatch(/_(seconds|USD|usd)(_total)?$/);
    }
    expect(prom.sort()).toEqual([
      'invocation_metrics_active',
      'invocation_metrics_cached_tokens_total',
      'invocation_metrics_cost_total',
      'invocation_metrics_invocations_total',
      'invocation_metrics_escalations_total',
      'invocation_metrics_output_parse_failures_total',
      'invocation_metrics_retries_total',
      'invocation_metrics_tokens_total',
      'gen_ai_client_token_usage',
      'gen_ai_invoke_agent_duration_seconds',
    ]);
  });
});
