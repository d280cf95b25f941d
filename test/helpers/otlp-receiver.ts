/**
 * A local OTLP/HTTP metrics receiver for tests: a node:http server on 127.0.0.1 that keeps every request
 * (path, headers, raw body, decoded body) and answers with an empty `ExportMetricsServiceResponse`.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeMetricsRequest, type OtlpMetricsRequest } from './otlp-proto.js';
import { waitFor } from './wait.js';

/** One request the receiver got. */
export interface ReceivedExport {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The decoded body, or the decoding error. */
  decoded: OtlpMetricsRequest | Error;
}

/** A running receiver. */
export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>` (no path). */
  readonly origin: string;
  /** Every request, in arrival order. */
  readonly received: ReceivedExport[];
  /** Resolves with the first request that `match` accepts, polling until `timeoutMs`. */
  next(match: (r: ReceivedExport) => boolean, timeoutMs?: number): Promise<ReceivedExport>;
  close(): Promise<void>;
}

/** A loopback HTTP server that answers every request as an OTLP receiver does (200, empty protobuf). */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` (no path). */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * Starts a node:http server on a free 127.0.0.1 port that hands each request's path, headers and whole
 * body to `onRequest`, then answers 200 with an empty `application/x-protobuf` body (an empty
 * `Export*ServiceResponse`). The metrics and the traces receivers are this with their own decoders.
 *
 * @param onRequest - Called once per request, after its body arrived.
 * @returns The running server.
 */
export async function startLoopbackServer(onRequest: (path: string, headers: IncomingHttpHeaders, body: Buffer) => void): Promise<LoopbackServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      onRequest(req.url ?? '', req.headers, Buffer.concat(chunks));
      res.statusCode = 200;
      res.setHeader('content-type', 'application/x-protobuf');
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Starts a receiver on a free 127.0.0.1 port. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedExport[] = [];
  const server = await startLoopbackServer((path, headers, body) => {
    let decoded: OtlpMetricsRequest | Error;
    try {
      decoded = decodeMetricsRequest(body);
    } catch (err) {
      decoded = err as Error;
    }
    received.push({ path, headers, body, decoded });
  });
  return {
    origin: server.origin,
    received,
    next: (match, timeoutMs = 10_000) => waitFor(() => received.find(match), { timeoutMs, what: 'an OTLP export' }),
    close: () => server.close(),
  };
}

/** A running receiver of one OTLP signal, each request decoded into items (spans, log records). */
export interface DecodingReceiver<T> {
  /** `http://127.0.0.1:<port>/v1/<signal>`. */
  readonly url: string;
  /** Every item received, in arrival order. */
  readonly items: T[];
  /** Request paths and content types, in arrival order. */
  readonly requests: { path: string; contentType: string | undefined }[];
  /** Errors of requests that did not decode. */
  readonly errors: Error[];
  /** Resolves once at least `count` items arrived. */
  waitForItems(count: number, timeoutMs?: number): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Starts a receiver on a free 127.0.0.1 port that decodes every request with `decode`.
 *
 * @param signal - `traces` or `logs`: the URL's path.
 * @param decode - The request body's items.
 * @param what - What the items are, for a timeout's message.
 */
export async function startDecodingReceiver<T>(signal: string, decode: (body: Buffer) => T[], what: string): Promise<DecodingReceiver<T>> {
  const items: T[] = [];
  const requests: { path: string; contentType: string | undefined }[] = [];
  const errors: Error[] = [];
  const server = await startLoopbackServer((path, headers, body) => {
    requests.push({ path, contentType: headers['content-type'] });
    try {
      items.push(...decode(body));
    } catch (err) {
      errors.push(err as Error);
    }
  });
  return {
    url: `${server.origin}/v1/${signal}`,
    items,
    requests,
    errors,
    waitForItems: (count, timeoutMs = 10_000) => waitFor(() => (items.length >= count ? items : undefined), { timeoutMs, what: `${count} ${what}` }),
    close: () => server.close(),
  };
}
