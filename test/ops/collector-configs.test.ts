/**
 * examples/ops/collector-*.yaml: no Collector binary runs here, so their shape is checked instead: each
 * parses as YAML, every component a pipeline names is defined, every key is one the component's
 * documentation lists, and the settings the recipes depend on are set (start_at, offsets storage, no
 * force flush of a torn last line, the body kept as the line).
 *
 * The documented keys are those of the opentelemetry-collector-contrib READMEs of each component
 * (receiver/filelogreceiver, extension/storage/filestorage, exporter/prometheusremotewriteexporter,
 * pkg/stanza/docs/operators/json_parser.md) and the core's confighttp / exporterhelper settings, as of
 * December 2026.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

type Obj = Record<string, unknown>;
const load = (name: string): Obj => parse(fs.readFileSync(fileURLToPath(new URL(`../../examples/ops/${name}`, import.meta.url)), 'utf8')) as Obj;
const keys = (o: unknown): string[] => Object.keys(o as Obj);
const typeOf = (id: string): string => id.split('/')[0]!;

const FILELOG_KEYS = [
  'include', 'exclude', 'exclude_older_than', 'start_at', 'multiline', 'force_flush_period', 'encoding', 'preserve_leading_whitespaces',
  'preserve_trailing_whitespaces', 'include_file_name', 'include_file_path', 'include_file_name_resolved', 'include_file_path_resolved',
  'include_file_owner_name', 'include_file_owner_group_name', 'include_file_record_number', 'poll_interval', 'fingerprint_size',
  'initial_buffer_size', 'max_log_size', 'max_concurrent_files', 'max_batches', 'delete_after_read', 'acquire_fs_lock', 'attributes',
  'resource', 'operators', 'storage', 'header', 'retry_on_failure', 'ordering_criteria', 'compression',
];
const FILE_STORAGE_KEYS = ['directory', 'timeout', 'fsync', 'create_directory', 'directory_permissions', 'compaction'];
const JSON_PARSER_KEYS = ['type', 'id', 'output', 'parse_from', 'parse_to', 'on_error', 'if', 'timestamp', 'severity'];
const ON_ERROR = ['send', 'send_quiet', 'drop', 'drop_quiet'];
const TIMESTAMP_KEYS = ['parse_from', 'layout_type', 'layout', 'location'];
const REMOTE_WRITE_KEYS = [
  'endpoint', 'tls', 'external_labels', 'headers', 'namespace', 'add_metric_suffixes', 'remote_write_queue', 'resource_to_telemetry_conversion',
  'target_info', 'scope_info', 'export_created_metric', 'wal', 'timeout', 'retry_on_failure',
];
const OTLP_HTTP_EXPORTER_KEYS = ['endpoint', 'logs_endpoint', 'headers', 'tls', 'timeout', 'compression', 'encoding', 'sending_queue', 'retry_on_failure'];
const BATCH_KEYS = ['timeout', 'send_batch_size', 'send_batch_max_size', 'metadata_keys', 'metadata_cardinality_limit'];

/** Every component a pipeline or the service names is defined in its section. */
function expectWired(config: Obj): void {
  const service = config.service as { extensions?: string[]; pipelines: Record<string, Record<string, string[]>> };
  for (const ext of service.extensions ?? []) expect(keys(config.extensions), ext).toContain(ext);
  for (const [name, pipeline] of Object.entries(service.pipelines)) {
    expect(['logs', 'metrics', 'traces']).toContain(typeOf(name));
    for (const section of ['receivers', 'processors', 'exporters'] as const)
      for (const id of pipeline[section] ?? []) expect(keys(config[section]), `${name}.${section}: ${id}`).toContain(id);
    expect(pipeline.receivers?.length, name).toBeGreaterThan(0);
    expect(pipeline.exporters?.length, name).toBeGreaterThan(0);
  }
}

const subset = (o: unknown, documented: string[], what: string): void => {
  for (const k of keys(o)) expect(documented, `${what}: ${k}`).toContain(k);
};

describe('examples/ops/collector-filelog.yaml', () => {
  const config = load('collector-filelog.yaml');
  const receiver = (config.receivers as Obj)['filelog/invocations'] as Obj;

  it('is wired: every component the pipeline and the service name is defined', () => {
    expectWired(config);
    expect(Object.keys(config.receivers as Obj).map(typeOf)).toEqual(['filelog']);
  });

  it('uses documented keys only', () => {
    subset(receiver, FILELOG_KEYS, 'filelog');
    for (const [id, ext] of Object.entries(config.extensions as Obj)) {
      expect(typeOf(id)).toBe('file_storage');
      subset(ext, FILE_STORAGE_KEYS, id);
    }
    const [parser] = receiver.operators as Obj[];
    expect(parser!.type).toBe('json_parser');
    subset(parser, JSON_PARSER_KEYS, 'json_parser');
    subset(parser!.timestamp, TIMESTAMP_KEYS, 'json_parser.timestamp');
    expect(ON_ERROR).toContain(parser!.on_error);
    for (const [id, processor] of Object.entries(config.processors as Obj)) subset(processor, BATCH_KEYS, id);
    for (const [id, exporter] of Object.entries(config.exporters as Obj)) {
      expect(typeOf(id)).toBe('otlphttp');
      subset(exporter, OTLP_HTTP_EXPORTER_KEYS, id);
    }
  });

  it('reads from the beginning, keeps offsets in a file_storage extension, never flushes a torn last line, keeps the line as the body', () => {
    expect(receiver.include).toEqual(['${env:INVOCATION_METRICS_DIR}/*.jsonl']);
    expect(receiver.start_at).toBe('beginning');
    expect(typeOf(receiver.storage as string)).toBe('file_storage');
    expect((config.service as { extensions: string[] }).extensions).toContain(receiver.storage);
    // 0 disables the flush timer (pkg/stanza/flush: a period <= 0 returns the plain split function).
    expect(receiver.force_flush_period).toBe('0s');
    // The library's reader limit (maxLineBytes, 1 MiB).
    expect(receiver.max_log_size).toBe('1MiB');
    // parse_to attributes: the body stays the line.
    expect((receiver.operators as Obj[])[0]!.parse_to).toBe('attributes');
    const exporter = (config.exporters as Obj)['otlphttp/central'] as { sending_queue: { storage: string } };
    expect(keys(config.extensions)).toContain(exporter.sending_queue.storage);
  });

  it('parses the writer\'s timestamps with its layout (Go reference time, optional fraction)', () => {
    const parser = (receiver.operators as Obj[])[0]!;
    expect(parser.timestamp).toEqual({ parse_from: 'attributes.timestamp', layout_type: 'gotime', layout: '2006-01-02T15:04:05.999999999Z07:00' });
  });
});

describe('examples/ops/collector-metrics.yaml', () => {
  const config = load('collector-metrics.yaml');

  it('is wired, with documented keys, an OTLP/HTTP receiver on 4318 and remote write with the Prometheus suffixes', () => {
    expectWired(config);
    const otlp = (config.receivers as Obj).otlp as { protocols: { http: { endpoint: string } } };
    expect(keys(otlp.protocols)).toEqual(['http']);
    expect(otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
    const rw = (config.exporters as Obj).prometheusremotewrite as Obj;
    subset(rw, REMOTE_WRITE_KEYS, 'prometheusremotewrite');
    // The names the scrape endpoint serves (`_seconds`, `_total`), which rules.yml and the dashboard query.
    expect(rw.add_metric_suffixes).toBe(true);
    expect(rw.endpoint).toBe('${env:REMOTE_WRITE_URL}');
    for (const [id, processor] of Object.entries(config.processors as Obj)) subset(processor, BATCH_KEYS, id);
  });
});
