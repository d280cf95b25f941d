/**
 * The fast log scanner behind the CLI: chunked reads, a byte-level fast path for the writer's lines with
 * `JSON.parse` + full validation for any other line, worker threads for large inputs, exact results.
 *
 * @module
 */
export { scanLogs } from './scan-logs.js';
export type { ScanInput, ScanLogsOptions, ScanLogsResult } from './scan-logs.js';
export { DEFAULT_MAX_LINE_BYTES } from '../log/lines.js';
