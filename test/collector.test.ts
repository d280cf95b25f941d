import { readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector, type CheckpointState } from '../src/collector.js';
import { CollectorClosedError, InvalidMetricError, InvalidOptionError, LogLockedError } from '../src/errors.js';
import type { InvocationMetric } from '../src/record.js';
import { memoryLogger, metric, tempDir } from './helpers/records.js';
import { metricLineBound, serializeMetric } from '../src/serialize.js';

let dir: string;
let cleanup: () => void;
const open: InvocationMetricsCollector[] = [];

function collector(options: ConstructorParameters<typeof InvocationMetricsCollector>[2] = {}, logger = memoryLogger()) {
  const c = new InvocationMetricsCollector(dir, logger, options);
  open.push(c);
  return c;
}

function linesOnDisk(file = join(dir, 'invocations.jsonl')): Record<string, unknown>[] {
  const text = readFileSync(file, 'utf8');
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(async () => {
  for (const c of open.splice(0)) await c.close().catch(() => undefined);
  cleanup();
});

describe('InvocationMetricsCollector', () => {
  it('records, keeps in memory, writes one line per record, and resolves once written', async () => {
    const c = collector();
    const m = metric({ invocationId: 'a', extraField: { nested: true } });
    const p = c.record(m);
    expect(c.getCount()).toBe(1);
    await p;
    const disk = linesOnDisk();
    expect(disk).toHaveLength(1);
    expect(disk[0]).toEqual(JSON.parse(JSON.stringify(m)));
    expect(c.getAll()[0]).toEqual(m);
    expect(c.getAll()[0]).not.toBe(m); // a copy: the caller may reuse its object
  });

  it('keeps record() order for records of the same tick and across ticks', async () => {
    const c = collector();
    const ps: Promise<void>[] = [];
    for (let i = 0; i < 2000; i++) {
      ps.push(c.record(metric({ invocationId: `r${i}` })));
      if (i % 333 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all(ps);
    await c.flush();
    expect(linesOnDisk().map((l) => l.invocationId)).toEqual(Array.from({ length: 2000 }, (_, i) => `r${i}`));
    expect(c.getCount()).toBe(2000);
  });

  it('rejects bad input with the field named, and writes, keeps, emits nothing', async () => {
    const c = collector();
    const seen: unknown[] = [];
    c.on('metric-recorded', (m) => seen.push(m));
    const err = await c.record(metric({ phase: -3 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidMetricError);
    expect((err as InvalidMetricError).field).toBe('phase');
    await expect(c.record({ agent: 'x' } as InvocationMetric)).rejects.toThrow(/invocationId/);
    await c.flush();
    expect(c.getCount()).toBe(0);
    expect(seen).toHaveLength(0);
    expect(readFileSync(c.path, 'utf8')).toBe('');
  });

  it('emits metric-recorded and to the event bus; a throwing listener is logged and never breaks record()', async () => {
    const logger = memoryLogger();
    const bus = new EventEmitter();
    const onBus: unknown[] = [];
    bus.on('metric-recorded', (m) => onBus.push(m));
    const c = collector({ eventBus: bus }, logger);
    const after: unknown[] = [];
    c.on('metric-recorded', () => {
      throw new Error('listener boom');
    });
    c.on('metric-recorded', async () => {
      throw new Error('async boom');
    });
    c.once('metric-recorded', (m) => after.push(m));
    await c.record(metric({ invocationId: 'x1' }));
    await c.record(metric({ invocationId: 'x2' }));
    await new Promise((r) => setImmediate(r));
    expect(after).toHaveLength(1);
    expect(onBus).toHaveLength(2);
    expect(logger.lines.filter((l) => l.includes('listener boom'))).toHaveLength(2);
    expect(logger.lines.filter((l) => l.includes('async boom'))).toHaveLength(2);
    expect(linesOnDisk()).toHaveLength(2);
  });

  it('refuses records after close(), releases the lock, and close() is idempotent', async () => {
    const c = collector();
    await c.record(metric());
    await c.close();
    await c.close();
    expect(c.closed).toBe(true);
    await expect(c.record(metric())).rejects.toBeInstanceOf(CollectorClosedError);
    expect(() => c.begin({ agent: 'a', phase: 0 })).toThrow(CollectorClosedError);
    const again = collector();
    await again.record(metric());
    await again.flush();
    expect(linesOnDisk()).toHaveLength(2);
  });

  it('refuses a second writer on the same file in the same process', () => {
    collector();
    expect(() => collector()).toThrow(LogLockedError);
    // another file name in the same directory is fine
    expect(() => collector({ fileName: 'worker-2.jsonl' })).not.toThrow();
  });

  it('validates options with clear errors', () => {
    for (const fileName of ['../x.jsonl', 'a/b.jsonl', 'a\\b', '..', '.', ''])
      expect(() => new InvocationMetricsCollector(dir, memoryLogger(), { fileName })).toThrow(InvalidOptionError);
    expect(() => new InvocationMetricsCollector(dir, memoryLogger(), { bucketMs: 0 })).toThrow(/`bucketMs`/);
    expect(() => new InvocationMetricsCollector(dir, {} as never)).toThrow(/`logger`/);
    expect(() => new InvocationMetricsCollector('', memoryLogger())).toThrow(/`metricsDir`/);
  });

  it('reports the records and bytes waiting for the disk', async () => {
    const c = collector();
    expect([c.pendingRecords, c.pendingBytes]).toEqual([0, 0]);
    const m = metric({ invocationId: 'w1' });
    const p = c.record(m);
    expect(c.pendingRecords).toBe(1);
    expect(c.pendingBytes).toBe(JSON.stringify(m).length + 1);
    await p;
    expect([c.pendingRecords, c.pendingBytes]).toEqual([0, 0]);
  });

  it('rejects a record that cannot be written and read back, naming the field', async () => {
    const c = collector();
    await expect(c.record(metric({ extra: 1n }))).rejects.toMatchObject({ code: 'ERR_INVALID_METRIC', field: 'extra' });
    await expect(c.record(metric({ blob: 'x'.repeat(1024 * 1024) }))).rejects.toMatchObject({ field: 'blob' });
    await expect(c.record(null as never)).rejects.toMatchObject({ field: '(record)' });
    await expect(c.record([metric()] as never)).rejects.toMatchObject({ field: '(record)' });
    expect(c.getCount()).toBe(0);
  });

  it('creates a missing metrics directory', async () => {
    const nested = join(dir, 'a', 'b');
    const c = new InvocationMetricsCollector(nested, memoryLogger());
    open.push(c);
    await c.record(metric());
    expect(linesOnDisk(join(nested, 'invocations.jsonl'))).toHaveLength(1);
  });

  it('computes the aggregate of what it holds, with its bucketMs', async () => {
    const c = collector({ bucketMs: 1000 });
    await c.record(metric({ agent: 'a', timestamp: '2026-11-20T09:00:00.000Z', durationMs: 2000 }));
    await c.record(metric({ agent: 'b', timestamp: '2026-11-20T09:00:01.000Z', durationMs: 500 }));
    const agg = c.computeAggregate();
    expect(agg.totalInvocations).toBe(2);
    expect(agg.peakParallelInvocations).toBe(2);
    expect(agg.parallelismOverTime.map((b) => b.concurrent)).toEqual([1, 2]);
    expect(c.computeAggregate({ bucketMs: 60_000 }).parallelismOverTime).toHaveLength(1);
  });

  describe('begin()/end()', () => {
    it('measures durationMs, fills timestamp and records', async () => {
      const c = collector();
      const h = c.begin({ agent: 'planner', phase: 0, taskId: 't1', model: 'm', tier: 'large' });
      await new Promise((r) => setTimeout(r, 30));
      await h.end({ success: true, tokens: 10, cost: 0.1, exitCode: 0 });
      const [m] = c.getAll();
      expect(m?.durationMs).toBeGreaterThanOrEqual(25);
      expect(m?.invocationId).toBe(h.invocationId);
      expect(m?.timestamp).toBe(new Date(h.startedAt).toISOString());
      expect(m?.attempt).toBe(1);
      expect(m?.outputParsed).toBe(true);
      expect(m?.taskId).toBe('t1');
      await expect(h.end({ success: true, tokens: 1, cost: 0, exitCode: 0 })).rejects.toThrow(/already recorded by an earlier end\(\)/);
      expect(c.getCount()).toBe(1);
    });
    it('rejects a bad agent or phase at begin', () => {
      const c = collector();
      expect(() => c.begin({ agent: '', phase: 0 })).toThrow(InvalidMetricError);
      expect(() => c.begin({ agent: 'a', phase: -1 })).toThrow(/`phase`/);
    });
  });

  describe('resume', () => {
    it('getCount() after flush() equals the records on disk; loadFromDisk(k) appends exactly the records after the first k valid ones', async () => {
      const first = collector();
      for (let i = 0; i < 6; i++) void first.record(metric({ invocationId: `r${i}` }));
      await first.flush();
      expect(first.getCount()).toBe(linesOnDisk().length);
      const checkpoint: CheckpointState = { metricsCount: first.getCount() };
      const restored = first.getAll(); // what the host saved with its checkpoint
      for (let i = 6; i < 10; i++) void first.record(metric({ invocationId: `r${i}` }));
      await first.close();
      // garbage between valid lines is skipped and not counted among the k
      appendFileSync(first.path, '{not json\n');
      const lines = readFileSync(first.path, 'utf8').split('\n');
      lines.splice(2, 0, '{"agent":"only"}');
      writeFileSync(first.path, lines.join('\n'));

      const logger = memoryLogger();
      const second = collector({}, logger);
      const res = await second.loadFromDisk(checkpoint.metricsCount);
      expect(res).toEqual({ loaded: 4, skipped: 2 });
      expect(second.getAll().map((m) => m.invocationId)).toEqual(['r6', 'r7', 'r8', 'r9']);
      expect(logger.lines.some((l) => /invocations\.jsonl:3: /.test(l))).toBe(true);
      expect(restored).toHaveLength(6);

      const third = new InvocationMetricsCollector(dir, memoryLogger(), { fileName: 'other.jsonl' });
      open.push(third);
      expect(await third.loadFromDisk()).toEqual({ loaded: 0, skipped: 0 });
    });

    it('loadFromDisk() of everything keeps unknown fields and record order', async () => {
      const a = collector();
      await a.record(metric({ invocationId: 'u1', futureField: [1, 2] }));
      await a.record(metric({ invocationId: 'u2' }));
      await a.close();
      const b = collector();
      await b.loadFromDisk();
      expect(b.getAll().map((m) => m.invocationId)).toEqual(['u1', 'u2']);
      expect((b.getAll()[0] as unknown as Record<string, unknown>).futureField).toEqual([1, 2]);
      await b.record(metric({ invocationId: 'u3' }));
      await b.flush();
      expect(b.getCount()).toBe(linesOnDisk().length);
    });

    it('rejects a bad skipCount', async () => {
      await expect(collector().loadFromDisk(-1)).rejects.toBeInstanceOf(InvalidOptionError);
    });
  });
});

describe('restore()', () => {
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
  });
  it('puts checkpointed records back without writing them, then loadFromDisk(k) completes memory', async () => {
    const a = collector();
    for (let i = 0; i < 5; i++) void a.record(metric({ invocationId: `k${i}` }));
    await a.flush();
    const saved = { metricsCount: a.getCount(), records: a.getAll() };
    await a.record(metric({ invocationId: 'after' }));
    await a.close();
    const b = collector();
    b.restore(saved.records);
    await b.loadFromDisk(saved.metricsCount);
    expect(b.getAll().map((m) => m.invocationId)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'after']);
    await b.flush();
    expect(linesOnDisk()).toHaveLength(6);
    expect(() => b.restore([metric(), metric({ cost: -1 })])).toThrow(InvalidMetricError);
    expect(b.getCount()).toBe(6);
  });
});

describe('InvocationMetricsCollector: interned strings', () => {
  it('keeps equal values (one shared string per agent, model, tier, errorClass) and writes the same lines', async () => {
    const { dir, cleanup } = tempDir('im-intern-');
    try {
      const c = new InvocationMetricsCollector(dir, memoryLogger());
      const make = (i: number): InvocationMetric => JSON.parse(JSON.stringify({ ...metric({ invocationId: `i${i}`, success: false }), model: 'm-1', tier: 't', errorClass: 'timeout' })) as InvocationMetric;
      const inputs = [make(1), make(2)];
      await Promise.all(inputs.map((m) => c.record(m)));
      const [a, b] = c.getAll();
      expect([a, b]).toEqual(inputs);
      expect(Object.keys(a!)).toEqual(Object.keys(inputs[0]!));
      expect(readFileSync(c.path, 'utf8')).toBe(inputs.map((m) => `${serializeMetric(m)}\n`).join(''));
      await c.close();
    } finally {
      cleanup();
    }
  });
});

describe('InvocationMetricsCollector: the byte path of the log', () => {
  const hostile = ['plain', 'a"b\\c', 'line\nbreak\u0000\u001f\u007f', '\u2028\u2029', '\ud800 lone', 'x\udfff', '\ud83d\ude80 é ü', '</script>', ''];
  /** Records of every kind: known fields only (byte path), unknown fields (string path), hostile strings, odd numbers. */
  const mixed = (n: number): InvocationMetric[] =>
    Array.from({ length: n }, (_, i) => {
      const s = hostile[i % hostile.length]!;
      const m = metric({
        invocationId: `b${i}-${s}`,
        agent: s === '' ? 'agent' : s,
        taskId: i % 3 === 0 ? undefined : `task-${s}`,
        model: i % 4 === 0 ? undefined : s,
        errorClass: i % 5 === 0 ? s : undefined,
        durationMs: [0, 1.5, 1234.567, 1e-7, 86_400_000.25, 2 ** 31 + 0.5][i % 6]!,
        cost: [0, 0.151192, 1 / 3, 5e-324, 1e15, 0.1 + 0.2][i % 6]!,
        exitCode: [-1, 0, -2147483648, 2 ** 40, -0][i % 5]!,
        ...(i % 7 === 0 ? { extra: { nested: [1, s, { deep: null }] }, more: 'x' } : {}),
      });
      if (m.taskId === undefined) delete m.taskId; // absent, not undefined: the byte path takes it
      if (m.model === undefined) delete m.model;
      if (m.errorClass === undefined) delete m.errorClass;
      return m;
    });

  for (const maxPendingBytes of [undefined, 1, 2000]) {
    it(`writes every record byte for byte as serializeMetric does (maxPendingBytes ${maxPendingBytes ?? 'default'})`, async () => {
      const c = collector(maxPendingBytes === undefined ? {} : { maxPendingBytes });
      const records = mixed(400);
      const viaBytes = records.filter((m) => metricLineBound({ ...m }) >= 0).length;
      expect([viaBytes > 300, viaBytes < 400]).toEqual([true, true]); // both paths are exercised
      const all = records.map((m) => c.record(m)); // one tick: past a small limit, records wait as sources
      await Promise.all(all);
      const expected = records.map((m) => `${serializeMetric({ ...m })}\n`).join('');
      expect(readFileSync(c.path).equals(Buffer.from(expected, 'utf8'))).toBe(true);
      expect(c.getAll()).toEqual(records);
    });
  }

  it('writes a burst past 2 MiB in one tick byte for byte from its held columns, whatever listeners do to their records', async () => {
    const c = collector();
    // A listener that changes the record it gets: the lines made later, from the store's columns, are the records as recorded.
    c.on('metric-recorded', (m: InvocationMetric) => {
      m.agent = 'changed';
      m.cost = 99;
    });
    // Most in the type's key order (held as columns), the others with unknown fields (held as objects, string path).
    const records = mixed(12_000).map((m) => ('extra' in m ? m : (JSON.parse(serializeMetric({ ...m })) as InvocationMetric)));
    const expected = records.map((m) => `${serializeMetric({ ...m })}\n`).join('');
    expect(Buffer.byteLength(expected)).toBeGreaterThan(3 * 1024 * 1024);
    const all = records.map((m) => c.record(m));
    // The lines of records held as columns wait past 2 MiB as rows: far less than the burst's bytes held.
    expect(c.pendingBytes).toBeLessThan(Buffer.byteLength(expected) * 0.8);
    expect(c.pendingRecords).toBe(12_000);
    await Promise.all(all);
    expect(readFileSync(c.path).equals(Buffer.from(expected, 'utf8'))).toBe(true);
  });

  it('counts pending bytes as UTF-8 bytes', () => {
    const c = collector();
    const m = metric({ agent: 'é\ud83d\ude80' });
    void c.record(m);
    expect(c.pendingBytes).toBe(Buffer.byteLength(serializeMetric(m)) + 1);
  });
});
