/**
 * A small seeded pseudo-random generator for simulated runs (the demo's plan, the benchmarks' data,
 * test fixtures): the same seed gives the same sequence on every machine.
 *
 * @module
 */

/**
 * Mulberry32: 32 bits of state, fast, good enough for simulation (not for anything secret).
 *
 * @param seed - Any number; only its low 32 bits count.
 * @returns A function returning the next value in [0, 1).
 * @example
 * ```ts
 * const random = prng(42);
 * random(); // always the same first value for seed 42
 * ```
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
