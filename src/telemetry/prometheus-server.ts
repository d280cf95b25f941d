/**
 * The HTTP shell around the Prometheus metrics handler (`metricsHandler` in provider.ts). We bind our own
 * server because the exporter's (0.2xx) turns `port: 0` into 9464 and binds every interface (or
 * `localhost`, which may resolve to ::1) by default; here the default is 127.0.0.1 and `port: 0` lets the
 * OS choose.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvocationMetricsError } from '../errors.js';

/** A running metrics endpoint. */
export interface MetricsServer {
  /** The URL to scrape, with the port actually bound. */
  readonly url: string;
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves `handler` at `endpoint` on `host:port` (404 elsewhere, 405 for methods other than GET and HEAD).
 *
 * @param handler - Writes the metrics response (`metricsHandler` in provider.ts).
 * @param host - Interface to bind.
 * @param port - Port; 0 for a free one.
 * @param endpoint - Path, starting with `/`.
 * @returns The server, once it listens.
 * @throws {@link InvocationMetricsError} with code `ERR_METRICS_LISTEN` when the port cannot be bound.
 */
export async function serveMetrics(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  host: string,
  port: number,
  endpoint: string,
): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== endpoint) {
      res.statusCode = 404;
      res.end();
    } else if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405;
      res.setHeader('allow', 'GET, HEAD');
      res.end();
    } else handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: Error) =>
      reject(new InvocationMetricsError('ERR_METRICS_LISTEN', `Cannot serve Prometheus metrics on ${host}:${port}: ${err.message}`, { cause: err })),
    );
    server.listen({ host, port }, resolve);
  });
  // Like the exporter's own server: a metrics endpoint alone does not keep the process alive.
  server.unref();
  const bound = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${bound}${endpoint}`,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Prometheus keeps its connection alive between scrapes; close() alone would wait for it.
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
