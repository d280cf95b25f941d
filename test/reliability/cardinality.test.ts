/**
 * The cardinality cap under hostile volume: 100,000 records through a real collector, each with a new
 * agent, model, tier, error class and task, scraped over HTTP. Every label keeps at most the cap plus the
 * overflow value, each attribute warns once, nothing unbounded (invocationId, taskId, unknown fields)
 * becomes a label, and the totals are all there.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { createTelemetry, type Telemetry } from '../../src/telemetry/telemetry.js';
import { parseExposition } from '../helpers/otel-read.js';
import { memoryLogger, metric, tempDir } from '../helpers/records.js';

const N = 100_000;
const CAP = 100;
const { dir, cleanup } = tempDir('im-cardinality-');
let telemetry: Telemetry | undefined;
afterAll(async () => {
  await telemetry?.shutdown();
  cleanup();
});

describe('cardinality cap', () => {
  it(`holds under ${N} distinct names on every attribute`, async () => {
    telemetry = await createTelemetry({ prometheus: { port: 0 } });
    const logger = memoryLogger();
    const collector = new InvocationMetricsCollector(dir, logger, { telemetry });
    for (let i = 0; i < N; i++) {
      void collector.record(
        metric({
          invocationId: `inv-${i}`,
          taskId: `task-${i}`,
          agent: `agent-${i}`,
          phase: i,
          model: `model-${i}`,
          tier: `tier-${i}`,
          success: i % 2 === 0,
          errorClass: i % 2 === 0 ? undefined : `error-${i}`,
          secret: `unknown-${i}`,
        }),
      );
    }
    await collector.close();

    const body = await (await fetch(telemetry.prometheusUrl!)).text();
    const { lines } = parseExposition(body);
    const values = new Map<string, Set<string>>();
    for (const line of lines) {
      if (line.name === 'target_info') continue;
      for (const [label, value] of Object.entries(line.labels)) values.set(label, (values.get(label) ?? new Set()).add(value));
    }
    for (const label of ['gen_ai_agent_name', 'invocation_metrics_phase', 'gen_ai_request_model', 'invocation_metrics_tier', 'error_type']) {
      expect(values.get(label)?.size, label).toBeLessThanOrEqual(CAP + 1);
      expect(values.get(label)?.has('_OTHER'), label).toBe(true);
    }
    // Nothing unbounded became a label, and no value of one leaked into any label.
    expect([...values.keys()].sort()).toEqual(
      ['invocation_metrics_outcome', 'invocation_metrics_phase', 'invocation_metrics_tier', 'error_type', 'gen_ai_agent_name', 'gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_token_type', 'le', 'otel_scope_name', 'invocation_metrics_retry_kind'].sort(),
    );
    expect(body).not.toMatch(/inv-|task-|unknown-/);
    // The totals survive the folding.
    const count = lines.filter((l) => l.name === 'invocation_metrics_invocations_total').reduce((a, l) => a + l.value, 0);
    expect(count).toBe(N);
    // One warning per capped attribute, not one per record.
    const capWarnings = logger.lines.filter((l) => l.includes('_OTHER'));
    expect(capWarnings.length).toBeGreaterThan(0);
    expect(capWarnings.length).toBeLessThanOrEqual(6);
    expect(body.length).toBeLessThan(5_000_000);
  });
});
