/**
 * Regression (issue 20, items 2 and 3), checked on a real Prometheus scrape:
 *
 * - `end()` defaulted `outputParsed` to `success`, so every timeout or rate limit counted as an output
 *   parse failure. It defaults to `true` now: a parse failure is counted only when the caller says so.
 * - A rejected `end()` (no `tokens`) lowered the in-flight gauge, recorded nothing, and refused the
 *   corrected second `end()` with "ended once": a paid call was gone. The handle now stays open until an
 *   `end()` is accepted or the caller calls `abandon()`, and the message says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { CollectorClosedError, InvalidMetricError, InvocationEndedError } from '../../src/errors.js';
import type { EndFields } from '../../src/invocation.js';
import { createTelemetry, type Telemetry } from '../../src/telemetry/telemetry.js';
import { parseExposition } from '../helpers/otel-read.js';
import { memoryLogger, tempDir } from '../helpers/records.js';

let telemetry: Telemetry;
let c: InvocationMetricsCollector;
let tmp: ReturnType<typeof tempDir>;
beforeAll(async () => {
  tmp = tempDir('im-regr-end-');
  telemetry = await createTelemetry({ prometheus: { port: 0 } });
  c = new InvocationMetricsCollector(tmp.dir, memoryLogger(), { telemetry });
});
afterAll(async () => {
  await c?.close();
  await telemetry?.shutdown();
  tmp?.cleanup();
});

/** Sum of a metric's samples for one agent in a real scrape. */
async function scraped(name: string, agent: string): Promise<number> {
  const text = await (await fetch(telemetry.prometheusUrl!)).text();
  return parseExposition(text)
    .lines.filter((l) => l.name === name && l.labels.gen_ai_agent_name === agent)
    .reduce((s, l) => s + l.value, 0);
}

describe('outputParsed of end()', () => {
  it('a timeout is a failure, not a parse failure; false only when the caller says so', async () => {
    await c.begin({ agent: 'parse', phase: 0 }).end({ success: false, exitCode: 1, tokens: 0, cost: 0, errorClass: 'timeout' });
    await c.begin({ agent: 'parse', phase: 0 }).end({ success: false, exitCode: 1, tokens: 0, cost: 0, errorClass: 'rate_limit' });
    expect(c.computeAggregate().outputParseFailures).toBe(0);
    expect(await scraped('invocation_metrics_output_parse_failures_total', 'parse')).toBe(0);
    await c.begin({ agent: 'parse', phase: 0 }).end({ success: false, exitCode: 1, tokens: 9, cost: 0, outputParsed: false });
    expect(c.computeAggregate().outputParseFailures).toBe(1);
    expect(await scraped('invocation_metrics_output_parse_failures_total', 'parse')).toBe(1);
    expect(c.getAll().map((m) => m.outputParsed)).toEqual([true, true, false]);
  });
});

describe('a rejected end()', () => {
  it('keeps the handle open (and the gauge up); the corrected end() records the invocation', async () => {
    const h = c.begin({ agent: 'fix', phase: 0 });
    const before = c.getCount();
    const error = await h.end({ success: true, exitCode: 0, cost: 0.5 } as EndFields).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidMetricError);
    expect((error as Error).message).toBe(
      `Expected \`tokens\` to be a safe integer >= 0, got nothing; invocation ${h.invocationId} is not recorded yet and its handle stays open: ` +
        'call end() again with this fixed, or abandon()',
    );
    expect(c.getCount()).toBe(before);
    expect(await scraped('invocation_metrics_active', 'fix')).toBe(1);
    await h.end({ success: true, exitCode: 0, cost: 0.5, tokens: 1200 });
    expect(c.getCount()).toBe(before + 1);
    expect(c.getAll().at(-1)).toMatchObject({ invocationId: h.invocationId, tokens: 1200, cost: 0.5 });
    expect(await scraped('invocation_metrics_active', 'fix')).toBe(0);
    const again = await h.end({ success: true, exitCode: 0, cost: 0.5, tokens: 1200 }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(InvocationEndedError);
    expect(again).toMatchObject({ code: 'ERR_INVOCATION_ENDED', state: 'ended', invocationId: h.invocationId });
    expect(c.getCount()).toBe(before + 1);
  });

  it('measures the duration to the first end() call', async () => {
    const h = c.begin({ agent: 'fix', phase: 0 });
    await h.end({ success: true, exitCode: 0, cost: 0 } as EndFields).catch(() => undefined);
    const firstCall = Date.now();
    await new Promise((r) => setTimeout(r, 60));
    await h.end({ success: true, exitCode: 0, cost: 0, tokens: 1 });
    expect(c.getAll().at(-1)!.durationMs).toBeLessThanOrEqual(firstCall - h.startedAt + 20);
  });

  it('abandon() lowers the gauge, records nothing, and closes the handle', async () => {
    const h = c.begin({ agent: 'gone', phase: 0 });
    const before = c.getCount();
    expect(await scraped('invocation_metrics_active', 'gone')).toBe(1);
    expect(h.abandon()).toBe(true);
    expect(h.abandon()).toBe(false);
    expect(await scraped('invocation_metrics_active', 'gone')).toBe(0);
    await expect(h.end({ success: true, exitCode: 0, cost: 0, tokens: 1 })).rejects.toMatchObject({ code: 'ERR_INVOCATION_ENDED', state: 'abandoned' });
    expect(c.getCount()).toBe(before);
  });

  it('after close(), end() rejects with CollectorClosedError and abandons the handle', async () => {
    const own = tempDir('im-regr-end-closed-');
    try {
      const closing = new InvocationMetricsCollector(own.dir, memoryLogger());
      const h = closing.begin({ agent: 'late', phase: 0 });
      await closing.close();
      const error = await h.end({ success: true, exitCode: 0, cost: 0, tokens: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CollectorClosedError);
      expect((error as Error).message).toContain(`invocation ${h.invocationId} was not recorded`);
      await expect(h.end({ success: true, exitCode: 0, cost: 0, tokens: 1 })).rejects.toMatchObject({ state: 'abandoned' });
      expect(h.abandon()).toBe(false);
    } finally {
      own.cleanup();
    }
  });
});
