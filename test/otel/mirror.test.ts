import type { Meter } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { InvalidOptionError } from '../../src/errors.js';
import { createMirror } from '../../src/otel/mirror.js';
import type { SnapshotSink, SnapshotSource } from '../../src/otel/snapshot.js';
import { createTelemetry, type Telemetry } from '../../src/telemetry/telemetry.js';
import type { InvocationMetric } from '../../src/record.js';
import { COVERAGE_FACTS, coverageRecords, fleetRecords } from '../fixtures/otel/records.js';
import { expectedTable, prometheusSamples, total } from '../helpers/otel-expected.js';
import { TestReader, parseExposition, plain, plainSamples, tableFromResourceMetrics } from '../helpers/otel-read.js';
import { memoryLogger, metric, tempDir } from '../helpers/records.js';

let dir: string;
let cleanup: () => void;
const collectors: InvocationMetricsCollector[] = [];
const providers: MeterProvider[] = [];
const bundles: Telemetry[] = [];

beforeEach(() => {
  ({ dir, cleanup } = tempDir('im-mirror-'));
});
afterEach(async () => {
  for (const c of collectors.splice(0)) await c.close().catch(() => undefined);
  for (const p of providers.splice(0)) await p.shutdown();
  for (const t of bundles.splice(0)) await t.shutdown();
  cleanup();
});

async function telemetry(): Promise<Telemetry> {
  const t = await createTelemetry({ prometheus: { port: 0 } });
  bundles.push(t);
  return t;
}

function userMeter(): { meter: Meter; reader: TestReader } {
  const reader = new TestReader();
  const provider = new MeterProvider({ readers: [reader] });
  providers.push(provider);
  return { meter: provider.getMeter('my-app'), reader };
}

function collector(options: ConstructorParameters<typeof InvocationMetricsCollector>[2], logger = memoryLogger()) {
  const c = new InvocationMetricsCollector(dir, logger, options);
  collectors.push(c);
  return c;
}

const scrape = async (t: Telemetry) => (await fetch(t.prometheusUrl!)).text();

const SETS: [string, () => InvocationMetric[]][] = [
  ['the hand-made set', coverageRecords],
  ['a realistic fleet of 1500 records', () => fleetRecords(1500, 2)],
];

describe.each(SETS)('the mirror of %s', (_, records) => {
  it('telemetry path: a real Prometheus scrape holds exactly the hand-computed samples', async () => {
    const t = await telemetry();
    const c = collector({ telemetry: t });
    await Promise.all(records().map((r) => c.record(r)));
    const served = parseExposition(await scrape(t)).samples;
    expect(plainSamples(served)).toEqual(plainSamples(prometheusSamples(expectedTable(records()))));
  });

  it("bare meter path: the user's MeterProvider reader holds exactly the hand-computed points", async () => {
    const { meter, reader } = userMeter();
    const c = collector({ meter });
    await Promise.all(records().map((r) => c.record(r)));
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    expect(plain(tableFromResourceMetrics(resourceMetrics, 'my-app').table)).toEqual(plain(expectedTable(records())));
  });
});

describe('the mirror', () => {
  it('exports the figures worked out by hand, on both paths', async () => {
    const t = await telemetry();
    const { meter, reader } = userMeter();
    const c1 = collector({ telemetry: t });
    const d2 = tempDir('im-mirror-2-');
    const c2 = new InvocationMetricsCollector(d2.dir, memoryLogger(), { meter });
    for (const r of coverageRecords()) {
      await c1.record(r);
      await c2.record(r);
    }
    await c2.close();
    d2.cleanup();
    const samples = parseExposition(await scrape(t)).samples;
    const sum = (prefix: string) => [...samples].filter(([k]) => k.startsWith(prefix)).reduce((a, [, v]) => a + v, 0);
    const fromMeter = tableFromResourceMetrics((await reader.collect()).resourceMetrics).table;
    const F = COVERAGE_FACTS;
    expect(sum('invocation_metrics_invocations_total{')).toBe(F.invocations);
    expect(sum('invocation_metrics_retries_total{')).toBe(F.retries);
    expect([...samples].filter(([k]) => k.startsWith('invocation_metrics_retries_total{') && k.includes('invocation_metrics_retry_kind="infra"')).reduce((a, [, v]) => a + v, 0)).toBe(F.infraRetries);
    expect(sum('invocation_metrics_escalations_total{')).toBe(F.escalations);
    expect(sum('invocation_metrics_output_parse_failures_total{')).toBe(F.parseFailures);
    expect(sum('invocation_metrics_cost_total{')).toBe(F.cost);
    expect(sum('invocation_metrics_cached_tokens_total{')).toBe(F.cachedTokens);
    expect(sum('invocation_metrics_tokens_total{')).toBe(F.tokens);
    expect(sum('gen_ai_invoke_agent_duration_seconds_count{')).toBe(F.invocations);
    expect(total(fromMeter, 'invocation_metrics.retries', { 'invocation_metrics.retry.kind': 'code' })).toBe(F.codeRetries);
    expect(total(fromMeter, 'invocation_metrics.escalations')).toBe(F.escalations);
    expect(total(fromMeter, 'invocation_metrics.cost')).toBe(F.cost);
    expect(total(fromMeter, 'gen_ai.invoke_agent.duration')).toBe(F.invocations);
  });

  it('never exports invocationId, taskId or unknown record fields as attributes, on either path', async () => {
    const records = coverageRecords();
    const secrets = new Set(records.flatMap((r) => [r.invocationId, r.taskId ?? 'no-task', 'sk-do-not-export', 'hello']));
    const t = await telemetry();
    const { meter, reader } = userMeter();
    const m1 = createMirror({ telemetry: t, logger: memoryLogger() });
    const m2 = createMirror({ meter, logger: memoryLogger() });
    for (const r of records) {
      m1.record(r);
      m2.record(r);
    }
    const labels = new Set<string>();
    for (const line of parseExposition(await scrape(t)).lines) {
      if (line.name === 'target_info') continue;
      for (const [k, v] of Object.entries(line.labels)) {
        labels.add(k);
        expect(secrets.has(v), v).toBe(false);
      }
    }
    expect([...labels].sort()).toEqual(['error_type', 'gen_ai_agent_name', 'gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_token_type', 'invocation_metrics_outcome', 'invocation_metrics_phase', 'invocation_metrics_retry_kind', 'invocation_metrics_tier', 'le', 'otel_scope_name']);
    const table = tableFromResourceMetrics((await reader.collect()).resourceMetrics).table;
    for (const points of table.values())
      for (const { attributes } of points.values())
        for (const [k, v] of Object.entries(attributes)) {
          expect(['invocationId', 'taskId', 'secret', 'prompt', 'invocation.id', 'task.id']).not.toContain(k);
          expect(secrets.has(v), v).toBe(false);
        }
  });

  it('reports its path', async () => {
    const t = await telemetry();
    const { meter } = userMeter();
    expect(createMirror({ telemetry: t, logger: memoryLogger() }).path).toBe('telemetry');
    expect(createMirror({ meter, logger: memoryLogger() }).path).toBe('meter');
    expect(createMirror({ logger: memoryLogger() }).path).toBe('none');
    // telemetry wins over meter: no instrument is created on the meter.
    const m = createMirror({ telemetry: t, meter, logger: memoryLogger() });
    expect(m.path).toBe('telemetry');
  });

  it("takes a user's MeterProvider too, and mirrors on its meter `invocation-metrics`", async () => {
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    providers.push(provider);
    const m = createMirror({ meter: provider, logger: memoryLogger() });
    expect(m.path).toBe('meter');
    for (const r of coverageRecords()) m.record(r);
    const { resourceMetrics } = await reader.collect();
    expect(resourceMetrics.scopeMetrics.map((s) => s.scope.name)).toEqual(['invocation-metrics']);
    expect(plain(tableFromResourceMetrics(resourceMetrics).table)).toEqual(plain(expectedTable(coverageRecords())));
  });

  it('rejects bad options when created, naming the option', () => {
    const logger = memoryLogger();
    for (const bad of [0, -1, 1.5, '10', Number.NaN]) {
      expect(() => createMirror({ logger, maxAttributeValues: bad as number })).toThrow(InvalidOptionError);
      expect(() => createMirror({ logger, maxAttributeValues: bad as number })).toThrow(/maxAttributeValues/);
      expect(() => createMirror({ logger, maxTrackedAttempts: bad as number })).toThrow(/maxTrackedAttempts/);
    }
    expect(() => createMirror({ logger: {} as never })).toThrow(/logger/);
    expect(() => createMirror({ logger, telemetry: {} as SnapshotSink })).toThrow(/telemetry/);
  });

  it('applies maxAttributeValues to every attribute', async () => {
    const { meter, reader } = userMeter();
    const logger = memoryLogger();
    const m = createMirror({ meter, logger, maxAttributeValues: 2 });
    for (const agent of ['a', 'b', 'c', 'd']) m.record(metric({ agent }));
    const agents = new Set([...tableFromResourceMetrics((await reader.collect()).resourceMetrics).table.get('invocation_metrics.invocations')!.values()].map((p) => p.attributes['gen_ai.agent.name']));
    expect([...agents].sort()).toEqual(['_OTHER', 'a', 'b']);
    expect(logger.lines).toHaveLength(1);
  });

  it('keeps 10,000 agent names to cap + 1 series per instrument (per other attributes), one warning, on both paths', async () => {
    const t = await telemetry();
    const { meter, reader } = userMeter();
    const l1 = memoryLogger();
    const l2 = memoryLogger();
    const m1 = createMirror({ telemetry: t, logger: l1 });
    const m2 = createMirror({ meter, logger: l2 });
    for (let i = 0; i < 10_000; i++) {
      const r = metric({ agent: `agent-${i}` });
      m1.record(r);
      m2.record(r);
    }
    const fromScrape = parseExposition(await scrape(t)).lines.filter((l) => l.name !== 'target_info');
    const fromMeter = tableFromResourceMetrics((await reader.collect()).resourceMetrics).table;
    // Series of one family for one combination of the other labels (invocation_metrics_retry_kind, le, token type...).
    const perCombination = new Map<string, Set<string>>();
    for (const l of fromScrape) {
      const { gen_ai_agent_name: agent = '', ...rest } = l.labels;
      const k = `${l.name} ${JSON.stringify(rest)}`;
      perCombination.set(k, (perCombination.get(k) ?? new Set()).add(agent));
    }
    for (const [k, agents] of perCombination) expect(agents.size, k).toBeLessThanOrEqual(101);
    const count = fromScrape.filter((l) => l.name === 'invocation_metrics_invocations_total');
    expect(count).toHaveLength(101);
    expect(count.filter((l) => l.labels.gen_ai_agent_name === '_OTHER').map((l) => l.value)).toEqual([9900]);
    expect(count.reduce((a, l) => a + l.value, 0)).toBe(10_000);
    for (const [name, points] of fromMeter) {
      const agents = new Set([...points.values()].map((p) => p.attributes['gen_ai.agent.name']));
      expect(agents.size, name).toBeLessThanOrEqual(101);
    }
    expect(fromMeter.get('invocation_metrics.invocations')!.size).toBe(101);
    expect(total(fromMeter, 'invocation_metrics.invocations', { 'gen_ai.agent.name': '_OTHER' })).toBe(9900);
    for (const l of [l1, l2]) {
      expect(l.lines).toHaveLength(1);
      expect(l.lines[0]).toContain('gen_ai.agent.name');
    }
  });

  it('stops exporting after shutdown (idempotent) and still never throws', async () => {
    const t = await telemetry();
    const m = createMirror({ telemetry: t, logger: memoryLogger() });
    m.record(metric());
    expect(await scrape(t)).toContain('invocation_metrics_invocations_total');
    m.shutdown();
    m.shutdown();
    expect(() => m.record(metric())).not.toThrow();
    expect(() => m.begin({ agent: 'a', phase: 1 })()).not.toThrow();
    expect(await scrape(t)).not.toContain('invocation_metrics_invocations_total');
  });
});

describe('the mirror never makes record() fail', () => {
  const records = () => [metric(), metric({ success: false, errorClass: 'timeout' }), metric({ attempt: 2 })];

  async function recordThrough(meter: Meter) {
    const logger = memoryLogger();
    const c = collector({ meter }, logger);
    for (const r of records()) await expect(c.record(r)).resolves.toBeUndefined();
    const h = c.begin({ agent: 'a', phase: 0 });
    await expect(h.end({ tokens: 1, cost: 0, exitCode: 0, success: true })).resolves.toBeUndefined();
    expect(c.getCount()).toBe(4);
    return logger;
  }

  it('when the meter cannot create instruments: one warning, nothing mirrored', async () => {
    const meter = new Proxy({} as Meter, {
      get: () => () => {
        throw new Error('meter out of order');
      },
    });
    const logger = await recordThrough(meter);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toContain('meter out of order');
  });

  it('when every histogram record() throws: one warning, the counters still exported', async () => {
    const { meter, reader } = userMeter();
    const broken = new Proxy(meter, {
      get(target, prop) {
        if (prop === 'createHistogram') return () => ({ record: () => { throw new Error('histogram out of order'); } });
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const logger = await recordThrough(broken);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toContain('histogram out of order');
    const table = tableFromResourceMetrics((await reader.collect()).resourceMetrics).table;
    expect(total(table, 'invocation_metrics.invocations')).toBe(4);
  });

  it('when the meter cannot register the observable callback: one warning', async () => {
    const { meter } = userMeter();
    const broken = new Proxy(meter, {
      get(target, prop) {
        if (prop === 'addBatchObservableCallback') return () => { throw new Error('callbacks out of order'); };
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const logger = await recordThrough(broken);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toContain('callbacks out of order');
  });

  it('when a telemetry sink refuses the source: one warning', async () => {
    const logger = memoryLogger();
    const sink: SnapshotSink = {
      addSource: (_: SnapshotSource) => {
        throw new Error('sink out of order');
      },
    };
    const m = createMirror({ telemetry: sink, logger });
    for (const r of records()) expect(() => m.record(r)).not.toThrow();
    expect(m.path).toBe('none');
    expect(logger.lines).toHaveLength(1);
  });
});

describe('a custom SnapshotSink (anything with addSource)', () => {
  let sources: SnapshotSource[];
  let removed: number;
  const sink: SnapshotSink = {
    addSource(s) {
      sources.push(s);
      return () => void removed++;
    },
  };
  beforeAll(() => {
    sources = [];
    removed = 0;
  });
  afterAll(() => {
    sources = [];
  });

  it('receives one source that reports the cumulative state at each collection', () => {
    const m = createMirror({ telemetry: sink, logger: memoryLogger() });
    expect(sources).toHaveLength(1);
    const s = sources[0]!;
    m.record(metric({ cost: 1 }));
    const first = s.collect();
    m.record(metric({ cost: 2 }));
    const second = s.collect();
    const cost = (snaps: typeof first) => snaps.find((x) => x.spec.name === 'invocation_metrics.cost')!.points.map((p) => ('value' in p ? p.value : NaN));
    expect([cost(first), cost(second)]).toEqual([[1], [3]]);
    expect(s.startTimeMs).toBeLessThanOrEqual(Date.now());
    m.shutdown();
    m.shutdown();
    expect(removed).toBe(1);
  });
});
