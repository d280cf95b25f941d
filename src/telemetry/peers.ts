/**
 * The OpenTelemetry SDK packages `createTelemetry()` needs, which are optional peer dependencies: the
 * library itself depends on `@opentelemetry/api` alone (OpenTelemetry's rule for libraries), and the
 * application owner installs the SDK. Before loading any of them, `createTelemetry()` checks that each
 * package the requested parts need resolves (`createTracing()` those of the trace SDK), and names the
 * exact `npm i` line when one does not.
 *
 * @module
 */
import { InvocationMetricsError } from '../errors.js';

/** An SDK package and the range of it this version supports (kept equal to package.json's peer ranges). */
export interface PeerPackage {
  /** The npm package name. */
  readonly name: string;
  /** The supported range, as `npm i name@range` takes it. */
  readonly range: string;
}

/** The SDK packages every `createTelemetry()` bundle needs (the provider and its resource). */
export const CORE_PEERS: readonly PeerPackage[] = [
  { name: '@opentelemetry/sdk-metrics', range: '^3' },
  { name: '@opentelemetry/resources', range: '^3' },
];
/** What `prometheus` (on by default) adds. */
export const PROMETHEUS_PEERS: readonly PeerPackage[] = [{ name: '@opentelemetry/exporter-prometheus', range: '>=0.300.0 <0.400.0' }];
/** What `otlp` adds. */
export const OTLP_PEERS: readonly PeerPackage[] = [{ name: '@opentelemetry/exporter-metrics-otlp-proto', range: '>=0.300.0 <0.400.0' }];

/** What `logs` adds: the logs SDK and the OTLP http/protobuf log exporter. */
export const LOGS_PEERS: readonly PeerPackage[] = [
  { name: '@opentelemetry/sdk-logs', range: '^3' },
  { name: '@opentelemetry/exporter-logs-otlp-proto', range: '>=0.300.0 <0.400.0' },
];

/** What `createTracing()` needs: the trace SDK, the resource and the OTLP http/protobuf trace exporter. */
export const TRACES_PEERS: readonly PeerPackage[] = [
  { name: '@opentelemetry/sdk-trace', range: '^3' },
  { name: '@opentelemetry/resources', range: '^3' },
  { name: '@opentelemetry/exporter-trace-otlp-proto', range: '>=0.300.0 <0.400.0' },
];

/** An optional peer dependency that a requested feature needs is not installed. */
export class MissingPeerDependencyError extends InvocationMetricsError {
  /** The packages that did not resolve, as `name@range`. */
  readonly packages: readonly string[];
  /** The command that installs them: `npm i ...`. */
  readonly install: string;

  /**
   * @param feature - What needed them, e.g. `createTelemetry({ prometheus })`.
   * @param missing - The packages that did not resolve.
   */
  constructor(feature: string, missing: readonly PeerPackage[]) {
    const packages = missing.map((p) => `${p.name}@'${p.range}'`);
    const install = `npm i ${packages.join(' ')}`;
    super(
      'ERR_MISSING_PEER_DEPENDENCY',
      `${feature} needs the OpenTelemetry SDK package${missing.length > 1 ? 's' : ''} ${missing.map((p) => p.name).join(', ')}, ` +
        `which ${missing.length > 1 ? 'are optional peer dependencies' : 'is an optional peer dependency'} of invocation-metrics and not installed. Install with: ${install}`,
    );
    this.packages = packages;
    this.install = install;
  }
}

/**
 * Which of `peers` do not resolve from this module (where the library is installed), without loading any.
 *
 * @param peers - The packages to look for.
 * @param resolve - The resolver (`import.meta.resolve`); injectable for the tests.
 * @returns Those that do not resolve, in the order given.
 */
export function missingPeers(peers: readonly PeerPackage[], resolve: (specifier: string) => string = (s) => import.meta.resolve(s)): PeerPackage[] {
  return peers.filter((p) => {
    try {
      resolve(p.name);
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * Throws {@link MissingPeerDependencyError} when any of `peers` is not installed.
 *
 * @param feature - What needs them, for the message.
 * @param peers - The packages it needs.
 */
export function requirePeers(feature: string, peers: readonly PeerPackage[]): void {
  const missing = missingPeers(peers);
  if (missing.length > 0) throw new MissingPeerDependencyError(feature, missing);
}
