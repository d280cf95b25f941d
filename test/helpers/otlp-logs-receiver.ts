/**
 * A local OTLP/HTTP logs receiver for tests: `startDecodingReceiver` of `otlp-receiver.ts`, decoding every
 * request with {@link decodeLogsRequest}.
 */
import { startDecodingReceiver } from './otlp-receiver.js';
import { decodeLogsRequest, type OtlpLogRecord } from './otlp-logs-proto.js';

/** A running receiver. */
export interface OtlpLogsReceiver {
  /** `http://127.0.0.1:<port>/v1/logs`. */
  readonly url: string;
  /** Every log record received, in arrival order. */
  readonly records: OtlpLogRecord[];
  /** Request paths and content types, in arrival order. */
  readonly requests: { path: string; contentType: string | undefined }[];
  /** Errors of requests that did not decode. */
  readonly errors: Error[];
  /** Resolves once at least `count` log records arrived. */
  waitForRecords(count: number, timeoutMs?: number): Promise<OtlpLogRecord[]>;
  close(): Promise<void>;
}

/** Starts a receiver on a free 127.0.0.1 port. */
export async function startOtlpLogsReceiver(): Promise<OtlpLogsReceiver> {
  const r = await startDecodingReceiver('logs', decodeLogsRequest, 'log records');
  return { url: r.url, records: r.items, requests: r.requests, errors: r.errors, waitForRecords: r.waitForItems, close: r.close };
}
