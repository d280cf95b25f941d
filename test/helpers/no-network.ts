/**
 * A guard for the adapter tests: any connection to a host other than loopback (through `fetch`, `net`,
 * `tls`, or `http(s).request`, which go through `net`) fails and is remembered, so that a test can assert
 * that a framework (its telemetry, tracing export, or analytics client) sent nothing anywhere.
 */
import net from 'node:net';
import { afterAll, beforeAll, expect } from 'vitest';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** The guard: `attempts` lists every outbound target tried since `install()`. */
export interface NetworkGuard {
  readonly attempts: string[];
  /** Puts `fetch` and `net.Socket.prototype.connect` back. */
  restore(): void;
}

/**
 * Installs the guard in this process.
 *
 * @returns The guard; call `restore()` in `afterAll`.
 */
export function guardNetwork(): NetworkGuard {
  const attempts: string[] = [];
  const originalFetch = globalThis.fetch;
  const originalConnect = net.Socket.prototype.connect;
  globalThis.fetch = ((input: Parameters<typeof fetch>[0]) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (!LOOPBACK.has(url.hostname)) {
      attempts.push(`fetch ${url.href}`);
      return Promise.reject(new Error(`no network in tests: fetch ${url.href}`));
    }
    return originalFetch(input);
  }) as typeof fetch;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = args[0];
    const options = (Array.isArray(first) ? first[0] : first) as { host?: string; path?: string } | number | string;
    // A Unix socket (`path`) never leaves the machine; a missing host is Node's default, localhost.
    const host = typeof options === 'object' && options !== null ? (options.path !== undefined ? 'localhost' : (options.host ?? 'localhost')) : typeof args[1] === 'string' ? args[1] : 'localhost';
    if (!LOOPBACK.has(host)) {
      attempts.push(`connect ${host}`);
      throw new Error(`no network in tests: connect ${host}`);
    }
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
  return {
    attempts,
    restore() {
      globalThis.fetch = originalFetch;
      net.Socket.prototype.connect = originalConnect;
    },
  };
}

/**
 * Installs the guard for the whole test file (vitest's `beforeAll`) and, after its last test, restores
 * it and asserts that nothing was attempted.
 */
export function noNetworkInThisFile(): void {
  let guard: NetworkGuard;
  beforeAll(() => {
    guard = guardNetwork();
  });
  afterAll(() => {
    guard.restore();
    expect(guard.attempts).toEqual([]);
  });
}
