import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../src/errors.js';
import { DEFAULT_PRICE_TABLE, definePriceTable, findPrice, priceOf } from '../src/prices/index.js';

describe('findPrice', () => {
  it('matches the exact id, a provider prefix, a vendor prefix and dated snapshots, preferring the longest entry', () => {
    const t = DEFAULT_PRICE_TABLE;
    expect(findPrice(t, 'gpt-4o')).toBe(t.models['gpt-4o']);
    expect(findPrice(t, 'openai/gpt-4o')).toBe(t.models['gpt-4o']);
    expect(findPrice(t, 'gpt-4o-2024-08-06')).toBe(t.models['gpt-4o']);
    expect(findPrice(t, 'gpt-4o-mini-2024-07-18')).toBe(t.models['gpt-4o-mini']);
    expect(findPrice(t, 'us.anthropic.claude-sonnet-4-20250514-v1:0')).toBe(t.models['claude-sonnet-4']);
    expect(findPrice(t, 'claude-sonnet-4-5-20250929')).toBe(t.models['claude-sonnet-4-5']);
    expect(findPrice(t, 'gpt-4.1-mini')).toBe(t.models['gpt-4.1-mini']);
  });

  it('knows nothing of a model it has no entry for, nor of inherited names', () => {
    expect(findPrice(DEFAULT_PRICE_TABLE, 'my-local-llama')).toBeUndefined();
    expect(findPrice(DEFAULT_PRICE_TABLE, 'gpt-4ox')).toBeUndefined();
    expect(findPrice(DEFAULT_PRICE_TABLE, 'constructor')).toBeUndefined();
    expect(findPrice(DEFAULT_PRICE_TABLE, '__proto__')).toBeUndefined();
  });
});

describe('priceOf', () => {
  it('prices cached input at its own price, the rest of the input and the output at theirs, and names the table', () => {
    const p = priceOf('gpt-4o', { inputTokens: 1_000_000, cachedTokens: 400_000, outputTokens: 100_000 });
    expect(p.costSource).toBe('table');
    expect(p.priceTable).toBe(`invocation-metrics/${DEFAULT_PRICE_TABLE.version}`);
    expect(p.cost).toBeCloseTo(0.6 * 2.5 + 0.4 * 1.25 + 0.1 * 10, 12);
  });

  it('takes the provider cost as is, and says `none` (cost 0) for an unknown model or without a table', () => {
    expect(priceOf('gpt-4o', { inputTokens: 10 }, { providerCost: 0.5 })).toEqual({ cost: 0.5, costSource: 'provider' });
    expect(priceOf('my-model', { inputTokens: 10 })).toEqual({ cost: 0, costSource: 'none' });
    expect(priceOf(undefined, { inputTokens: 10 })).toEqual({ cost: 0, costSource: 'none' });
    expect(priceOf('gpt-4o', { inputTokens: 10 }, { prices: false })).toEqual({ cost: 0, costSource: 'none' });
  });

  it('prices from a table of the user, which may extend ours', () => {
    const mine = definePriceTable({ name: 'acme', version: '3', models: { ...DEFAULT_PRICE_TABLE.models, 'acme-1': { input: 1, output: 2 } } });
    expect(priceOf('acme-1', { inputTokens: 2_000_000, cachedTokens: 1_000_000, outputTokens: 1_000_000 }, { prices: mine })).toEqual({ cost: 4, costSource: 'table', priceTable: 'acme/3' });
    expect(Object.isFrozen(mine.models['acme-1'])).toBe(true);
  });

  it('refuses a bad table naming the field', () => {
    expect(() => definePriceTable({ name: 'x', version: '1', models: { m: { input: -1, output: 1 } } })).toThrow(InvalidOptionError);
    expect(() => definePriceTable({ name: 'x', version: '1', models: { m: { input: 1, output: Number.NaN } } })).toThrow(/prices\.models\["m"\]\.output/);
    expect(() => definePriceTable({ name: '', version: '1', models: {} })).toThrow(/prices\.name/);
  });
});
