/**
 * A local OTLP/HTTP traces receiver for tests: the loopback server of `otlp-receiver.ts`, decoding every
 * request with {@link decodeTraceRequest}.
 */
import { startLoopbackServer } from './otlp-receiver.js';
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
  const server = await startLoopbackServer((path, headers, body) => {
    requests.push({ path, contentType: headers['content-type'] });
    try {
      spans.push(...decodeTraceRequest(body));
    } catch (err) {
      errors.push(err as Error);
    }
  });
  return {
    url: `${server.origin}/v1/traces`,
    spans,
    requests,
    errors,
    waitForSpans: (count, timeoutMs = 10_000) => waitFor(() => (spans.length >= count ? spans : undefined), { timeoutMs, what: `${count} spans` }),
    close: () => server.close(),
  };
}
