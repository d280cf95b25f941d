/**
 * The naming modes of the GenAI metric names (default, latest, both), chosen by the mirror's `naming`
 * option or `OTEL_SEMCONV_STABILITY_OPT_IN`, on both paths, against the hand-computed reference; and
 * `gen_ai.provider.name` from the record's `provider`, `_OTHER` without one.
 */
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import { createMirror } from '../../src/otel/mirror.js';
import type { InvocationMetric } from '../../src/record.js';
import { createTelemetry, type Telemetry } from '../../src/telemetry/telemetry.js';
import { coverageRecords, fleetRecords } from '../fixtures/otel/records.js';
import { MODES, expectedTable, prometheusName, prometheusSamples, specOf, type Mode } from '../helpers/otel-expected.js';
import { TestReader, parseExposition, plain, plainSamples, tableFromResourceMetrics } from '../helpers/otel-read.js';
import { memoryLogger } from '../helpers/records.js';

const bundles: Telemetry[] = [];
const providers: MeterProvider[] = [];
afterEach(async () => {
  for (const t of bundles.splice(0)) await t.shutdown();
  for (const p of providers.splice(0)) await p.shutdown();
});

/** Records with a `provider` on two thirds of them (two providers), none on the rest. */
function withProviders(records: InvocationMetric[]): InvocationMetric[] {
  return records.map((r, i) => (i % 3 === 2 ? r : ({ ...r, provider: i % 3 === 0 ? 'anthropic' : 'openai' } as InvocationMetric)));
}
const RECORDS = withProviders([...coverageRecords(), ...fleetRecords(600, 3)]);

describe.each(MODES)('naming mode %s', (mode: Mode) => {
  it('telemetry path: the scrape holds exactly the hand-computed samples of the mode', async () => {
    const t = await createTelemetry({ prometheus: { port: 0 } });
    bundles.push(t);
    const m = createMirror({ telemetry: t, logger: memoryLogger(), naming: mode });
    expect(m.naming).toBe(mode);
    for (const r of RECORDS) m.record(r);
    const parsed = parseExposition(await (await fetch(t.prometheusUrl!)).text());
    expect(plainSamples(parsed.samples)).toEqual(plainSamples(prometheusSamples(expectedTable(RECORDS, [], { mode }))));
    expect([...parsed.families.keys()].filter((f) => f !== 'target_info').sort()).toEqual(specOf(mode).map(prometheusName).sort());
  });

  it("bare meter path: the user's reader holds exactly the hand-computed points of the mode", async () => {
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    providers.push(provider);
    const m = createMirror({ meter: provider.getMeter('my-app'), logger: memoryLogger(), naming: mode });
    for (const r of RECORDS) m.record(r);
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    expect(plain(tableFromResourceMetrics(resourceMetrics, 'my-app').table)).toEqual(plain(expectedTable(RECORDS, [], { mode })));
  });
});

describe('the naming mode', () => {
  const ENV = 'OTEL_SEMCONV_STABILITY_OPT_IN';
  const saved = process.env[ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[ENV];
    else process.env[ENV] = saved;
  });

  it.each([
    [undefined, 'default'],
    ['', 'default'],
    ['http', 'default'],
    ['gen_ai_latest_experimental', 'latest'],
    ['http, gen_ai_latest_experimental ', 'latest'],
    ['gen_ai_latest_experimental/dup', 'both'],
    ['gen_ai_latest_experimental,gen_ai_latest_experimental/dup', 'both'],
  ] as const)('follows OTEL_SEMCONV_STABILITY_OPT_IN=%j: %s', (value, mode) => {
    if (value === undefined) delete process.env[ENV];
    else process.env[ENV] = value;
    expect(createMirror({ logger: memoryLogger() }).naming).toBe(mode);
  });

  it('takes the naming option over the environment', () => {
    process.env[ENV] = 'gen_ai_latest_experimental';
    expect(createMirror({ logger: memoryLogger(), naming: 'default' }).naming).toBe('default');
  });

  it('rejects an unknown naming option with ERR_INVALID_OPTION, naming the value', () => {
    let err: unknown;
    try {
      createMirror({ logger: memoryLogger(), naming: 'newest' as never });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect((err as InvalidOptionError).code).toBe('ERR_INVALID_OPTION');
    expect((err as Error).message).toContain('newest');
  });

  it('sends the record provider as gen_ai.provider.name, _OTHER without one, and caps its values', async () => {
    const t = await createTelemetry({ prometheus: { port: 0 } });
    bundles.push(t);
    const logger = memoryLogger();
    const m = createMirror({ telemetry: t, logger, naming: 'both', maxAttributeValues: 2 });
    const base = coverageRecords().find((r) => r.inputTokens !== undefined)!;
    for (const provider of ['anthropic', 'openai', 'aws.bedrock', undefined, ''])
      m.record({ ...base, provider, invocationId: `p-${String(provider)}` } as InvocationMetric);
    const lines = parseExposition(await (await fetch(t.prometheusUrl!)).text()).lines;
    const providersOf = (name: string) => [...new Set(lines.filter((l) => l.name === name).map((l) => l.labels.gen_ai_provider_name))].sort();
    // The third distinct provider overflows into _OTHER, as do the records without one.
    for (const name of ['gen_ai_client_token_usage_count', 'gen_ai_client_inference_usage_input_tokens_count', 'gen_ai_client_inference_usage_detailed_input_tokens_total'])
      expect(providersOf(name), name).toEqual(['_OTHER', 'anthropic', 'openai']);
    expect(lines.filter((l) => l.name === 'gen_ai_client_inference_usage_detailed_input_tokens_total').every((l) => l.labels.gen_ai_token_modality === 'unknown')).toBe(true);
    expect(logger.lines.join('\n')).toContain('gen_ai.provider.name');
  });

  it("takes the provider option for records without their own: a name, or a function of agent and model; the record's own wins", async () => {
    const scrapeProviders = async (provider: Parameters<typeof createMirror>[0]['provider'], logger = memoryLogger()) => {
      const t = await createTelemetry({ prometheus: { port: 0 } });
      bundles.push(t);
      const m = createMirror({ telemetry: t, logger, naming: 'default', provider });
      const base = coverageRecords().find((r) => r.inputTokens !== undefined)!;
      m.record({ ...base, model: 'gpt-5', invocationId: 'a' });
      m.record({ ...base, model: 'claude-x', invocationId: 'b' });
      m.record({ ...base, model: 'claude-x', provider: 'aws.bedrock', invocationId: 'c' } as InvocationMetric);
      const lines = parseExposition(await (await fetch(t.prometheusUrl!)).text()).lines.filter((l) => l.name === 'gen_ai_client_token_usage_count' && l.labels.gen_ai_token_type === 'input');
      return Object.fromEntries(lines.map((l) => [`${l.labels.gen_ai_request_model}/${l.labels.gen_ai_provider_name}`, l.value]));
    };
    expect(await scrapeProviders('openai')).toEqual({ 'gpt-5/openai': 1, 'claude-x/openai': 1, 'claude-x/aws.bedrock': 1 });
    expect(await scrapeProviders(({ model }) => (model?.startsWith('claude') ? 'anthropic' : undefined))).toEqual({ 'gpt-5/_OTHER': 1, 'claude-x/anthropic': 1, 'claude-x/aws.bedrock': 1 });
    const logger = memoryLogger();
    const thrower = () => {
      throw new Error('lookup down');
    };
    expect(await scrapeProviders(thrower, logger)).toEqual({ 'gpt-5/_OTHER': 1, 'claude-x/_OTHER': 1, 'claude-x/aws.bedrock': 1 });
    expect(logger.lines.filter((l) => l.includes('lookup down'))).toHaveLength(1);
    expect(() => createMirror({ logger: memoryLogger(), provider: 42 as never })).toThrow(InvalidOptionError);
  });
});
