import { describe, expect, it } from 'vitest';
import { CappedMap } from '../../src/otel/caps.js';
import { warnOnce } from '../../src/otel/warn-once.js';
import { memoryLogger } from '../helpers/records.js';

function capped(max: number) {
  const logger = memoryLogger();
  const made: string[] = [];
  const map = new CappedMap<{ exported: string }>('gen_ai.agent.name', max, warnOnce(logger), (exported) => {
    made.push(exported);
    return { exported };
  });
  return { map, logger, made };
}

describe('CappedMap', () => {
  it('keeps the first max distinct values and folds later ones into one _OTHER state', () => {
    const { map, made } = capped(2);
    const a = map.get('a');
    const b = map.get('b');
    const c = map.get('c');
    const d = map.get('d');
    expect([a.exported, b.exported, c.exported, d.exported]).toEqual(['a', 'b', '_OTHER', '_OTHER']);
    expect(c).toBe(d);
    // Kept values stay kept after the cap is reached.
    expect(map.get('a')).toBe(a);
    expect(made).toEqual(['a', 'b', '_OTHER']);
  });

  it('warns once per attribute, naming it and the cap', () => {
    const { map, logger } = capped(1);
    for (let i = 0; i < 50; i++) map.get(`v${i}`);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toContain('gen_ai.agent.name');
    expect(logger.lines[0]).toContain('1 distinct values');
    expect(logger.lines[0]).toContain('_OTHER');
  });

  it('does not warn while under the cap', () => {
    const { map, logger } = capped(3);
    for (const v of ['a', 'b', 'c', 'a', 'b', 'c']) map.get(v);
    expect(logger.lines).toEqual([]);
  });

  it('exports numbers as decimal strings, once per value', () => {
    const logger = memoryLogger();
    const made: string[] = [];
    const map = new CappedMap<string>('invocation_metrics.phase', 10, warnOnce(logger), (e) => (made.push(e), e));
    expect(map.get(0)).toBe('0');
    expect(map.get(12)).toBe('12');
    map.get(12);
    expect(made).toEqual(['0', '12']);
  });

  it('gives a raw _OTHER value the overflow state, so that one exported value is one series', () => {
    const { map } = capped(3);
    const raw = map.get('_OTHER');
    map.get('a');
    map.get('b');
    const folded = map.get('c');
    expect(folded).toBe(raw);
  });

  it('remembers no folded value (memory stays bounded by the cap)', () => {
    const { map, made } = capped(5);
    for (let i = 0; i < 10_000; i++) map.get(`agent-${i}`);
    expect(made).toHaveLength(6);
  });
});
