/**
 * Online classification of retries, as the aggregate defines them (docs/aggregate.md):
 * the previous attempt of a retry r is, among records with the same agent, phase and taskId (a missing
 * taskId is its own value) and `attempt = r.attempt - 1`, the one that started latest at or before r
 * started (ties: the later one in input order). The retry is `infra` when that attempt has a non-empty
 * `errorClass`, `code` otherwise (including when there is none); it is an escalation when its tier
 * differs from the previous attempt's (both present), else its model (both present).
 *
 * The mirror sees records one at a time and must stay bounded, so it looks back over a window:
 * - records are indexed by taskId (records without one, by agent), and the index remembers the most
 *   recent `maxKeys` distinct taskIds (and, separately, agents), by first appearance;
 * - per taskId it keeps the last {@link CANDIDATES_PER_TASK} records (of any agent, phase or attempt), per
 *   agent without a taskId the last {@link CANDIDATES_PER_AGENT}.
 * A retry whose previous attempt fell out of the window counts as `code` and not as an escalation. In a
 * fleet whose retries follow their failed attempt within a few thousand records this is exact; the
 * post-run aggregate, which sees every record, stays the reference.
 *
 * Indexing by the taskId string itself (no composed key) keeps this at one hash of the key and one probe of
 * the index per record (two for a retry).
 *
 * @module
 */
import { parseTimestamp, type InvocationMetric } from '../record.js';
import { BoundedIndex, hashKey } from './bounded-index.js';

/** Records remembered per taskId. */
export const CANDIDATES_PER_TASK = 16;
/** Records remembered per agent among records without a taskId. */
export const CANDIDATES_PER_AGENT = 64;

/** What the mirror learns about a retry. */
export interface RetryVerdict {
  /** `infra` when the previous attempt had a non-empty `errorClass`. */
  readonly kind: 'infra' | 'code';
  /** Whether the routing level (tier, else model) changed from the previous attempt. */
  readonly escalated: boolean;
}

const VERDICTS = {
  infra: Object.freeze({ kind: 'infra', escalated: false }),
  infraEscalated: Object.freeze({ kind: 'infra', escalated: true }),
  code: Object.freeze({ kind: 'code', escalated: false }),
  codeEscalated: Object.freeze({ kind: 'code', escalated: true }),
} as const satisfies Record<string, RetryVerdict>;

/** Remembers recent attempts and classifies each retry against its previous attempt. */
export class RetryTracker {
  // Each record is remembered as the seven fields the rule reads, not as the record: the collector's store
  // keeps records as columns, so a remembered record would be the only thing keeping the collector's
  // 21-field copy alive, through the young generation (copied by every scavenge) into the old one. On a
  // user's Meter, whose SDK calls allocate about 3.6 KB a record (so many scavenges), that cost 3-4% of
  // record()'s CPU time (`record.mjs ours-meter`, alternating). It also freezes what the rule sees at record
  // time: a `metric-recorded` listener that changes the record it gets no longer changes a later verdict.
  readonly #byTask: BoundedIndex<AttemptFields>;
  readonly #byAgent: BoundedIndex<AttemptFields>;

  /** @param maxKeys - Distinct taskIds (and, separately, agents without a taskId) remembered. */
  constructor(maxKeys: number) {
    this.#byTask = new BoundedIndex(maxKeys, CANDIDATES_PER_TASK);
    this.#byAgent = new BoundedIndex(maxKeys, CANDIDATES_PER_AGENT);
  }

  /**
   * Classifies `m` when it is a retry, then remembers it as a possible previous attempt of later retries.
   *
   * @param m - A valid record.
   * @returns The verdict for a retry (`attempt > 1`), `undefined` for a first attempt.
   */
  observe(m: InvocationMetric): RetryVerdict | undefined {
    const index = m.taskId === undefined ? this.#byAgent : this.#byTask;
    const key = m.taskId ?? m.agent;
    const hash = hashKey(key);
    const verdict = m.attempt > 1 ? classify(m, index.get(key, hash)) : undefined;
    index.add(key, attemptOf(m), hash);
    return verdict;
  }
}

/** The fields of `m` that the rule reads, in an object of one shape (absent optional fields as `undefined`). */
function attemptOf(m: InvocationMetric): AttemptFields {
  return { agent: m.agent, phase: m.phase, attempt: m.attempt, timestamp: m.timestamp, tier: m.tier, model: m.model, errorClass: m.errorClass };
}

function classify(m: InvocationMetric, candidates: readonly AttemptFields[] | undefined): RetryVerdict {
  return verdictOf(m, previousAttempt(m, candidates));
}

/** The fields of a record that the previous-attempt rule reads (a record, or anything that carries them). */
export type AttemptFields = Pick<InvocationMetric, 'agent' | 'phase' | 'attempt' | 'timestamp' | 'tier' | 'model' | 'errorClass'>;

/**
 * The previous attempt of `m` among `candidates` (the rule of this module's header), shared by the
 * mirror's retry metrics and the span links of `src/traces/`, so both name the same attempt.
 *
 * @param m - A valid record with `attempt > 1`.
 * @param candidates - Earlier records in input order, or `undefined`.
 * @returns The candidate that is its previous attempt, or `undefined`.
 */
export function previousAttempt<T extends AttemptFields>(m: AttemptFields, candidates: readonly T[] | undefined): T | undefined {
  if (candidates === undefined) return undefined;
  let best: T | undefined;
  let bestStart = Number.NaN;
  let start = Number.NaN;
  // Candidates come in input order, so `>=` makes the later of two equal starts win (the tie rule).
  for (const a of candidates) {
    if (a.attempt !== m.attempt - 1 || a.phase !== m.phase || a.agent !== m.agent) continue;
    // Parsed only here, by the validator's own parser (records are valid: it equals Date.parse, faster).
    if (Number.isNaN(start)) start = parseTimestamp(m.timestamp);
    const s = parseTimestamp(a.timestamp);
    if (s <= start && (best === undefined || s >= bestStart)) {
      best = a;
      bestStart = s;
    }
  }
  return best;
}

/**
 * The verdict of a retry against its previous attempt.
 *
 * @param m - The retry.
 * @param best - Its previous attempt, or `undefined` (none found: `code`, not escalated).
 * @returns The verdict (a shared frozen object).
 */
export function verdictOf(m: AttemptFields, best: AttemptFields | undefined): RetryVerdict {
  if (best === undefined) return VERDICTS.code;
  let escalated = false;
  if (best.tier !== undefined && m.tier !== undefined) escalated = best.tier !== m.tier;
  else if (best.model !== undefined && m.model !== undefined) escalated = best.model !== m.model;
  const infra = typeof best.errorClass === 'string' && best.errorClass !== '';
  if (infra) return escalated ? VERDICTS.infraEscalated : VERDICTS.infra;
  return escalated ? VERDICTS.codeEscalated : VERDICTS.code;
}
