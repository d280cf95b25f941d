/** createTracing()'s options: what it accepts and the errors it gives. */
import { describe, expect, it } from 'vitest';
import { createTracing, resolveTracingOptions } from '../../src/telemetry/tracing.js';

describe('resolveTracingOptions', () => {
  it('applies the defaults and leaves the endpoint to the exporter when no url is given', () => {
    expect(resolveTracingOptions({ serviceName: 's' })).toEqual({ url: undefined, headers: undefined, serviceName: 's', scheduledDelayMs: undefined });
  });

  it.each([
    [{ url: 'collector:4318' }, 'url'],
    [{ url: 'ftp://x/v1/traces' }, 'url'],
    [{ headers: { a: 1 } }, 'headers'],
    [{ scheduledDelayMs: 0 }, 'scheduledDelayMs'],
    [{ serviceName: '' }, 'serviceName'],
  ])('refuses %j, naming `%s` and the value', (options, option) => {
    expect(() => resolveTracingOptions(options as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION', option }));
  });

  it('rejects createTracing() with the same error before loading anything', async () => {
    await expect(createTracing({ url: 'localhost:4318' })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION', message: expect.stringContaining('"localhost:4318"') });
  });
});
