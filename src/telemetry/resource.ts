/**
 * The OTel resource of the SDK helpers' providers (metrics and traces alike).
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { defaultResource, detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';

/**
 * The resource of a bundle. Each bundle gets its own `service.instance.id`: a fleet's processes push the
 * same series, and without an instance id their cumulative points reach an OTLP backend as one series
 * that jumps back and forth. `OTEL_RESOURCE_ATTRIBUTES` applies (it may set the id itself), and
 * `serviceName` wins over a `service.name` there. Exported for the tests, which build a twin provider.
 *
 * @param serviceName - The resolved `service.name`.
 * @returns The resource.
 */
export function resourceOf(serviceName: string): Resource {
  return defaultResource()
    .merge(resourceFromAttributes({ 'service.instance.id': randomUUID() }))
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(resourceFromAttributes({ 'service.name': serviceName }));
}
