/**
 * Resolution of previous attempts (docs/aggregate.md): the previous attempt of a retry r is,
 * among records with the same `agent`, `phase` and `taskId` (absent being its own value) and `attempt =
 * r.attempt - 1`, the one that started latest at or before r started; ties go to the later one in input
 * order. It may come after r in the input, so it is resolved over all records at once, not while folding.
 *
 * Method: sort the candidate records by (taskId, agent, phase, attempt, start, input index). Then the
 * records of one key and attempt form a run sorted by start, the run of attempt - 1 (if any) sits right
 * before it, and a pointer moving forward through that run finds each retry's previous attempt: the last
 * record whose start is <= the retry's, which among equal starts is the last in input order. O(n log n);
 * the sort is a counting sort by task id, then small sorts within each task id.
 *
 * @module
 */

/** The columns this resolution reads (ids as in `AggregatorColumns`; -1 = no taskId). */
export interface AttemptColumns {
  readonly agent: Int32Array;
  readonly phase: Int32Array;
  readonly taskId: Int32Array;
  readonly attempt: Float64Array;
  readonly start: Float64Array;
}

/** Sizes of the id tables, for the marking arrays. */
export interface AttemptTableSizes {
  readonly agents: number;
  readonly phases: number;
  readonly taskIds: number;
}

/**
 * Finds the previous attempt of every retry.
 *
 * @param columns - The records' columns, `count` rows.
 * @param count - Number of records.
 * @param sizes - Table sizes.
 * @returns `previous[i]`: the row of record i's previous attempt, or -1 (no retry, or none exists).
 */
export function findPreviousAttempts(columns: AttemptColumns, count: number, sizes: AttemptTableSizes): Int32Array {
  const { agent, phase, taskId, attempt, start } = columns;
  const previous = new Int32Array(count).fill(-1);
  const candidates = selectCandidates(columns, count, sizes);
  if (candidates.length === 0) return previous;

  sortCandidates(candidates, columns, sizes.taskIds);

  const sameKey = (x: number, y: number): boolean => agent[x] === agent[y] && phase[x] === phase[y] && taskId[x] === taskId[y];
  let before = -1; // first position of the previous run, -1 when none
  let runStart = 0;
  while (runStart < candidates.length) {
    const head = candidates[runStart]!;
    let runEnd = runStart + 1;
    while (runEnd < candidates.length && sameKey(head, candidates[runEnd]!) && attempt[candidates[runEnd]!] === attempt[head]) runEnd++;
    const prevHead = before < 0 ? -1 : candidates[before]!;
    if (prevHead >= 0 && sameKey(prevHead, head) && attempt[prevHead] === attempt[head]! - 1) {
      // Runs are contiguous: the previous run ends where this one starts.
      let p = before - 1;
      for (let q = runStart; q < runEnd; q++) {
        const retry = candidates[q]!;
        while (p + 1 < runStart && start[candidates[p + 1]!]! <= start[retry]!) p++;
        if (p >= before) previous[retry] = candidates[p]!;
      }
    }
    before = runStart;
    runStart = runEnd;
  }
  return previous;
}

/**
 * The rows that can take part: retries, and records sharing an agent, a phase and a taskId value with
 * some retry. Typical runs retry a small share of their invocations, so this keeps the sort small.
 */
function selectCandidates(columns: AttemptColumns, count: number, sizes: AttemptTableSizes): Int32Array {
  const { agent, phase, taskId, attempt } = columns;
  const agentMarked = new Uint8Array(sizes.agents);
  const phaseMarked = new Uint8Array(sizes.phases);
  const taskMarked = new Uint8Array(sizes.taskIds + 1); // index taskId + 1: 0 = no taskId
  let retries = 0;
  for (let i = 0; i < count; i++) {
    if (attempt[i]! > 1) {
      retries++;
      agentMarked[agent[i]!] = 1;
      phaseMarked[phase[i]!] = 1;
      taskMarked[taskId[i]! + 1] = 1;
    }
  }
  if (retries === 0) return new Int32Array(0);
  // The task id mark first: it is the one that rules out most rows.
  const selected = (i: number): boolean =>
    attempt[i]! > 1 || (taskMarked[taskId[i]! + 1] === 1 && agentMarked[agent[i]!] === 1 && phaseMarked[phase[i]!] === 1);
  let n = 0;
  for (let i = 0; i < count; i++) if (selected(i)) n++;
  const rows = new Int32Array(n);
  for (let i = 0, j = 0; j < n; i++) if (selected(i)) rows[j++] = i;
  return rows;
}

/**
 * Sorts candidate rows by (taskId, agent, phase, attempt, start, row): a counting sort by task id, then
 * each task id's rows (a handful: a task's attempts) by the rest, by insertion; a large group (many rows
 * without a taskId, or one busy task) by the native sort.
 */
function sortCandidates(rows: Int32Array, columns: AttemptColumns, taskIds: number): void {
  const { agent, phase, taskId, attempt, start } = columns;
  const before = (x: number, y: number): number =>
    agent[x]! - agent[y]! || phase[x]! - phase[y]! || attempt[x]! - attempt[y]! || start[x]! - start[y]! || x - y;
  const offsets = new Int32Array(taskIds + 2); // bucket taskId + 1 (0: no taskId) at [offsets[b], offsets[b + 1])
  for (let i = 0; i < rows.length; i++) offsets[taskId[rows[i]!]! + 2]! += 1;
  for (let b = 1; b < offsets.length; b++) offsets[b]! += offsets[b - 1]!;
  const next = offsets.slice(0, taskIds + 1);
  const sorted = new Int32Array(rows.length);
  // Rows are in input order, so each bucket starts sorted by row: ties stay in input order.
  for (let i = 0; i < rows.length; i++) {
    const b = taskId[rows[i]!]! + 1;
    sorted[next[b]!] = rows[i]!;
    next[b]! += 1;
  }
  for (let b = 0; b <= taskIds; b++) {
    const from = offsets[b]!;
    const to = offsets[b + 1]!;
    if (to - from > 16) sorted.subarray(from, to).sort(before);
    else {
      for (let i = from + 1; i < to; i++) {
        const x = sorted[i]!;
        let j = i - 1;
        for (; j >= from && before(sorted[j]!, x) > 0; j--) sorted[j + 1] = sorted[j]!;
        sorted[j + 1] = x;
      }
    }
  }
  rows.set(sorted);
}
