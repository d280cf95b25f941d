/**
 * Regression: every telemetry bundle pushed the same resource (service.name and the SDK attributes only)
 * and ignored OTEL_RESOURCE_ATTRIBUTES. The processes of a fleet push the same series, so an OTLP backend
 * (a Collector to Prometheus, Mimir...) received the cumulative points of N processes as one series that
 * jumped between their values, with no way to tell hosts or deployments apart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMirror } from '../../../src/otel/mirror.js';
import { createTelemetry } from '../../../src/telemetry/telemetry.js';
import { coverageRecords } from '../../fixtures/otel/records.js';
import type { OtlpMetricsRequest } from '../../helpers/otlp-proto.js';
import { startOtlpReceiver, type OtlpReceiver } from '../../helpers/otlp-receiver.js';
import { memoryLogger } from '../../helpers/records.js';

let rx: OtlpReceiver;
beforeAll(async () => {
  rx = await startOtlpReceiver();
});
afterAll(async () => {
  await rx?.close();
});

describe('regression: two pushing processes were indistinguishable', () => {
  it('gives each bundle its own service.instance.id', async () => {
    for (const path of ['/a', '/b']) {
      const t = await createTelemetry({ prometheus: false, otlp: { url: `${rx.origin}${path}`, intervalMs: 60_000 } });
      const m = createMirror({ telemetry: t, logger: memoryLogger() });
      for (const r of coverageRecords()) m.record(r);
      await t.shutdown();
    }
    const resources = rx.received.map((r) => (r.decoded as OtlpMetricsRequest).resource);
    expect(resources).toHaveLength(2);
    expect(resources[0]!['service.instance.id']).toBeTypeOf('string');
    expect(resources[0]!['service.instance.id']).not.toBe(resources[1]!['service.instance.id']);
  });
});
