/**
 * The Prometheus text exposition of a collection, written as `@opentelemetry/exporter-prometheus`
 * (0.301) writes it, only faster, and with one deliberate difference: metric names carry the unit suffix
 * of the OTel-to-Prometheus compatibility spec (`gen_ai_invoke_agent_duration_seconds`), as the OTel
 * Collector and Prometheus's OTLP receiver write them, so that the scrape and the OTLP path give one name
 * (see prometheus-units.ts). The SDK's serializer adds none. The exporter's `PrometheusSerializer` sanitizes every label key with two
 * regex replaces, escapes every value with three, and rebuilds a data point's whole label set for each of
 * its `_count`, `_sum` and `_bucket` lines: a scrape of 34k samples spent most of its time there. This one
 * caches sanitized keys, escapes only values that need it, and builds each data point's labels once.
 *
 * Apart from the names, the output is byte-for-byte the SDK serializer's for the options
 * `createTelemetry()` gives the exporter (no prefix, no timestamps, scope labels and `target_info` on, no
 * resource constant labels): the tests compare both on random collections, with `unitSuffixes: false`
 * byte for byte, and with suffixes against the SDK's text with each family renamed.
 *
 * @module
 */
import { diag, type Attributes, type AttributeValue } from '@opentelemetry/api';
import { withUnitSuffix } from './prometheus-units.js';
import {
  DataPointType,
  type DataPoint,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';

/** The family of the resource's attributes. */
const TARGET_INFO = 'target_info';

/** What the SDK writes when no scope yields a metric. */
const NO_REGISTERED_METRICS = '# no registered metrics';

/** The SDK's name sanitization: every character outside `[a-zA-Z0-9_]` becomes `_`, then runs of `_` collapse. */
const INVALID_CHARACTER = /[^a-z0-9_]/gi;
const MULTIPLE_UNDERSCORES = /_{2,}/g;

/** Characters a label value escapes (`\`, newline, `"`); HELP and UNIT text escape the first two only. */
const LABEL_ESCAPE_TEST = /[\\\n"]/;
const LABEL_ESCAPE = /[\\\n"]/g;
const TEXT_ESCAPE_TEST = /[\\\n]/;
const TEXT_ESCAPE = /[\\\n]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '"': '\\"' };
const escapeChar = (c: string): string => ESCAPES[c]!;

/**
 * How many distinct names (label keys, metric names) the caches keep. Names are few (the attribute sets
 * are bounded); the cap only keeps a stream of ever-new keys from growing the caches without end.
 */
const MAX_CACHED = 4096;

/**
 * Sanitizes a name exactly as the SDK's `sanitizePrometheusMetricName` does (same expressions, so the
 * same result for any input, surrogates and case folding included).
 *
 * @param name - An OpenTelemetry metric name or attribute key.
 * @returns The Prometheus name.
 */
const sanitize = (name: string): string => name.replace(INVALID_CHARACTER, '_').replace(MULTIPLE_UNDERSCORES, '_');

/**
 * The SDK's `escapeString`: backslash and newline escaped, in one pass (equivalent to its two replaces,
 * since the first only adds backslashes, which the second does not touch).
 *
 * @param s - HELP or UNIT text, or a metric name before sanitization.
 * @returns `s`, escaped; `s` itself when nothing needs it.
 */
const escapeText = (s: string): string =>
  // A non-string reaches `.replace` and throws, as in the SDK.
  typeof s === 'string' && !TEXT_ESCAPE_TEST.test(s) ? s : s.replace(TEXT_ESCAPE, escapeChar);

/**
 * The SDK's `escapeAttributeValue`: a non-string value is JSON-encoded first (`undefined` stays empty),
 * then backslash, newline and double quote are escaped.
 *
 * @param value - An attribute value.
 * @returns The label value, without its quotes.
 * @throws TypeError for a value JSON cannot encode (a function, a symbol), as the SDK does.
 */
function labelValue(value: AttributeValue | undefined): string {
  let s: unknown = value;
  if (typeof s !== 'string') {
    if (s === undefined) return '';
    s = JSON.stringify(s);
    // The SDK would call `.replace` on undefined here; fail the same way rather than print "undefined".
    if (typeof s !== 'string') throw new TypeError(`Cannot serialize attribute value ${String(value)}`);
  }
  return LABEL_ESCAPE_TEST.test(s as string) ? (s as string).replace(LABEL_ESCAPE, escapeChar) : (s as string);
}

/**
 * The SDK's `valueString`: infinities as Prometheus writes them, everything else through a template
 * string (so NaN is `NaN` and -0 is `0`).
 *
 * @param value - A sample value.
 * @returns Its text.
 */
const valueText = (value: number): string => (value === Infinity ? '+Inf' : value === -Infinity ? '-Inf' : `${value}`);

/** The Prometheus type of a metric, as the SDK's `toPrometheusType` names it. */
function typeOf(metric: MetricData): string {
  switch (metric.dataPointType) {
    case DataPointType.SUM:
      return metric.isMonotonic ? 'counter' : 'gauge';
    case DataPointType.GAUGE:
      return 'gauge';
    case DataPointType.HISTOGRAM:
      return 'histogram';
    default:
      return 'untyped';
  }
}

/**
 * Serializes collections to the Prometheus text format, byte-for-byte as the SDK's `PrometheusSerializer`
 * configured as `createTelemetry()` configures its exporter. Keep one per endpoint: it caches sanitized
 * names across scrapes.
 */
export class PrometheusTextSerializer {
  /** Whether names carry the unit suffix (see the module comment). */
  readonly #unitSuffixes: boolean;
  /** Attribute key → `sanitized="` (the start of its label). */
  readonly #labelStarts = new Map<string, string>();
  /** Metric name → sanitized, escaped name (before the digit and `_total` rules). */
  readonly #metricNames = new Map<string, string>();
  /** Bucket bound → `,le="…"} ` (the end of a bucket line's label set, before its value). */
  readonly #leEnds = new Map<number, string>();
  /** The metadata conflicts warned about at the last scrape (the SDK warns once while one lasts). */
  #previousConflicts = new Set<string>();

  /**
   * @param options.unitSuffixes - Append the compatibility spec's unit suffix to metric names
   * (`_seconds` for unit `s`; none for `{annotation}` units), before `_total`. Off, the output is the
   * SDK serializer's byte for byte.
   * @default { unitSuffixes: true }
   */
  constructor(options: { unitSuffixes?: boolean } = {}) {
    this.#unitSuffixes = options.unitSuffixes ?? true;
  }

  /**
   * Serializes one collection.
   *
   * @param resourceMetrics - What a reader collected (the mirror's metrics and any SDK instruments).
   * @returns The exposition text, as the SDK's `PrometheusSerializer.serialize` would write it.
   * @throws TypeError for an attribute value JSON cannot encode, as the SDK does.
   */
  serialize(resourceMetrics: ResourceMetrics): string {
    // One string grown by `+=` (a rope V8 flattens once) beat an array of lines and `join` by a third.
    let head = '';
    let body = '';
    for (const [name, family] of this.#families(resourceMetrics)) {
      const meta = family.meta;
      if (meta === undefined) continue;
      let writeMeta = true;
      if (name === TARGET_INFO) {
        head = targetInfo(this.#labels(resourceMetrics.resource.attributes), meta);
        writeMeta = false;
      }
      for (const { metric, scope } of family.members) {
        const text = this.#metric(name, meta, metric, scope, writeMeta);
        if (text !== '') {
          body += text;
          writeMeta = false;
        }
      }
    }
    return head + (body === '' ? NO_REGISTERED_METRICS : body);
  }

  /**
   * The metric families of a collection, as the SDK (0.300 on) groups them: by Prometheus name, in order
   * of first appearance after `target_info`, across scopes. A family whose members disagree on the type
   * is dropped (with a warning); HELP and UNIT come from the first member that has one (a later different
   * one is warned about and ignored). Warnings are given once while a conflict lasts, as the SDK does.
   */
  #families(resourceMetrics: ResourceMetrics): Map<string, Family> {
    const families = new Map<string, Family>([[TARGET_INFO, { meta: { help: 'Target metadata', unit: '', type: 'gauge' }, members: [] }]]);
    const conflicts = new Set<string>();
    for (const { scope, metrics } of resourceMetrics.scopeMetrics) {
      for (const metric of metrics) {
        const name = this.#name(metric);
        if (name === undefined) continue;
        const type = typeOf(metric);
        const family = families.get(name);
        if (family === undefined) {
          families.set(name, { meta: { help: metric.descriptor.description, unit: metric.descriptor.unit, type }, members: [{ metric, scope }] });
        } else if (family.meta !== undefined) {
          if (family.meta.type !== type) {
            this.#warnConflict(conflicts, 'TYPE', name, family.meta.type, type, undefined);
            family.meta = undefined;
            family.members = [];
          } else {
            family.members.push({ metric, scope });
          }
        }
      }
    }
    for (const [name, { meta, members }] of families) {
      if (meta === undefined) continue;
      for (const { metric } of members) {
        const { description: help, unit } = metric.descriptor;
        if (help) {
          if (!meta.help) meta.help = help;
          else if (meta.help !== help) this.#warnConflict(conflicts, 'HELP', name, meta.help, help, meta.help);
        }
        if (unit) {
          if (!meta.unit) meta.unit = unit;
          else if (meta.unit !== unit) this.#warnConflict(conflicts, 'UNIT', name, meta.unit, unit, meta.unit);
        }
      }
    }
    this.#previousConflicts = conflicts;
    return families;
  }

  /** The SDK's metadata-conflict warning: once per conflict within a scrape, and not again while it lasts. */
  #warnConflict(current: Set<string>, kind: string, name: string, first: unknown, second: unknown, selected: string | undefined): void {
    const key = `${kind}:${name}:${selected ?? ''}`;
    if (current.has(key)) return;
    current.add(key);
    if (this.#previousConflicts.has(key)) return;
    const values = `${JSON.stringify(first)}, ${JSON.stringify(second)}`;
    diag.warn(
      selected === undefined
        ? `Conflicting ${kind} comments for metric "${name}": ${values}; dropping the metric.`
        : `Conflicting ${kind} comments for metric "${name}": ${values}; exporting ${JSON.stringify(selected)}.`,
    );
  }

  /** The Prometheus name of a metric as the SDK derives it; `undefined` (and a diag error) for a name it skips. */
  #name(metric: MetricData): string | undefined {
    const descriptor = metric.descriptor;
    let name = this.#metricNames.get(descriptor.name);
    if (name === undefined) {
      name = sanitize(escapeText(descriptor.name));
      remember(this.#metricNames, descriptor.name, name);
    }
    if (name === '') {
      diag.error(`Normalization for metric "${descriptor.name}" resulted in empty name`);
      return undefined;
    } else if (name === '_') {
      diag.error(`Normalization for metric "${descriptor.name}" resulted in an invalid name: "_"`);
      return undefined;
    } else if (name[0]! >= '0' && name[0]! <= '9') {
      name = `_${name}`;
    }
    if (this.#unitSuffixes && typeof descriptor.unit === 'string' && descriptor.unit !== '') {
      const gauge = metric.dataPointType === DataPointType.GAUGE || (metric.dataPointType === DataPointType.SUM && !metric.isMonotonic);
      name = withUnitSuffix(name, descriptor.unit, gauge);
    }
    if (!name.endsWith('_total') && metric.dataPointType === DataPointType.SUM && metric.isMonotonic) name += '_total';
    return name;
  }

  /** The scope's labels, in the SDK's order: name, then schema URL and version when set. */
  #scopeLabels(scope: ScopeMetrics['scope']): string {
    let s = `${this.#labelStart('otel.scope.name')}${labelValue(scope.name)}"`;
    if (scope.schemaUrl) s += `,${this.#labelStart('otel.scope.schema_url')}${labelValue(scope.schemaUrl)}"`;
    if (scope.version) s += `,${this.#labelStart('otel.scope.version')}${labelValue(scope.version)}"`;
    return s;
  }

  /** `key="value"` pairs of `attributes`, comma-separated, in `Object.entries` order. */
  #labels(attributes: Attributes): string {
    let s = '';
    for (const key of Object.keys(attributes)) {
      s += `${s.length > 0 ? ',' : ''}${this.#labelStart(key)}${labelValue(attributes[key])}"`;
    }
    return s;
  }

  #labelStart(key: string): string {
    let start = this.#labelStarts.get(key);
    if (start === undefined) {
      start = `${sanitize(key)}="`;
      remember(this.#labelStarts, key, start);
    }
    return start;
  }

  #leEnd(bound: number | undefined): string {
    // The SDK labels the overflow bucket (no bound, or an Infinity bound) +Inf and any other bound String(bound).
    if (bound === undefined || bound === Infinity) return ',le="+Inf"} ';
    if (typeof bound !== 'number') return `,le="${labelValue(String(bound))}"} `;
    let end = this.#leEnds.get(bound);
    if (end === undefined) {
      end = `,le="${String(bound)}"} `;
      remember(this.#leEnds, bound, end);
    }
    return end;
  }

  /**
   * One member of a family: the family's HELP, UNIT and TYPE lines when `writeMeta`, then its samples;
   * '' when that is nothing.
   */
  #metric(name: string, meta: Metadata, metric: MetricData, scope: ScopeMetrics['scope'], writeMeta: boolean): string {
    const scopeLabels = this.#scopeLabels(scope);
    const head = writeMeta
      ? `# HELP ${name} ${escapeText(meta.help || 'description missing')}\n` +
        (meta.unit ? `# UNIT ${name} ${escapeText(meta.unit)}\n` : '') +
        `# TYPE ${name} ${meta.type}\n`
      : '';
    let samples: Samples;
    switch (metric.dataPointType) {
      case DataPointType.SUM:
      case DataPointType.GAUGE:
        samples = this.#singular(name, metric.dataPoints, scopeLabels);
        break;
      case DataPointType.HISTOGRAM:
        samples = this.#histograms(name, metric.dataPoints, scopeLabels);
        break;
      default:
        diag.error(`Unrecognizable DataPointType: ${(metric as MetricData).dataPointType} for metric "${name}"`);
        samples = { text: '', exotic: false };
    }
    const text = head + samples.text;
    // The SDK trims each member's text, then adds one newline. With number values (all SDK aggregations
    // produce) that changes nothing; the text of another value may end in whitespace, which it trims.
    if (!samples.exotic) return text;
    const trimmed = text.trim();
    return trimmed === '' ? '' : `${trimmed}\n`;
  }

  /** The samples of a sum or gauge. */
  #singular(name: string, points: readonly DataPoint<number>[], scopeLabels: string): Samples {
    let text = '';
    let exotic = false;
    for (const p of points) {
      const attributes = this.#labels(p.attributes);
      const value = p.value;
      if (typeof value !== 'number') exotic = true;
      text += `${name}{${attributes === '' ? '' : `${attributes},`}${scopeLabels}} ${valueText(value)}\n`;
    }
    return { text, exotic };
  }

  /**
   * The samples of a histogram: per data point `_count`, `_sum`, then the cumulative buckets, all sharing
   * one label string.
   */
  #histograms(name: string, points: readonly DataPoint<Histogram>[], scopeLabels: string): Samples {
    let text = '';
    let exotic = false;
    const countName = `${name}_count{`;
    const sumName = `${name}_sum{`;
    const bucketName = `${name}_bucket{`;
    for (const p of points) {
      const attributes = this.#labels(p.attributes);
      const labels = attributes === '' ? scopeLabels : `${attributes},${scopeLabels}`;
      const h = p.value;
      // The SDK skips a missing count or sum (`!= null`).
      if (h.count != null) {
        if (typeof h.count !== 'number') exotic = true;
        text += `${countName}${labels}} ${valueText(h.count)}\n`;
      }
      if (h.sum != null) {
        if (typeof h.sum !== 'number') exotic = true;
        text += `${sumName}${labels}} ${valueText(h.sum)}\n`;
      }
      const bucket = bucketName + labels;
      const { boundaries, counts } = h.buckets;
      let cumulative = 0;
      let infiniteBoundaryDefined = false;
      // As the SDK: one line per count; a count past the bounds is +Inf unless an Infinity bound came first.
      for (let i = 0; i < counts.length; i++) {
        cumulative += counts[i]!;
        const bound = boundaries[i];
        if (bound === undefined && infiniteBoundaryDefined) break;
        if (bound === Infinity) infiniteBoundaryDefined = true;
        if (typeof cumulative !== 'number') exotic = true;
        text += `${bucket}${this.#leEnd(bound)}${valueText(cumulative)}\n`;
      }
    }
    return { text, exotic };
  }
}

/** The HELP, UNIT and TYPE of a metric family. */
interface Metadata {
  help: string | undefined;
  unit: string | undefined;
  readonly type: string;
}

/** A metric family: its metadata (`undefined` once a type conflict dropped it) and its members in order. */
interface Family {
  meta: Metadata | undefined;
  members: { readonly metric: MetricData; readonly scope: ScopeMetrics['scope'] }[];
}

/**
 * The `target_info` family, which the SDK writes first, even when the resource has no attributes.
 *
 * @param labels - The resource's labels.
 * @param meta - The family's metadata (a metric named `target_info` may give it a unit).
 * @returns Its lines.
 */
function targetInfo(labels: string, meta: Metadata): string {
  const unit = meta.unit ? `# UNIT ${TARGET_INFO} ${escapeText(meta.unit)}\n` : '';
  return `# HELP ${TARGET_INFO} ${escapeText(meta.help ?? '')}\n${unit}# TYPE ${TARGET_INFO} ${meta.type}\n${TARGET_INFO}${labels === '' ? '' : `{${labels}}`} 1\n`;
}

/** A family's sample lines, and whether a value was not a number (then the family needs the SDK's trim). */
interface Samples {
  readonly text: string;
  readonly exotic: boolean;
}

/** Sets `key` in a bounded cache, emptying it first when full. */
function remember<K, V>(cache: Map<K, V>, key: K, value: V): void {
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, value);
}
