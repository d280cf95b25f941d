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
  const infraClass = Uint8Array.from(tables.errorClasses, (name) => (name !== '' ? 1 : 0));
  const outcomes: RetryOutcomes = { infra: 0, infraByAgent: new Float64Array(tables.agents), escalations: 0, transitions: new Map() };
  // Transitions counted by id pair (from * size + to, below size^2: exact), named once at the end.
  const tiers = tables.tiers.length;
  const models = tables.models.length;
  const tierMoves = new Map<number, number>();
  const modelMoves = new Map<number, number>();
  for (let i = 0; i < previous.length; i++) {
    const p = previous[i]!;
    if (p < 0 || attempt[i]! <= 1) continue;
    const error = errorClass[p]!;
    if (error >= 0 && infraClass[error] === 1) {
      outcomes.infra++;
      outcomes.infraByAgent[agent[i]!]! += 1;
    }
    // Ids of one table are equal exactly when the strings are.
    const from = tier[p]!;
    const to = tier[i]!;
    if (from >= 0 && to >= 0) {
      if (from !== to) tierMoves.set(from * tiers + to, (tierMoves.get(from * tiers + to) ?? 0) + 1);
    } else {
      const fromModel = model[p]!;
      const toModel = model[i]!;
      if (fromModel >= 0 && toModel >= 0 && fromModel !== toModel) {
        const key = fromModel * models + toModel;
        modelMoves.set(key, (modelMoves.get(key) ?? 0) + 1);
      }
    }
  }
  const name = (moves: Map<number, number>, size: number, names: readonly string[]): void => {
    for (const [k, n] of moves) {
      outcomes.escalations += n;
      // A tier and a model can share a name: the same transition text adds up.
      const key = `${names[Math.floor(k / size)]} -> ${names[k % size]}`;
      outcomes.transitions.set(key, (outcomes.transitions.get(key) ?? 0) + n);
    }
  };
  name(tierMoves, tiers, tables.tiers);
  name(modelMoves, models, tables.models);
  return outcomes;
}
