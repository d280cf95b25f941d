/** createTracing()'s options: what it accepts and the errors it gives. */
import { describe, expect, it } from 'vitest';
import { createTracing, resolveTracingOptions } from '../../src/telemetry/tracing.js';

describe('resolveTracingOptions', () => {
  it('applies the defaults and leaves the endpoint to the exporter when no url is given', () => {
    expect(resolveTracingOptions({ serviceName: 's' })).toEqual({
      url: undefined,
      headers: undefined,
      serviceName: 's',
      scheduledDelayMs: 5000,
      maxQueueSize: 2048,
      maxExportBatchSize: 512,
      direct: true,
    });
  });

  it('reads the OTEL_BSP_* variables the SDK 3.x no longer reads, ignoring unusable values', () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { OTEL_BSP_SCHEDULE_DELAY: '250', OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '500' });
      expect(resolveTracingOptions({ direct: false })).toMatchObject({ scheduledDelayMs: 250, maxQueueSize: 100, maxExportBatchSize: 100, direct: false });
      expect(resolveTracingOptions({ scheduledDelayMs: 7 })).toMatchObject({ scheduledDelayMs: 7 });
      Object.assign(process.env, { OTEL_BSP_SCHEDULE_DELAY: 'soon', OTEL_BSP_MAX_QUEUE_SIZE: '-5', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1.5' });
      expect(resolveTracingOptions({})).toMatchObject({ scheduledDelayMs: 5000, maxQueueSize: 2048, maxExportBatchSize: 512 });
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it.each([
    [{ url: 'collector:4318' }, 'url'],
    [{ url: 'ftp://x/v1/traces' }, 'url'],
    [{ headers: { a: 1 } }, 'headers'],
    [{ scheduledDelayMs: 0 }, 'scheduledDelayMs'],
    [{ serviceName: '' }, 'serviceName'],
    [{ direct: 'yes' }, 'direct'],
  ])('refuses %j, naming `%s` and the value', (options, option) => {
    expect(() => resolveTracingOptions(options as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION', option }));
  });

  it('rejects createTracing() with the same error before loading anything', async () => {
    await expect(createTracing({ url: 'localhost:4318' })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION', message: expect.stringContaining('"localhost:4318"') });
  });
});
