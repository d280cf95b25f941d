/**
 * The row entry of an aggregator: what a scanner that never builds record objects (`src/scan`) writes
 * instead of calling `add(record)`. Not part of the public surface: the package's own readers use it.
 *
 * @module
 */

/**
 * One valid record as numbers: its strings already interned through the {@link RowSink}'s `intern*`
 * functions. Absent optional ids and token counts are -1. A scanner reuses one object for every row.
 */
export interface Row {
  /** `Date.parse(timestamp)`. */
  start: number;
  durationMs: number;
  cost: number;
  attempt: number;
  /** Id from `internAgent`. */
  agent: number;
  /** The phase number itself (interned by `addRow`). */
  phase: number;
  /** Id from `taskIdOfBytes`, or -1. */
  taskId: number;
  /** Id from `internModel`, or -1. */
  model: number;
  /** Id from `internTier`, or -1. */
  tier: number;
  /** Id from `internErrorClass`, or -1. */
  errorClass: number;
  success: boolean;
  outputParsed: boolean;
  tokens: number;
  /** -1 when absent. */
  inputTokens: number;
  /** -1 when absent. */
  outputTokens: number;
  /** -1 when absent. */
  cachedTokens: number;
}

/** Interning and appending rows; `addRow(row)` is equivalent to `add(record)` of the record the row stands for. */
export interface RowSink {
  internAgent(value: string): number;
  /** Id of a task id given as its UTF-8 bytes (valid UTF-8) and their `hashBytes` hash. */
  taskIdOfBytes(view: DataView, start: number, end: number, hash: number): number;
  internModel(value: string): number;
  internTier(value: string): number;
  internErrorClass(value: string): number;
  addRow(row: Row): void;
}

/**
 * A fresh row with every optional field absent.
 *
 * @returns The row.
 */
export function emptyRow(): Row {
  return {
    start: 0,
    durationMs: 0,
    cost: 0,
    attempt: 1,
    agent: 0,
    phase: 0,
    taskId: -1,
    model: -1,
    tier: -1,
    errorClass: -1,
    success: false,
    outputParsed: false,
    tokens: 0,
    inputTokens: -1,
    outputTokens: -1,
    cachedTokens: -1,
  };
}
