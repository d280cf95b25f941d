/**
 * Reading the OpenAI Agents SDK's span data (`@openai/agents-core`'s `SpanData`, 0.20): the usage of a
 * `turn`, `generation` or `response` span, the model of a model span, and the infrastructure class of a
 * span's error. Every field is untrusted: a field of the wrong shape reads as absent.
 *
 * @module
 */

/** Token counts as the record counts them: `input` includes `cached`. */
export interface Tokens {
  input: number;
  output: number;
  cached: number;
}

const obj = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined);

/**
 * The tokens of a `turn` span's `usage` (`input_tokens`, `output_tokens`, `cached_input_tokens`).
 *
 * @param data - The span's data.
 * @returns The tokens, or `undefined` when the span carries no usable usage.
 */
export function turnTokens(data: Record<string, unknown>): Tokens | undefined {
  const u = obj(data.usage);
  if (u === undefined) return undefined;
  const input = count(u.input_tokens);
  const output = count(u.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  return { input: input ?? 0, output: output ?? 0, cached: count(u.cached_input_tokens) ?? 0 };
}

/** Usage in the Responses API's shape (`input_tokens`, `input_tokens_details.cached_tokens`) or Chat Completions' (`prompt_tokens`, `prompt_tokens_details.cached_tokens`). */
function apiTokens(u: Record<string, unknown> | undefined): Tokens | undefined {
  if (u === undefined) return undefined;
  const input = count(u.input_tokens) ?? count(u.prompt_tokens);
  const output = count(u.output_tokens) ?? count(u.completion_tokens);
  if (input === undefined && output === undefined) return undefined;
  const details = obj(u.input_tokens_details) ?? obj(u.prompt_tokens_details) ?? obj(obj(u.details)?.input_tokens_details);
  return { input: input ?? 0, output: output ?? 0, cached: count(details?.cached_tokens) ?? 0 };
}

/**
 * The tokens and model of a model span: a `generation` span's `usage` (else the usage of the completion
 * in its `output`, present when the trace includes model data) and `model`; a `response` span's
 * `_response.usage` and `_response.model`.
 *
 * @param data - The span's data.
 * @returns What the span says (either may be absent).
 */
export function modelSpanFields(data: Record<string, unknown>): { tokens: Tokens | undefined; model: string | undefined } {
  if (data.type === 'response') {
    const response = obj(data._response);
    return { tokens: apiTokens(obj(response?.usage)), model: nonEmpty(response?.model) };
  }
  const output = Array.isArray(data.output) ? obj(data.output[0]) : undefined;
  return { tokens: apiTokens(obj(data.usage)) ?? apiTokens(obj(output?.usage)), model: nonEmpty(data.model) };
}

/** A non-empty string, else `undefined`. */
export function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Error classes of the `openai` package (and the Agents SDK's model timeout), whose names the runner
 * writes at the start of a span's `error.data.error` (`RateLimitError: 429 ...`): the span keeps the
 * error as text only, so its name is all there is to classify.
 */
const BY_ERROR_NAME: ReadonlyMap<string, string> = new Map([
  ['RateLimitError', 'rate_limit'],
  ['InternalServerError', 'server_error'],
  ['APIConnectionTimeoutError', 'timeout'],
  ['ModelTimeoutError', 'timeout'],
  ['APIConnectionError', 'network'],
]);

/**
 * The infrastructure class of a span's error, from the error name at the start of `error.data.error`;
 * `undefined` for any other failure (a bad request, a guardrail trip, a tool's exception: the agent's own).
 *
 * @param error - The span's `error` (`{ message, data? }`).
 * @returns The class, or `undefined`.
 */
export function spanErrorClass(error: unknown): string | undefined {
  const text = nonEmpty(obj(obj(error)?.data)?.error);
  const name = text === undefined ? undefined : /^([A-Za-z]+):/.exec(text)?.[1];
  return name === undefined ? undefined : BY_ERROR_NAME.get(name);
}
