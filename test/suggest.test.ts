import { describe, expect, it } from 'vitest';
import { closestName } from '../src/suggest.js';

const FIELDS = ['agent', 'phase', 'invocationId', 'taskId', 'attempt', 'model', 'tier', 'extra'];

describe('closestName', () => {
  it.each([
    ['tasKId', 'taskId'], // case only
    ['modle', 'model'], // a transposition is one edit
    ['teir', 'tier'],
    ['atempt', 'attempt'],
    ['invocationID', 'invocationId'],
  ])('%s -> %s', (typo, meant) => {
    expect(closestName(typo, FIELDS)).toBe(meant);
  });

  it('suggests nothing for a name that is not a typo of any', () => {
    expect(closestName('runId', FIELDS)).toBeUndefined();
    expect(closestName('x', FIELDS)).toBeUndefined();
    expect(closestName('jsn', ['json', 'table', 'help'])).toBe('json');
    expect(closestName('frobnicate', ['json', 'table', 'help'])).toBeUndefined();
  });

  it('allows one edit per three characters of the longer name', () => {
    expect(closestName('inputTkns', ['inputTokens'])).toBe('inputTokens'); // 2 edits, 11 characters
    expect(closestName('inTkns', ['inputTokens'])).toBeUndefined(); // 5 edits
  });

  it('prefers the closer name, then the earlier one', () => {
    expect(closestName('tokns', ['tokens', 'tiers'])).toBe('tokens');
    expect(closestName('ab', ['ax', 'ay'])).toBe('ax');
  });
});
