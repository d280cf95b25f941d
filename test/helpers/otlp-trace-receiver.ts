/**
 * A local OTLP/HTTP traces receiver for tests: `startDecodingReceiver` of `otlp-receiver.ts`, decoding every
 * request with {@link decodeTraceRequest}.
 */
import { startDecodingReceiver } from './otlp-receiver.js';
import { decodeTraceRequest, type OtlpSpan } from './otlp-trace-proto.js';

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
  const r = await startDecodingReceiver('traces', decodeTraceRequest, 'spans');
  return { url: r.url, spans: r.items, requests: r.requests, errors: r.errors, waitForSpans: r.waitForItems, close: r.close };
}
