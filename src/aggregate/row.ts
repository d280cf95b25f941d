/**
 * The row entry of an aggregator: what a scanner that never builds record objects (`src/scan`) writes
 * instead of calling `add(record)`. Not part of the public surface: the package's own readers use it.
 *
 * @module
 */

/** Index of the start in {@link Row.numbers}. */
export const ROW_START = 0;
/** Index of `durationMs` in {@link Row.numbers}. */
export const ROW_DURATION_MS = 1;
/** Index of `cost` in {@link Row.numbers}. */
export const ROW_COST = 2;
/** Index of `attempt` in {@link Row.numbers}. */
export const ROW_ATTEMPT = 3;

/**
 * One valid record as numbers: its strings already interned through the {@link RowSink}'s `intern*`
 * functions. Absent optional ids and token counts are -1. A scanner reuses one object for every row.
 */
export interface Row {
  /**
   * The fractional values, at {@link ROW_START} (`Date.parse(timestamp)`), {@link ROW_DURATION_MS},
   * {@link ROW_COST} and {@link ROW_ATTEMPT}. In a typed array rather than in fields: the optimized
   * scanner stored a fractional number into an object's field by allocating a heap number each time
   * (measured with the sampling heap profiler: 32 bytes a row, so a young-generation collection every
   * 60,000 rows or so in each worker), whereas a `Float64Array` element is written in place.
   */
  readonly numbers: Float64Array;
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
  const numbers = new Float64Array(4);
  numbers[ROW_ATTEMPT] = 1;
  return {
    numbers,
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
