/**
 * Prices and cost provenance: a versioned, user-overridable table of list prices per model (USD per
 * million tokens), and {@link priceOf}, which turns a call's usage into a `cost` with its `costSource`
 * and `priceTable`. Never a network call: the table is data shipped with the package, or yours.
 *
 * @module
 */
import { InvalidOptionError } from '../errors.js';
import type { CostSource } from '../record.js';

/** The list price of one model, USD per million tokens. */
export interface ModelPrice {
  /** Input (prompt) tokens that were not read from a cache. */
  readonly input: number;
  /** Output (completion) tokens, reasoning included. */
  readonly output: number;
  /**
   * Input tokens read from the prompt cache.
   * @default the `input` price (no cache discount known)
   */
  readonly cachedInput?: number;
}

/** A named, versioned price table. */
export interface PriceTable {
  /** Who keeps the table (`invocation-metrics`, your team's name). */
  readonly name: string;
  /** Its version: a date (`2026-12-07`) or any string you bump when a price changes. */
  readonly version: string;
  /** Prices by model id (matched as {@link findPrice} says). */
  readonly models: Readonly<Record<string, ModelPrice>>;
}

/** The usage of one call, as the record counts it: `inputTokens` includes `cachedTokens`. */
export interface Usage {
  readonly inputTokens?: number | undefined;
  readonly outputTokens?: number | undefined;
  readonly cachedTokens?: number | undefined;
}

/** A cost and where it came from: the record's `cost`, `costSource` and (for a table) `priceTable`. */
export interface PricedCost {
  readonly cost: number;
  readonly costSource: CostSource;
  /** `name/version` of the table, for `costSource: 'table'`. */
  readonly priceTable?: string;
}

/**
 * The package's own table: the providers' published list prices (standard tier, no batch discount, the
 * shortest-context price where a provider charges by context length), as the authors knew them when the
 * version was cut. They are not fetched and may be out of date: check them against your invoices, and pass
 * your own table (see {@link definePriceTable}) where they differ.
 */
export const DEFAULT_PRICE_TABLE: PriceTable = Object.freeze({
  name: 'invocation-metrics',
  version: '2026-12-07',
  models: Object.freeze({
    'gpt-5': { input: 1.25, output: 10, cachedInput: 0.125 },
    'gpt-5-mini': { input: 0.25, output: 2, cachedInput: 0.025 },
    'gpt-5-nano': { input: 0.05, output: 0.4, cachedInput: 0.005 },
    'gpt-4.1': { input: 2, output: 8, cachedInput: 0.5 },
    'gpt-4.1-mini': { input: 0.4, output: 1.6, cachedInput: 0.1 },
    'gpt-4.1-nano': { input: 0.1, output: 0.4, cachedInput: 0.025 },
    'gpt-4o': { input: 2.5, output: 10, cachedInput: 1.25 },
    'gpt-4o-mini': { input: 0.15, output: 0.6, cachedInput: 0.075 },
    o3: { input: 2, output: 8, cachedInput: 0.5 },
    'o4-mini': { input: 1.1, output: 4.4, cachedInput: 0.275 },
    'claude-opus-4': { input: 15, output: 75, cachedInput: 1.5 },
    'claude-opus-4-1': { input: 15, output: 75, cachedInput: 1.5 },
    'claude-sonnet-4': { input: 3, output: 15, cachedInput: 0.3 },
    'claude-sonnet-4-5': { input: 3, output: 15, cachedInput: 0.3 },
    'claude-haiku-4-5': { input: 1, output: 5, cachedInput: 0.1 },
    'claude-3-5-haiku': { input: 0.8, output: 4, cachedInput: 0.08 },
    'gemini-2.5-pro': { input: 1.25, output: 10, cachedInput: 0.31 },
    'gemini-2.5-flash': { input: 0.3, output: 2.5, cachedInput: 0.075 },
    'gemini-2.5-flash-lite': { input: 0.1, output: 0.4, cachedInput: 0.025 },
  }),
});

const isPrice = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/**
 * Checks and freezes a price table of your own (or one that extends ours:
 * `definePriceTable({ ...DEFAULT_PRICE_TABLE, version: 'ours-3', models: { ...DEFAULT_PRICE_TABLE.models, 'my-model': {...} } })`).
 *
 * @param table - The table.
 * @returns The same table, frozen.
 * @throws {@link InvalidOptionError} naming the bad field (`prices.models["gpt-x"].input`, ...).
 */
export function definePriceTable(table: PriceTable): PriceTable {
  if (typeof table !== 'object' || table === null) throw new InvalidOptionError('prices', 'a price table { name, version, models }', table);
  if (typeof table.name !== 'string' || table.name === '') throw new InvalidOptionError('prices.name', 'a non-empty string', table.name);
  if (typeof table.version !== 'string' || table.version === '') throw new InvalidOptionError('prices.version', 'a non-empty string', table.version);
  if (typeof table.models !== 'object' || table.models === null) throw new InvalidOptionError('prices.models', 'an object of prices by model id', table.models);
  const models: Record<string, ModelPrice> = Object.create(null) as Record<string, ModelPrice>;
  for (const [model, price] of Object.entries(table.models)) {
    const at = `prices.models[${JSON.stringify(model)}]`;
    if (typeof price !== 'object' || price === null) throw new InvalidOptionError(at, 'an object { input, output, cachedInput? }', price);
    if (!isPrice(price.input)) throw new InvalidOptionError(`${at}.input`, 'a finite number >= 0 (USD per million tokens)', price.input);
    if (!isPrice(price.output)) throw new InvalidOptionError(`${at}.output`, 'a finite number >= 0 (USD per million tokens)', price.output);
    if (price.cachedInput !== undefined && !isPrice(price.cachedInput))
      throw new InvalidOptionError(`${at}.cachedInput`, 'a finite number >= 0 (USD per million tokens), or absent', price.cachedInput);
    models[model] = Object.freeze({ ...price });
  }
  return Object.freeze({ name: table.name, version: table.version, models: Object.freeze(models) });
}

/** A Bedrock-style vendor prefix (`anthropic.`, `us.anthropic.`), which ids like `gpt-4.1` never start with. */
const VENDOR_PREFIX = /^(?:(?:us|eu|apac|global)\.)?(?:anthropic|meta|mistral|cohere|amazon|openai|google|ai21|deepseek)\./;

/**
 * The price of a model in a table: the exact id first; else the id without a provider prefix
 * (`openai/gpt-4o`, `anthropic.claude-sonnet-4`); else the longest table id the model id starts with,
 * followed by `-` (dated snapshots: `gpt-4o-2024-08-06` is `gpt-4o`, `claude-sonnet-4-20250514` is
 * `claude-sonnet-4`, while `gpt-4o-mini` keeps its own entry).
 *
 * @param table - The table.
 * @param model - A model id.
 * @returns The price, or `undefined` when the table has none for it.
 */
export function findPrice(table: PriceTable, model: string): ModelPrice | undefined {
  const models = table.models;
  const own = Object.hasOwn(models, model) ? models[model] : undefined;
  if (own !== undefined) return own;
  const id = model.slice(model.lastIndexOf('/') + 1).replace(VENDOR_PREFIX, '');
  if (Object.hasOwn(models, id)) return models[id];
  let best: string | undefined;
  for (const key of Object.keys(models)) {
    if (id.length > key.length && id.startsWith(key) && id.charCodeAt(key.length) === 0x2d && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : models[best];
}

/** Options of {@link priceOf}. */
export interface PriceOptions {
  /**
   * The table to price from; `false`: never price from a table (a call without a provider cost is `none`).
   * @default DEFAULT_PRICE_TABLE
   */
  readonly prices?: PriceTable | false | undefined;
  /** A cost in USD the provider or framework reported for the call: taken as is (`costSource: 'provider'`). */
  readonly providerCost?: number | undefined;
}

/**
 * The cost of one call: the provider's own figure when it gave one; else the table's price of the model
 * times the usage (cached input at its own price, the rest of the input at the input price, output at
 * the output price); else 0 with `costSource: 'none'`, so that a report can tell "free" from "unpriced".
 *
 * @param model - The model id, if known.
 * @param usage - The call's usage (`inputTokens` includes `cachedTokens`; a cached count above the
 *   input count is read as all of the input cached).
 * @param options - See {@link PriceOptions}.
 * @returns The cost, its source and (from a table) the table's `name/version`.
 */
export function priceOf(model: string | undefined, usage: Usage, options: PriceOptions = {}): PricedCost {
  const reported = options.providerCost;
  if (isPrice(reported)) return { cost: reported, costSource: 'provider' };
  const table = options.prices === undefined ? DEFAULT_PRICE_TABLE : options.prices;
  const price = table === false || model === undefined ? undefined : findPrice(table, model);
  if (table === false || price === undefined) return { cost: 0, costSource: 'none' };
  const input = usage.inputTokens ?? 0;
  const cached = Math.min(usage.cachedTokens ?? 0, input);
  const output = usage.outputTokens ?? 0;
  const micro = (input - cached) * price.input + cached * (price.cachedInput ?? price.input) + output * price.output;
  return { cost: micro / 1e6, costSource: 'table', priceTable: `${table.name}/${table.version}` };
}
