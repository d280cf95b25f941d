/**
 * A local OTLP/HTTP traces receiver for tests: a node:http server on 127.0.0.1 that decodes every
 * request with {@link decodeTraceRequest} and answers with an empty `ExportTraceServiceResponse`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeTraceRequest, type OtlpSpan } from './otlp-trace-proto.js';
import { waitFor } from './wait.js';

/** A running receiver. */
export interface OtlpTraceReceiver {
  /** `http://127.0.0.1:<port>/v1/traces`. */
  readonly url: string;
  /** Every span received, in arrival order. */
  readonly spans: OtlpSpan[];
  /** Request paths and content types, in arrival order. */
  readonly requests: { path: string; contentType: string | undefined }[];
  /** Errors of requests that did not decode. */
  readonly errors: Error[];
  /** Resolves once at least `count` spans arrived. */
  waitForSpans(count: number, timeoutMs?: number): Promise<OtlpSpan[]>;
  close(): Promise<void>;
}

/** Starts a receiver on a free 127.0.0.1 port. */
export async function startOtlpTraceReceiver(): Promise<OtlpTraceReceiver> {
  const spans: OtlpSpan[] = [];
  const requests: { path: string; contentType: string | undefined }[] = [];
  const errors: Error[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', contentType: req.headers['content-type'] });
      try {
        spans.push(...decodeTraceRequest(Buffer.concat(chunks)));
      } catch (err) {
        errors.push(err as Error);
      }
      res.statusCode = 200;
      res.setHeader('content-type', 'application/x-protobuf');
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    spans,
    requests,
    errors,
    waitForSpans: (count, timeoutMs = 10_000) => waitFor(() => (spans.length >= count ? spans : undefined), { timeoutMs, what: `${count} spans` }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
