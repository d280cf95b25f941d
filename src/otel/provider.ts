/**
 * The `gen_ai.provider.name` of a record, one rule for every signal (the token metrics and the spans): the
 * record's own `provider` field (a non-empty string), else the collector's `provider` option (a name, or a
 * function of agent and model), else {@link PROVIDER_UNKNOWN}.
 *
 * @module
 */
import { InvalidOptionError } from '../errors.js';
import type { InvocationMetric } from '../record.js';
import { PROVIDER_UNKNOWN } from './names.js';

export { PROVIDER_UNKNOWN };

/**
 * The `gen_ai.provider.name` of records without their own `provider`: one name, or a function of the
 * record's agent and model returning `undefined` when it cannot tell.
 */
export type ProviderOption = string | ((fields: { readonly agent: string; readonly model: string | undefined }) => string | undefined);

/**
 * Validates a `provider` option.
 *
 * @param value - The option's value.
 * @throws {@link InvalidOptionError} unless it is absent, a non-empty string or a function.
 */
export function checkProviderOption(value: unknown): asserts value is ProviderOption | undefined {
  if (value !== undefined && typeof value !== 'function' && (typeof value !== 'string' || value === ''))
    throw new InvalidOptionError('provider', 'a non-empty string, a function, or absent', value);
}

/**
 * The record's own `provider`, when it has one (a non-empty string: an empty one names nothing, and the
 * option or `_OTHER` applies).
 *
 * @param m - A record.
 * @returns Its provider, or `undefined`.
 */
export function ownProvider(m: InvocationMetric): string | undefined {
  const p = m.provider;
  return p !== undefined && p !== '' ? p : undefined;
}

/**
 * The name the `provider` option gives an invocation of `agent` and `model`, or `undefined` when it gives
 * none. A throwing function throws here: each caller decides what a failure costs.
 *
 * @param option - The `provider` option.
 * @param agent - The invocation's agent.
 * @param model - Its model, if known.
 * @returns The name, or `undefined`.
 */
export function optionProvider(option: ProviderOption | undefined, agent: string, model: string | undefined): string | undefined {
  const named = typeof option === 'function' ? option({ agent, model }) : option;
  return typeof named === 'string' && named !== '' ? named : undefined;
}
