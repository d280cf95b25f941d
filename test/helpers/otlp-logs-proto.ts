/**
 * Decodes OTLP/protobuf log requests (`ExportLogsServiceRequest`) with the decoders protobufjs generated
 * from the official opentelemetry-proto definitions, as `@opentelemetry/otlp-proto-exporter-base@0.51.1`
 * ships them (see `otlp-trace-proto.ts` for why those). Their proto predates `LogRecord.event_name`
 * (field 12, a string, added in opentelemetry-proto 1.5.0): that one field is read by a protobufjs
 * reflection type holding the official field numbers of the path to it, not by hand.
 */
import { createRequire } from 'node:module';
import { attributes, hex, type AttrValue } from './otlp-trace-proto.js';

interface Message {
  decode(body: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): Record<string, unknown>;
}
const require = createRequire(import.meta.url);
const root = require('@opentelemetry/otlp-proto-exporter-base/build/src/generated/root.js') as {
  opentelemetry: { proto: { collector: { logs: { v1: { ExportLogsServiceRequest: Message } } } } };
};
const Request = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

// The protobufjs that package depends on (its full build, with reflection), not a dependency of ours.
const protobuf = createRequire(require.resolve('@opentelemetry/otlp-proto-exporter-base'))('protobufjs') as {
  Root: { fromJSON(json: unknown): { lookupType(name: string): Message } };
};

// ExportLogsServiceRequest.resource_logs = 1, ResourceLogs.scope_logs = 2, ScopeLogs.log_records = 2,
// LogRecord.event_name = 12 (opentelemetry-proto 1.5.0, logs/v1/logs.proto and collector/logs/v1/logs_service.proto).
const EventNames = protobuf.Root.fromJSON({
  nested: {
    Request: { fields: { resourceLogs: { rule: 'repeated', type: 'ResourceLogs', id: 1 } } },
    ResourceLogs: { fields: { scopeLogs: { rule: 'repeated', type: 'ScopeLogs', id: 2 } } },
    ScopeLogs: { fields: { logRecords: { rule: 'repeated', type: 'LogRecord', id: 2 } } },
    LogRecord: { fields: { eventName: { type: 'string', id: 12 } } },
  },
}).lookupType('Request');

/** An attribute value as decoded. */
export type { AttrValue };

/** One decoded log record. */
export interface OtlpLogRecord {
  eventName: string;
  /** Nanoseconds since the epoch, as a bigint. */
  timeNs: bigint;
  severityNumber: number;
  severityText: string;
  /** The body when it is a string (`string_value`); `undefined` for any other kind. */
  body: string | undefined;
  attributes: Record<string, AttrValue>;
  traceId: string;
  spanId: string;
  scope: string;
  resource: Record<string, AttrValue>;
}

type Obj = Record<string, unknown>;

/**
 * @param body - The request body.
 * @returns Its log records, in order.
 */
export function decodeLogsRequest(body: Uint8Array): OtlpLogRecord[] {
  const req = Request.toObject(Request.decode(body), { longs: String, bytes: String, defaults: true });
  const names = EventNames.toObject(EventNames.decode(body), { defaults: true }) as { resourceLogs: { scopeLogs: { logRecords: { eventName: string }[] }[] }[] };
  const out: OtlpLogRecord[] = [];
  (req.resourceLogs as Obj[]).forEach((rl, r) => {
    const resource = attributes((rl.resource as Obj | undefined)?.attributes);
    (rl.scopeLogs as Obj[]).forEach((sl, s) => {
      const scope = ((sl.scope as Obj | undefined)?.name as string | undefined) ?? '';
      (sl.logRecords as Obj[]).forEach((lr, i) => {
        const b = lr.body as Obj | undefined;
        out.push({
          eventName: names.resourceLogs[r]!.scopeLogs[s]!.logRecords[i]!.eventName,
          timeNs: BigInt(lr.timeUnixNano as string),
          severityNumber: lr.severityNumber as number,
          severityText: lr.severityText as string,
          body: b !== undefined && 'stringValue' in b ? (b.stringValue as string) : undefined,
          attributes: attributes(lr.attributes),
          traceId: hex(lr.traceId),
          spanId: hex(lr.spanId),
          scope,
          resource,
        });
      });
    });
  });
  return out;
}
