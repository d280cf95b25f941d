/**
 * A local OTLP/HTTP logs receiver for tests: the loopback server of `otlp-receiver.ts`, decoding every
 * request with {@link decodeLogsRequest}.
 */
import { startLoopbackServer } from './otlp-receiver.js';
import { decodeLogsRequest, type OtlpLogRecord } from './otlp-logs-proto.js';
import { waitFor } from './wait.js';

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
  const records: OtlpLogRecord[] = [];
  const requests: { path: string; contentType: string | undefined }[] = [];
  const errors: Error[] = [];
  const server = await startLoopbackServer((path, headers, body) => {
    requests.push({ path, contentType: headers['content-type'] });
    try {
      records.push(...decodeLogsRequest(body));
    } catch (err) {
      errors.push(err as Error);
    }
  });
  return {
    url: `${server.origin}/v1/logs`,
    records,
    requests,
    errors,
    waitForRecords: (count, timeoutMs = 10_000) => waitFor(() => (records.length >= count ? records : undefined), { timeoutMs, what: `${count} log records` }),
    close: () => server.close(),
  };
}
