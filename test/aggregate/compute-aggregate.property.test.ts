/**
 * Property tests: the aggregate against a brute-force reference written from DESIGN.md's words (O(n^2)
 * previous attempts, the peak checked at every start instant, each bucket checked at its start and at
 * every start inside it), and the shard laws (merge and serialize/mergeState equal concatenation).
 * Generators stay on small time ranges and few agents, tasks and attempts so that ties and collisions
 * happen often.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeAggregate, createAggregator } from '../../src/aggregate/index.js';
import { shardsOf, shardTransferList } from '../../src/aggregate/aggregator.js';
import type { DurationStats, MetricsAggregate, ParallelismBucket } from '../../src/aggregate/index.js';
import type { InvocationMetric } from '../../src/record.js';
import { runs } from '../helpers/property.js';

// ---------------------------------------------------------------------------------------------------
// Reference
// ---------------------------------------------------------------------------------------------------

/** A null-prototype map with keys inserted in the given comparator's order. */
function sortedObject<V>(entries: Map<string, V>, byNumber = false): Record<string, V> {
  const keys = [...entries.keys()].sort(byNumber ? (a, b) => Number(a) - Number(b) : undefined);
  const out = Object.create(null) as Record<string, V>;
  for (const k of keys) out[k] = entries.get(k)!;
  return out;
}

function addTo(m: Map<string, number>, key: string | number, value: number): void {
  m.set(String(key), (m.get(String(key)) ?? 0) + value);
}

function stats(values: number[]): DurationStats {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const pick = (p: number): number => sorted[Math.max(1, Math.ceil((p * n) / 100)) - 1]!;
  let sum = 0;
  for (const v of values) sum += v;
  return { count: n, min: sorted[0]!, p50: pick(50), p90: pick(90), p95: pick(95), p99: pick(99), max: sorted[n - 1]!, mean: sum / n };
}

/** The aggregate as DESIGN.md and the TSDoc of MetricsAggregate word it, computed the slow, obvious way. */
function reference(records: InvocationMetric[], bucketMs: number): MetricsAggregate {
  const n = records.length;
  const start = records.map((r) => Date.parse(r.timestamp));
  const end = records.map((r, i) => start[i]! + r.durationMs);

  // The previous attempt: same agent, phase, taskId (undefined is its own value), attempt - 1, latest start
  // at or before the retry's; ties to the later record in input order.
  const previous = records.map((r, i) => {
    if (r.attempt <= 1) return undefined;
    let best: number | undefined;
    records.forEach((c, j) => {
      if (c.agent !== r.agent || c.phase !== r.phase || c.taskId !== r.taskId || c.attempt !== r.attempt - 1) return;
      if (start[j]! > start[i]!) return;
      if (best === undefined || start[j]! >= start[best]!) best = j;
    });
    return best;
  });

  const byAgent = new Map<string, number[]>();
  records.forEach((r, i) => byAgent.set(r.agent, [...(byAgent.get(r.agent) ?? []), i]));
  const count = (pred: (r: InvocationMetric, i: number) => boolean): number => records.filter(pred).length;

  const m = {
    invocationsByAgent: new Map<string, number>(),
    invocationsByPhase: new Map<string, number>(),
    retriesByAgent: new Map<string, number>(),
    retriesByPhase: new Map<string, number>(),
    tokensByAgent: new Map<string, number>(),
    costByAgent: new Map<string, number>(),
    successesByAgent: new Map<string, number>(),
    infraRetriesByAgent: new Map<string, number>(),
    codeRetriesByAgent: new Map<string, number>(),
    costByPhase: new Map<string, number>(),
    tokensByPhase: new Map<string, number>(),
    invocationsByModel: new Map<string, number>(),
    costByModel: new Map<string, number>(),
    tokensByModel: new Map<string, number>(),
    failuresByErrorClass: new Map<string, number>(),
    escalationsByTier: new Map<string, number>(),
  };
  let infra = 0;
  let escalations = 0;
  records.forEach((r, i) => {
    addTo(m.invocationsByAgent, r.agent, 1);
    addTo(m.invocationsByPhase, r.phase, 1);
    addTo(m.tokensByAgent, r.agent, r.tokens);
    addTo(m.costByAgent, r.agent, r.cost);
    addTo(m.successesByAgent, r.agent, r.success ? 1 : 0);
    addTo(m.costByPhase, r.phase, r.cost);
    addTo(m.tokensByPhase, r.phase, r.tokens);
    addTo(m.invocationsByModel, r.model ?? '(none)', 1);
    addTo(m.costByModel, r.model ?? '(none)', r.cost);
    addTo(m.tokensByModel, r.model ?? '(none)', r.tokens);
    if (!r.success) addTo(m.failuresByErrorClass, r.errorClass ? r.errorClass : '(none)', 1);
    if (r.attempt > 1) {
      addTo(m.retriesByAgent, r.agent, 1);
      addTo(m.retriesByPhase, r.phase, 1);
      const p = previous[i] === undefined ? undefined : records[previous[i]!]!;
      const isInfra = p !== undefined && p.errorClass !== undefined && p.errorClass !== '';
      if (isInfra) infra++;
      addTo(m.infraRetriesByAgent, r.agent, isInfra ? 1 : 0);
      addTo(m.codeRetriesByAgent, r.agent, isInfra ? 0 : 1);
      if (p !== undefined) {
        let from: string | undefined;
        let to: string | undefined;
        if (p.tier !== undefined && r.tier !== undefined) [from, to] = [p.tier, r.tier];
        else if (p.model !== undefined && r.model !== undefined) [from, to] = [p.model, r.model];
        if (from !== undefined && from !== to) {
          escalations++;
          addTo(m.escalationsByTier, `${from} -> ${to}`, 1);
        }
      }
    }
  });

  // Parallelism: the number of intervals [start, end) containing an instant.
  const running = (t: number): number => records.filter((_, i) => start[i]! <= t && t < end[i]!).length;
  let peak = 0;
  for (const s of start) peak = Math.max(peak, running(s));
  const buckets: ParallelismBucket[] = [];
  if (n > 0) {
    const first = Math.floor(Math.min(...start) / bucketMs);
    // The last covered instant: just before the end, or the start of a zero-length invocation.
    const last = Math.max(...records.map((_, i) => (end[i]! > start[i]! ? Math.ceil(end[i]! / bucketMs) - 1 : Math.floor(start[i]! / bucketMs))));
    for (let k = first; k <= last; k++) {
      const instants = [k * bucketMs, ...start.filter((s) => s >= k * bucketMs && s < (k + 1) * bucketMs)];
      buckets.push({ bucketStart: new Date(k * bucketMs).toISOString(), concurrent: Math.max(...instants.map(running)) });
    }
  }

  const sum = (f: (r: InvocationMetric) => number): number => records.reduce((a, r) => a + f(r), 0);
  const durationByAgent = new Map([...byAgent].map(([agent, rows]) => [agent, stats(rows.map((i) => records[i]!.durationMs))]));
  const avg = new Map([...byAgent].map(([agent, rows]) => [agent, rows.reduce((a, i) => a + records[i]!.durationMs, 0) / rows.length]));
  const withInput = records.filter((r) => r.inputTokens !== undefined);
  const inputSum = sum((r) => r.inputTokens ?? 0);
  const retries = count((r) => r.attempt > 1);
  const firstStart = Math.min(...start);
  const lastEnd = Math.max(...end);
  return {
    totalInvocations: n,
    invocationsByAgent: sortedObject(m.invocationsByAgent),
    invocationsByPhase: sortedObject(m.invocationsByPhase, true),
    totalRetries: retries,
    retriesByAgent: sortedObject(m.retriesByAgent),
    retriesByPhase: sortedObject(m.retriesByPhase, true),
    infraRetries: infra,
    codeRetries: retries - infra,
    escalationCount: escalations,
    totalTokens: sum((r) => r.tokens),
    totalCost: sum((r) => r.cost),
    totalCachedTokens: sum((r) => r.cachedTokens ?? 0),
    tokensByAgent: sortedObject(m.tokensByAgent),
    costByAgent: sortedObject(m.costByAgent),
    totalDurationMs: sum((r) => r.durationMs),
    avgDurationByAgent: sortedObject(avg),
    successRate: n === 0 ? 0 : count((r) => r.success) / n,
    peakParallelInvocations: peak,
    parallelismOverTime: buckets,
    bucketMs,
    totalSuccesses: count((r) => r.success),
    successesByAgent: sortedObject(m.successesByAgent),
    infraRetriesByAgent: sortedObject(m.infraRetriesByAgent),
    codeRetriesByAgent: sortedObject(m.codeRetriesByAgent),
    durationByAgent: sortedObject(durationByAgent),
    duration: n === 0 ? null : stats(records.map((r) => r.durationMs)),
    costByPhase: sortedObject(m.costByPhase, true),
    tokensByPhase: sortedObject(m.tokensByPhase, true),
    invocationsByModel: sortedObject(m.invocationsByModel),
    costByModel: sortedObject(m.costByModel),
    tokensByModel: sortedObject(m.tokensByModel),
    totalInputTokens: inputSum,
    totalOutputTokens: sum((r) => r.outputTokens ?? 0),
    cacheHitShare: inputSum === 0 ? 0 : withInput.reduce((a, r) => a + (r.cachedTokens ?? 0), 0) / inputSum,
    failuresByErrorClass: sortedObject(m.failuresByErrorClass),
    outputParseFailures: count((r) => !r.outputParsed),
    escalationsByTier: sortedObject(m.escalationsByTier),
    firstStart: n === 0 ? null : new Date(firstStart).toISOString(),
    lastEnd: n === 0 ? null : new Date(Math.floor(lastEnd)).toISOString(),
    wallClockSpanMs: n === 0 ? 0 : lastEnd - firstStart,
  };
}

/** Deep comparison: same key order and prototypes; numbers within 1e-9 relative. */
function expectClose(actual: unknown, expected: unknown, path = '$'): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    const scale = Math.max(1, Math.abs(expected));
    expect(Math.abs((actual as number) - expected), `${path}: ${String(actual)} vs ${expected}`).toBeLessThanOrEqual(1e-9 * scale);
    return;
  }
  if (typeof expected !== 'object' || expected === null) {
    expect(actual, path).toBe(expected);
    return;
  }
  expect(typeof actual === 'object' && actual !== null, path).toBe(true);
  expect(Object.getPrototypeOf(actual), `${path} prototype`).toBe(Object.getPrototypeOf(expected));
  expect(Object.keys(actual as object), `${path} keys`).toEqual(Object.keys(expected));
  for (const key of Object.keys(expected)) expectClose((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${path}.${key}`);
}

// ---------------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------------

/** ISO 8601 with the given zone offset (minutes), for the same instant. */
function isoIn(epochMs: number, offsetMinutes: number): string {
  const local = new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, 23);
  if (offsetMinutes === 0) return `${local}Z`;
  const abs = Math.abs(offsetMinutes);
  const zone = `${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return local + zone;
}

const BASES = [Date.UTC(2026, 10, 20, 9, 0, 0), Date.UTC(1969, 11, 31, 23, 59, 58)];
const opt = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

/** A record `offset` ms after a base chosen per run (not per record: 57 years of 1 ms buckets do not fit). */
const recordArb = (base: number): fc.Arbitrary<InvocationMetric> =>
  fc
  .record({
    offset: fc.integer({ min: 0, max: 5000 }),
    zone: fc.constantFrom(0, 120, -330, 345),
    agent: fc.constantFrom('a', 'b', '__proto__', '10', '9'),
    phase: fc.integer({ min: 0, max: 2 }),
    taskId: opt(fc.constantFrom('', 't1', 't2')),
    attempt: fc.integer({ min: 1, max: 3 }),
    durationMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 3000 }).map((d) => d + 0.5)),
    tokens: fc.integer({ min: 0, max: 1000 }),
    inputTokens: opt(fc.integer({ min: 0, max: 1000 })),
    outputTokens: opt(fc.integer({ min: 0, max: 1000 })),
    cachedTokens: opt(fc.integer({ min: 0, max: 1000 })),
    cost: fc.oneof(fc.constantFrom(0, 0.1, 0.2, 0.3), fc.double({ min: 0, max: 10, noNaN: true, noDefaultInfinity: true })),
    success: fc.boolean(),
    outputParsed: fc.boolean(),
    model: opt(fc.constantFrom('m1', 'm2', '', '(none)')),
    tier: opt(fc.constantFrom('s', 'l', '')),
    errorClass: opt(fc.constantFrom('', 'timeout', 'rate_limit')),
  })
  .map(({ offset, zone, ...r }) => {
    const record: InvocationMetric = { invocationId: 'x', exitCode: 0, timestamp: isoIn(base + offset, zone), ...r };
    // Absent optional fields are absent, not undefined-valued: like records parsed from JSON.
    for (const key of Object.keys(record) as (keyof InvocationMetric)[]) if (record[key] === undefined) delete record[key];
    return record;
  });

const recordsArb = fc.constantFrom(...BASES).chain((base) => fc.array(recordArb(base), { maxLength: 40 }));
const sameBasePairArb = fc
  .constantFrom(...BASES)
  .chain((base) => fc.tuple(fc.array(recordArb(base), { maxLength: 40 }), fc.array(recordArb(base), { maxLength: 40 })));
const bucketArb = fc.constantFrom(1, 7, 250, 1000, 60_000);

/** Cuts `records` into shards at the given fractions. */
function split<T>(records: T[], cuts: number[]): T[][] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * (records.length + 1))))].sort((a, b) => a - b);
  const shards: T[][] = [];
  let from = 0;
  for (const p of points) {
    shards.push(records.slice(from, p));
    from = p;
  }
  shards.push(records.slice(from));
  return shards;
}

/** The state of an aggregator fed `records` one by one. */
function stateOfAll(records: InvocationMetric[]): ReturnType<ReturnType<typeof createAggregator>['serialize']> {
  const a = createAggregator();
  for (const r of records) a.add(r);
  return a.serialize();
}

const cutsArb = fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { maxLength: 4 });

// ---------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------

describe('computeAggregate (properties)', () => {
  it('matches the brute-force reference', () => {
    fc.assert(
      fc.property(recordsArb, bucketArb, (records, bucketMs) => {
        expectClose(computeAggregate(records, { bucketMs }), reference(records, bucketMs));
      }),
      { numRuns: runs(60) },
    );
  });

  it('has its largest bucket equal to the peak', () => {
    fc.assert(
      fc.property(recordsArb, bucketArb, (records, bucketMs) => {
        const result = computeAggregate(records, { bucketMs });
        expect(Math.max(0, ...result.parallelismOverTime.map((b) => b.concurrent))).toBe(result.peakParallelInvocations);
      }),
      { numRuns: runs(200) },
    );
  });

  it('merges shards into exactly the aggregate of the concatenation', () => {
    fc.assert(
      fc.property(recordsArb, cutsArb, bucketArb, (records, cuts, bucketMs) => {
        const whole = computeAggregate(records, { bucketMs });
        const merged = createAggregator({ bucketMs });
        for (const shard of split(records, cuts)) {
          const part = createAggregator({ bucketMs });
          for (const r of shard) part.add(r);
          merged.merge(part);
        }
        expect(merged.result()).toEqual(whole);
        expect(JSON.stringify(merged.result())).toBe(JSON.stringify(whole));
      }),
      { numRuns: runs(200) },
    );
  });

  it('merges serialized shards (through structuredClone) into exactly the same aggregate', () => {
    fc.assert(
      fc.property(recordsArb, cutsArb, (records, cuts) => {
        const [head = [], ...rest] = split(records, cuts);
        const main = createAggregator();
        for (const r of head) main.add(r);
        for (const shard of rest) {
          const worker = createAggregator();
          for (const r of shard) worker.add(r);
          main.mergeState(structuredClone(worker.serialize()));
        }
        expect(JSON.stringify(main.result())).toBe(JSON.stringify(computeAggregate(records)));
      }),
      { numRuns: runs(150) },
    );
  });

  it('merges worker shards (task ids appended, not interned) into exactly the aggregate and the state of the concatenation', () => {
    // The scanner's path: shards whose task id tables may hold a key twice, merged without interning;
    // result() tells task ids apart only as far as retries need (provisional-task-ids.ts), serialize()
    // interns them all. Records added in this thread before and between shards mix both kinds of ids.
    const plan = fc.array(fc.boolean(), { minLength: 5, maxLength: 5 });
    fc.assert(
      fc.property(recordsArb, cutsArb, plan, bucketArb, (records, cuts, asShard, bucketMs) => {
        const whole = createAggregator({ bucketMs });
        for (const r of records) whole.add(r);
        const main = createAggregator({ bucketMs });
        const mainShards = shardsOf(main)!;
        split(records, cuts).forEach((part, k) => {
          if (asShard[k] !== true) {
            for (const r of part) main.add(r);
            return;
          }
          const worker = createAggregator({ bucketMs });
          shardsOf(worker)!.deferTaskIds();
          for (const r of part) worker.add(r);
          // Every other shard moves the worker's own buffers (transferred: detached there), as a scan does.
          const move = k % 2 === 1;
          const shard = shardsOf(worker)!.exportShard(move);
          mainShards.mergeShard(move ? structuredClone(shard, { transfer: shardTransferList(shard) }) : structuredClone(shard));
        });
        const expected = JSON.stringify(whole.result());
        mainShards.prepareResult();
        expect(JSON.stringify(main.result())).toBe(expected);
        expect(main.serialize()).toEqual(whole.serialize());
        expect(JSON.stringify(main.result())).toBe(expected);
      }),
      { numRuns: runs(300) },
    );
  });

  it('gives a deferred shard its own exact result and state too', () => {
    fc.assert(
      fc.property(recordsArb, (records) => {
        const shard = createAggregator();
        shardsOf(shard)!.deferTaskIds();
        for (const r of records) shard.add(r);
        expect(JSON.stringify(shard.result())).toBe(JSON.stringify(computeAggregate(records)));
        for (const r of records) shard.add(r);
        const twice = [...records, ...records];
        expect(JSON.stringify(shard.result())).toBe(JSON.stringify(computeAggregate(twice)));
        expect(shard.serialize()).toEqual(stateOfAll(twice));
      }),
      { numRuns: runs(100) },
    );
  });

  it('is deterministic, and result() does not disturb later adds', () => {
    fc.assert(
      // Both halves share one base: two bases 57 years apart would make 30M one-minute buckets.
      fc.property(sameBasePairArb, ([first, second]) => {
        const a = createAggregator();
        for (const r of first) a.add(r);
        const once = JSON.stringify(a.result());
        expect(JSON.stringify(a.result())).toBe(once);
        expect(JSON.stringify(computeAggregate(first))).toBe(once);
        for (const r of second) a.add(r);
        expect(JSON.stringify(a.result())).toBe(JSON.stringify(computeAggregate([...first, ...second])));
      }),
      { numRuns: runs(100) },
    );
  });
});
