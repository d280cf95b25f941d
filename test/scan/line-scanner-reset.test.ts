/**
 * A worker keeps one LineScanner for all its tasks and resets it for each (a new one would make the
 * engine optimize it again): after reset() it must behave exactly as a fresh scanner on a fresh
 * aggregator, values seen in earlier tasks included (their ids belong to the new aggregator).
 */
import { describe, expect, it } from 'vitest';
import { computeAggregate, createAggregator } from '../../src/aggregate/index.js';
import { rowSinkOf } from '../../src/aggregate/aggregator.js';
import type { Aggregator } from '../../src/aggregate/types.js';
import { LineScanner, type ScanTarget } from '../../src/scan/line-scanner.js';
import { serializeMetric } from '../../src/serialize.js';
import type { InvocationMetric } from '../../src/record.js';
import { metric } from '../helpers/records.js';

const rows = (aggregator: Aggregator): ScanTarget => ({ kind: 'rows', sink: rowSinkOf(aggregator)!, add: (r) => aggregator.add(r) });
const bytes = (lines: string[]): Buffer => Buffer.from(lines.map((l) => `${l}\n`).join(''));
const at = (s: number): string => new Date(Date.UTC(2026, 10, 20, 9, 0, s)).toISOString();

describe('LineScanner.reset', () => {
  const first: InvocationMetric[] = [
    metric({ agent: 'planner', model: 'm-large', tier: 'large', taskId: 't1', timestamp: at(0) }),
    metric({ agent: 'coder', model: 'm-small', tier: 'small', taskId: 't2', timestamp: at(1), success: false, errorClass: 'timeout' }),
  ];
  // The second task: the agents in another order, a value the first task never saw, a retry, a bad line.
  const second: InvocationMetric[] = [
    metric({ agent: 'reviewer', model: 'm-small', tier: 'small', taskId: 't3', timestamp: at(2) }),
    metric({ agent: 'coder', model: 'm-large', tier: 'large', taskId: 't2', attempt: 2, timestamp: at(3) }),
    metric({ agent: 'planner', model: 'm-large', tier: 'large', taskId: 't1', timestamp: at(4), success: false, errorClass: 'rate_limit' }),
  ];
  const secondLines = [...second.slice(0, 2).map(serializeMetric), '{"broken', serializeMetric(second[2]!)];

  it('scans the next task as a fresh scanner would: same aggregate, same counts, same warnings', () => {
    const warnings: [number, string][][] = [[], []];
    const a = createAggregator();
    const scanner = new LineScanner({ maxLineBytes: 1 << 20, target: rows(a), onWarning: (l, r) => warnings[0]!.push([l, r]) });
    const firstBytes = bytes([...first.map(serializeMetric), '{"also broken']);
    scanner.scan(firstBytes, 0, firstBytes.length, true);
    expect([scanner.lines, scanner.records, scanner.skipped]).toEqual([3, 2, 1]);
    expect(JSON.stringify(a.result())).toBe(JSON.stringify(computeAggregate(first)));

    const b = createAggregator();
    scanner.stop();
    scanner.reset(rows(b), (l, r) => warnings[1]!.push([l, r]));
    const buf = bytes(secondLines);
    scanner.scan(buf, 0, buf.length, true);

    const fresh = createAggregator();
    const freshWarnings: [number, string][] = [];
    const reference = new LineScanner({ maxLineBytes: 1 << 20, target: rows(fresh), onWarning: (l, r) => freshWarnings.push([l, r]) });
    reference.scan(buf, 0, buf.length, true);

    expect([scanner.lines, scanner.records, scanner.skipped, scanner.stopped]).toEqual([reference.lines, reference.records, reference.skipped, false]);
    expect(warnings[1]).toEqual(freshWarnings);
    expect(warnings[1]).toHaveLength(1);
    expect(b.serialize()).toEqual(fresh.serialize());
    expect(JSON.stringify(b.result())).toBe(JSON.stringify(computeAggregate(second)));
  });

  it('builds record objects equal to a fresh scanner after switching from rows to records', () => {
    const a = createAggregator();
    const scanner = new LineScanner({ maxLineBytes: 1 << 20, target: rows(a), onWarning: () => {} });
    const firstBytes = bytes(first.map(serializeMetric));
    scanner.scan(firstBytes, 0, firstBytes.length, true);
    const got: InvocationMetric[] = [];
    scanner.reset({ kind: 'records', onRecord: (r) => got.push(r) }, () => {});
    const buf = bytes(second.map(serializeMetric));
    scanner.scan(buf, 0, buf.length, true);
    expect(got).toEqual(second);
  });
});
