/**
 * The diff of two runs: pure comparison, `--fail-on` gates and tables. The CLI's `diff` and `report
 * --baseline` are thin shells around it.
 *
 * @module
 */
export { diffRuns, DIFF_DEFAULTS } from './compare.js';
export type { DiffSide } from './compare.js';
export { samplesOfState } from './samples.js';
export type { DiffSamples, GroupSamples, SampleSource } from './samples.js';
export { parseFailOn, applyGates } from './fail-on.js';
export type { FailGate, GateOutcome } from './fail-on.js';
export { diffTables, diffVerdict } from './tables.js';
export { DIFF_FORMAT } from './types.js';
export type { DiffMetric, DiffOptions, DiffResult, DiffRow, DiffTest, ResolvedDiffOptions } from './types.js';
