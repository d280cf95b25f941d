import { describe, expect, it } from 'vitest';
import * as names from '../../src/otel/names.js';
import { DURATION_BOUNDS, MODES, SPEC, TOKEN_BOUNDS, prometheusName, specOf, type MetricName } from '../helpers/otel-expected.js';

const { INSTRUMENTS, TOKEN_BUCKETS, DURATION_BUCKETS, OTHER, instrumentsOf, namingModeFromEnv } = names;

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
    // The application prefix: not the registry's top-level `agent.*` nor `gen_ai.*`.
    for (const s of own) expect(s.name).toMatch(/^invocation_metrics\.[a-z_]+$/);
    // Counters carry no `.count` suffix (OTel naming guidance).
    for (const s of Object.values(INSTRUMENTS)) expect(s.name).not.toMatch(/\.count$/);
  });

  it('exports each naming mode exactly its instruments: default the first names, latest the inference usage metrics, both all', () => {
    for (const mode of MODES) expect(instrumentsOf(mode).map((s) => s.name).sort(), mode).toEqual(specOf(mode).sort());
    expect(instrumentsOf('default').map((s) => s.name)).toContain('gen_ai.client.token.usage');
    expect(instrumentsOf('latest').map((s) => s.name)).not.toContain('gen_ai.client.token.usage');
    for (const mode of MODES) expect(instrumentsOf(mode).map((s) => s.name), mode).toContain('gen_ai.invoke_agent.duration');
  });

  it('reads the mode from OTEL_SEMCONV_STABILITY_OPT_IN as the conventions\' transition rule says', () => {
    expect(namingModeFromEnv(undefined)).toBe('default');
    expect(namingModeFromEnv('gen_ai_latest_experimental')).toBe('latest');
    expect(namingModeFromEnv('database,gen_ai_latest_experimental/dup')).toBe('both');
    expect(namingModeFromEnv('gen_ai_latest')).toBe('default');
  });

  it('declares integer values for counts and tokens, doubles for cost and seconds', () => {
    const doubles = Object.values(INSTRUMENTS).filter((s) => !s.integer).map((s) => s.name).sort();
    expect(doubles).toEqual(['gen_ai.invoke_agent.duration', 'invocation_metrics.cost']);
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
    expect(keys).toEqual(
      [
        'error.type',
        'gen_ai.agent.name',
        'gen_ai.operation.name',
        'gen_ai.provider.name',
        'gen_ai.request.model',
        'gen_ai.token.modality',
        'gen_ai.token.type',
        'invocation_metrics.outcome',
        'invocation_metrics.phase',
        'invocation_metrics.retry.kind',
        'invocation_metrics.tier',
      ].sort(),
    );
    expect(OTHER).toBe('_OTHER');
  });

  it('gives Prometheus names that are valid and distinct, with the unit suffix only on the duration', () => {
    const prom = Object.values(INSTRUMENTS).map((s) => prometheusName(s.name as MetricName));
    expect(new Set(prom).size).toBe(prom.length);
    for (const n of prom) {
      // https://prometheus.io/docs/concepts/data_model/#metric-names-and-labels
      expect(n).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      // `{USD}`, `{token}`...: curly-brace units are annotations, no suffix.
      expect(n).not.toMatch(/_(USD|usd|token|invocation)(_total)?$/);
    }
    expect(prom.sort()).toEqual([
      'gen_ai_client_inference_usage_detailed_cache_read_input_tokens_total',
      'gen_ai_client_inference_usage_detailed_input_tokens_total',
      'gen_ai_client_inference_usage_detailed_output_tokens_total',
      'gen_ai_client_inference_usage_input_tokens',
      'gen_ai_client_inference_usage_output_tokens',
      'gen_ai_client_token_usage',
      'gen_ai_invoke_agent_duration_seconds',
      'invocation_metrics_active',
      'invocation_metrics_cached_tokens_total',
      'invocation_metrics_cost_total',
      'invocation_metrics_escalations_total',
      'invocation_metrics_invocations_total',
      'invocation_metrics_output_parse_failures_total',
      'invocation_metrics_retries_total',
      'invocation_metrics_tokens_total',
    ]);
  });
});
