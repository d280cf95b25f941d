/**
 * What the OTLP path turns into in Prometheus: the names an OTel Collector's Prometheus exporters and
 * Prometheus's own OTLP receiver (translation strategy `UnderscoreEscapingWithSuffixes`, the default of
 * Prometheus 2.47+ and 3.x) give an OTLP metric, by the OTel-to-Prometheus compatibility spec
 * (https://opentelemetry.io/docs/specs/otel/compatibility/prometheus_and_openmetrics/#metric-metadata-1):
 * characters outside `[a-zA-Z0-9_:]` to `_`, the unit as a suffix (`s` → `_seconds`, `ms` →
 * `_milliseconds`, `By` → `_bytes`; an annotation `{...}` adds nothing), `_total` on monotonic sums, and
 * `_bucket` / `_sum` / `_count` for histograms. Written out here from the spec, independently of src.
 * An OTLP metric with another unit fails loudly, so that a new unit gets its rule written down.
 */
import type { OtlpMetric } from './otlp-proto.js';

const WORDS: Readonly<Record<string, string>> = { s: 'seconds', ms: 'milliseconds', By: 'bytes' };

/** The Prometheus metric name (family) of an OTLP metric. */
export function otlpFamilyName(m: Pick<OtlpMetric, 'name' | 'unit' | 'kind' | 'monotonic'>): string {
  let name = m.name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/__+/g, '_');
  const unit = m.unit.replace(/\{[^}]*\}/g, '');
  if (unit !== '') {
    const word = WORDS[unit];
    if (word === undefined) throw new Error(`otlpFamilyName: no rule written down for unit ${JSON.stringify(m.unit)}`);
    if (!name.endsWith(`_${word}`)) name += `_${word}`;
  }
  if (m.kind === 'sum' && m.monotonic) name += '_total';
  return name;
}

/** The sample names an OTLP metric becomes in Prometheus. */
export function otlpSampleNames(m: Pick<OtlpMetric, 'name' | 'unit' | 'kind' | 'monotonic'>): string[] {
  const family = otlpFamilyName(m);
  return m.kind === 'histogram' ? [`${family}_bucket`, `${family}_sum`, `${family}_count`] : [family];
}
