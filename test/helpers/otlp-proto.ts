/**
 * A minimal reader of OTLP/protobuf metrics requests (`ExportMetricsServiceRequest`), enough to check what
 * an exporter pushed: metric names, units, kinds, temporality, attributes and numeric values. Neither
 * `@opentelemetry/otlp-transformer` (it only deserializes responses) nor `protobufjs` (not installed) can
 * decode a request, so this reads the protobuf wire format directly.
 *
 * Field numbers from opentelemetry-proto v1 (opentelemetry/proto/collector/metrics/v1/metrics_service.proto,
 * metrics/v1/metrics.proto, common/v1/common.proto, resource/v1/resource.proto):
 * https://github.com/open-telemetry/opentelemetry-proto/blob/main/opentelemetry/proto/metrics/v1/metrics.proto
 * Wire format: https://protobuf.dev/programming-guides/encoding/
 */

/** One decoded data point: a number, or an explicit-bucket histogram. */
export type OtlpPoint =
  | { attributes: Record<string, string | number | boolean>; value: number }
  | {
      attributes: Record<string, string | number | boolean>;
      count: number;
      sum: number | undefined;
      min: number | undefined;
      max: number | undefined;
      bucketCounts: number[];
      explicitBounds: number[];
    };

/** One decoded metric. */
export interface OtlpMetric {
  name: string;
  description: string;
  unit: string;
  kind: 'gauge' | 'sum' | 'histogram' | 'other';
  /** 1 = DELTA, 2 = CUMULATIVE (AggregationTemporality), 0 when absent. */
  temporality: number;
  monotonic: boolean;
  scope: string;
  points: OtlpPoint[];
}

/** A decoded request. */
export interface OtlpMetricsRequest {
  resource: Record<string, string | number | boolean>;
  metrics: OtlpMetric[];
}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

interface Field {
  no: number;
  wire: number;
  /** The varint value (wire 0). */
  varint?: bigint;
  /** The raw 8 or 4 bytes (wire 1, 5), or the payload (wire 2). */
  bytes?: Uint8Array;
}

function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new Error('protobuf: truncated varint');
    const b = buf[pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
    if (shift > 63n) throw new Error('protobuf: varint too long');
  }
}

/** Splits one message into its fields, in wire order. */
export function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, next] = readVarint(buf, pos);
    pos = next;
    const no = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === WIRE_VARINT) {
      const [v, p] = readVarint(buf, pos);
      out.push({ no, wire, varint: v });
      pos = p;
    } else if (wire === WIRE_I64 || wire === WIRE_I32) {
      const n = wire === WIRE_I64 ? 8 : 4;
      if (pos + n > buf.length) throw new Error('protobuf: truncated fixed field');
      out.push({ no, wire, bytes: buf.subarray(pos, pos + n) });
      pos += n;
    } else if (wire === WIRE_LEN) {
      const [len, p] = readVarint(buf, pos);
      const end = p + Number(len);
      if (end > buf.length) throw new Error('protobuf: truncated length-delimited field');
      out.push({ no, wire, bytes: buf.subarray(p, end) });
      pos = end;
    } else throw new Error(`protobuf: unsupported wire type ${wire} (field ${no})`);
  }
  return out;
}

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
const str = (f: Field): string => new TextDecoder().decode(f.bytes);
const f64 = (f: Field): number => view(f.bytes!).getFloat64(0, true);
const u64 = (f: Field): number => Number(view(f.bytes!).getBigUint64(0, true));
const i64 = (f: Field): number => Number(view(f.bytes!).getBigInt64(0, true));

/** A repeated fixed64 or double: packed (wire 2) or one field per value (wire 1). */
function repeated8(all: Field[], no: number, read: (d: DataView, at: number) => number): number[] {
  const values: number[] = [];
  for (const f of all) {
    if (f.no !== no) continue;
    if (f.wire === WIRE_I64) values.push(read(view(f.bytes!), 0));
    else if (f.wire === WIRE_LEN) for (let at = 0; at < f.bytes!.length; at += 8) values.push(read(view(f.bytes!), at));
  }
  return values;
}

// AnyValue: string_value = 1, bool_value = 2, int_value = 3, double_value = 4.
function anyValue(buf: Uint8Array): string | number | boolean {
  for (const f of fields(buf)) {
    if (f.no === 1) return str(f);
    if (f.no === 2) return f.varint !== 0n;
    if (f.no === 3) return Number(BigInt.asIntN(64, f.varint!));
    if (f.no === 4) return f64(f);
  }
  return '';
}

// KeyValue: key = 1, value = 2.
function attributes(all: Field[], no: number): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const f of all) {
    if (f.no !== no) continue;
    const kv = fields(f.bytes!);
    const key = kv.find((x) => x.no === 1);
    const value = kv.find((x) => x.no === 2);
    out[key === undefined ? '' : str(key)] = value === undefined ? '' : anyValue(value.bytes!);
  }
  return out;
}

// NumberDataPoint: attributes = 7, start_time_unix_nano = 2, time_unix_nano = 3, as_double = 4, as_int = 6 (sfixed64).
function numberPoint(buf: Uint8Array): OtlpPoint {
  const all = fields(buf);
  const d = all.find((f) => f.no === 4);
  const i = all.find((f) => f.no === 6);
  return { attributes: attributes(all, 7), value: d !== undefined ? f64(d) : i !== undefined ? i64(i) : Number.NaN };
}

// HistogramDataPoint: attributes = 9, count = 4 (fixed64), sum = 5, bucket_counts = 6 (fixed64), explicit_bounds = 7, min = 11, max = 12.
function histogramPoint(buf: Uint8Array): OtlpPoint {
  const all = fields(buf);
  const one = (no: number): Field | undefined => all.find((f) => f.no === no);
  const count = one(4);
  const sum = one(5);
  const min = one(11);
  const max = one(12);
  return {
    attributes: attributes(all, 9),
    count: count === undefined ? 0 : u64(count),
    sum: sum === undefined ? undefined : f64(sum),
    min: min === undefined ? undefined : f64(min),
    max: max === undefined ? undefined : f64(max),
    bucketCounts: repeated8(all, 6, (d, at) => Number(d.getBigUint64(at, true))),
    explicitBounds: repeated8(all, 7, (d, at) => d.getFloat64(at, true)),
  };
}

// Metric: name = 1, description = 2, unit = 3, gauge = 5, sum = 7, histogram = 9.
// Gauge: data_points = 1. Sum: data_points = 1, aggregation_temporality = 2, is_monotonic = 3.
// Histogram: data_points = 1, aggregation_temporality = 2.
function metric(buf: Uint8Array, scope: string): OtlpMetric {
  const all = fields(buf);
  const text = (no: number): string => {
    const f = all.find((x) => x.no === no);
    return f === undefined ? '' : str(f);
  };
  const m: OtlpMetric = { name: text(1), description: text(2), unit: text(3), kind: 'other', temporality: 0, monotonic: false, scope, points: [] };
  for (const f of all) {
    if (f.no !== 5 && f.no !== 7 && f.no !== 9) continue;
    m.kind = f.no === 5 ? 'gauge' : f.no === 7 ? 'sum' : 'histogram';
    for (const g of fields(f.bytes!)) {
      if (g.no === 1) m.points.push(f.no === 9 ? histogramPoint(g.bytes!) : numberPoint(g.bytes!));
      else if (g.no === 2) m.temporality = Number(g.varint);
      else if (g.no === 3) m.monotonic = g.varint !== 0n;
    }
  }
  return m;
}

/**
 * Decodes an `ExportMetricsServiceRequest` body.
 * ExportMetricsServiceRequest: resource_metrics = 1. ResourceMetrics: resource = 1, scope_metrics = 2.
 * Resource: attributes = 1. ScopeMetrics: scope = 1, metrics = 2. InstrumentationScope: name = 1.
 *
 * @param body - The HTTP request body (Content-Type application/x-protobuf).
 * @returns The resource attributes (of the last resource) and every metric.
 */
export function decodeMetricsRequest(body: Uint8Array): OtlpMetricsRequest {
  const out: OtlpMetricsRequest = { resource: {}, metrics: [] };
  for (const rm of fields(body).filter((f) => f.no === 1)) {
    for (const f of fields(rm.bytes!)) {
      if (f.no === 1) out.resource = attributes(fields(f.bytes!), 1);
      if (f.no !== 2) continue;
      const sm = fields(f.bytes!);
      const scopeField = sm.find((x) => x.no === 1);
      const nameField = scopeField === undefined ? undefined : fields(scopeField.bytes!).find((x) => x.no === 1);
      const scope = nameField === undefined ? '' : str(nameField);
      for (const mf of sm) if (mf.no === 2) out.metrics.push(metric(mf.bytes!, scope));
    }
  }
  return out;
}
