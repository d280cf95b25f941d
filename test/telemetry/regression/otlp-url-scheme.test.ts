/**
 * Regression: `otlp.url` was checked with `URL.canParse` alone, so `localhost:4318` or `collector:4318`
 * (host:port without a scheme, a common slip) parsed as URLs of scheme `localhost:` / `collector:`,
 * createTelemetry() accepted them, and every push then failed with nothing but an OTel diag message: the
 * user got no telemetry and no error. Only http:// and https:// are reachable by the http/protobuf exporter.
 */
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../../src/errors.js';
import { createTelemetry } from '../../../src/telemetry/telemetry.js';

describe('regression: otlp.url without an http(s) scheme', () => {
  it('is rejected when created, naming the option', async () => {
    for (const url of ['localhost:4318', 'collector:4318/v1/metrics', 'grpc://collector:4317']) {
      const err = await createTelemetry({ prometheus: false, otlp: { url } }).catch((e: unknown) => e);
      expect(err, url).toBeInstanceOf(InvalidOptionError);
      expect(String((err as Error).message), url).toContain('otlp.url');
    }
  });
});
