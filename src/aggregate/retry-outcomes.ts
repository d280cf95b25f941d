/**
 * What retries say about their previous attempts: infra retries (the previous attempt failed with a
 * non-empty `errorClass`) and escalations (the routing level changed: tiers compared where both records
 * have one, else models where both have one, else nothing; a tier is never compared with a model).
 *
 * @module
 */

/** The columns read here (ids as in `AggregatorColumns`; -1 = absent). */
export interface RetryColumns {
  readonly agent: Int32Array;
  readonly attempt: Float64Array;
  readonly model: Int32Array;
  readonly tier: Int32Array;
  readonly errorClass: Int32Array;
}

/** The names behind the ids. */
export interface RetryTables {
  readonly agents: number;
  readonly models: readonly string[];
  readonly tiers: readonly string[];
  readonly errorClasses: readonly string[];
}

/** Counts over retries. */
export interface RetryOutcomes {
  /** Retries whose previous attempt has a non-empty `errorClass`. */
  infra: number;
  /** The same, per agent id. */
  infraByAgent: Float64Array;
  /** Retries whose routing level differs from their previous attempt's. */
  escalations: number;
  /** Escalations per `"<from> -> <to>"`. */
  transitions: Map<string, number>;
}

/**
 * Counts infra retries and escalations.
 *
 * @param columns - The records' columns.
 * @param previous - Row of each record's previous attempt, or -1 (from `findPreviousAttempts`).
 * @param tables - The id tables.
 * @returns The counts.
 */
export function countRetryOutcomes(columns: RetryColumns, previous: Int32Array, tables: RetryTables): RetryOutcomes {
  const { agent, attempt, model, tier, errorClass } = columns;
  const infraClass = tables.errorClasses.map((name) => name !== '');
  const outcomes: RetryOutcomes = { infra: 0, infraByAgent: new Float64Array(tables.agents), escalations: 0, transitions: new Map() };
  for (let i = 0; i < previous.length; i++) {
    const p = previous[i]!;
    if (p < 0 || attempt[i]! <= 1) continue;
    const error = errorClass[p]!;
    if (error >= 0 && infraClass[error]) {
      outcomes.infra++;
      outcomes.infraByAgent[agent[i]!]! += 1;
    }
    // Ids of one table are equal exactly when the strings are.
    let transition: string | undefined;
    if (tier[p]! >= 0 && tier[i]! >= 0) {
      if (tier[p] !== tier[i]) transition = `${tables.tiers[tier[p]!]} -> ${tables.tiers[tier[i]!]}`;
    } else if (model[p]! >= 0 && model[i]! >= 0) {
      if (model[p] !== model[i]) transition = `${tables.models[model[p]!]} -> ${tables.models[model[i]!]}`;
    }
    if (transition !== undefined) {
      outcomes.escalations++;
      outcomes.transitions.set(transition, (outcomes.transitions.get(transition) ?? 0) + 1);
    }
  }
  return outcomes;
}
