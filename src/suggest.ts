/**
 * "Did you mean ...?": the closest known name to a misspelled one (a field of `begin()`/`end()`, a CLI
 * flag). Pure.
 *
 * @module
 */

/**
 * Edit distance with adjacent transpositions (optimal string alignment), compared case-insensitively:
 * `modle` is 1 from `model`, `tasKId` 0 from `taskId`.
 */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  // Three rows suffice: the transposition looks two rows back.
  let older = new Array<number>(t.length + 1).fill(0);
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  let row = new Array<number>(t.length + 1).fill(0);
  for (let i = 1; i <= s.length; i++) {
    row[0] = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, older[j - 2]! + 1);
      row[j] = d;
    }
    [older, prev, row] = [prev, row, older];
  }
  return prev[t.length]!;
}

/**
 * The known name closest to `name`, when it is close enough to be a likely typo: at most one edit per
 * three characters of the longer name, and at least one edit allowed (`tier` for `teir`). Ties go to
 * the earlier name of `known`.
 *
 * @param name - The unknown name as given.
 * @param known - The names it may have meant, in order of preference.
 * @returns The suggestion, or `undefined` when none is close.
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const limit = Math.max(1, Math.floor(Math.max(name.length, candidate.length) / 3));
    const d = distance(name, candidate);
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
