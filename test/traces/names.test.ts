/** The span attribute names and the length cap. */
import { describe, expect, it } from 'vitest';
import { capValue, GEN_AI, MAX_ATTRIBUTE_LENGTH, OURS } from '../../src/traces/names.js';

describe('capValue', () => {
  it('returns short strings unchanged and cuts long ones at MAX_ATTRIBUTE_LENGTH code units', () => {
    const short = 'x'.repeat(MAX_ATTRIBUTE_LENGTH);
    expect(capValue(short)).toBe(short);
    expect(capValue(`${short}y`)).toBe(short);
  });

  it('never keeps half of a surrogate pair', () => {
    // 'a' then foxes (2 units each): unit 255 is the first half of a fox, so the cut comes before it.
    const cut = capValue(`a${'🦊'.repeat(200)}`);
    expect(cut).toBe(`a${'🦊'.repeat(127)}`);
    expect(cut.length).toBe(MAX_ATTRIBUTE_LENGTH - 1);
    expect(/[\uD800-\uDBFF]$/.test(cut)).toBe(false);
  });
});

describe('names', () => {
  it('keeps ours under invocation_metrics. and the conventions under gen_ai. (plus the stable error.type)', () => {
    expect(Object.values(OURS).every((n) => n.startsWith('invocation_metrics.'))).toBe(true);
    expect(Object.values(GEN_AI).every((n) => n.startsWith('gen_ai.') || n === 'error.type')).toBe(true);
  });
});
