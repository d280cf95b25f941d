/**
 * Reading what a LangChain model run reported: its token usage and the model that answered. Pure.
 *
 * @module
 */

/** The usage of one model run, as LangChain reported it; absent fields were not reported. */
export interface RunUsage {
  readonly inputTokens?: unknown;
  readonly outputTokens?: unknown;
  readonly totalTokens?: unknown;
  readonly cachedTokens?: unknown;
  /** The model named in the response (`response_metadata.model_name` or `.model`). */
  readonly responseModel?: string | undefined;
}

const asObject = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;

/** The generations of an `LLMResult`, flattened (one list per prompt, one entry per candidate). */
function generationsOf(output: Record<string, unknown>): Record<string, unknown>[] {
  const outer = Array.isArray(output.generations) ? (output.generations as unknown[]) : [];
  const flat: Record<string, unknown>[] = [];
  for (const list of outer) {
    if (!Array.isArray(list)) continue;
    for (const g of list as unknown[]) {
      const o = asObject(g);
      if (o !== undefined) flat.push(o);
    }
  }
  return flat;
}

/**
 * The usage of a finished model run. LangChain puts it on the message (`usage_metadata`, the standard
 * since core 0.2) and, for chat models, copies it into `llmOutput.tokenUsage`: the message wins and the
 * two are never added. `input_tokens` already includes the cache reads (`input_token_details.cache_read`),
 * as the record counts them.
 *
 * @param output - The `LLMResult` given to `handleLLMEnd`.
 * @returns What was reported; `undefined` when `output` is not an object.
 */
export function usageOf(output: unknown): RunUsage | undefined {
  const o = asObject(output);
  if (o === undefined) return undefined;
  let responseModel: string | undefined;
  let usage: RunUsage | undefined;
  for (const g of generationsOf(o)) {
    const message = asObject(g.message);
    const meta = asObject(message?.response_metadata);
    const named = meta?.model_name ?? meta?.model;
    if (responseModel === undefined && typeof named === 'string' && named !== '') responseModel = named;
    const u = asObject(message?.usage_metadata);
    if (usage === undefined && u !== undefined) {
      usage = {
        inputTokens: u.input_tokens,
        outputTokens: u.output_tokens,
        totalTokens: u.total_tokens,
        cachedTokens: asObject(u.input_token_details)?.cache_read,
      };
    }
  }
  if (usage === undefined) {
    const llmOutput = asObject(o.llmOutput);
    const t = asObject(llmOutput?.tokenUsage) ?? asObject(llmOutput?.token_usage);
    if (t !== undefined) {
      usage = {
        inputTokens: t.promptTokens ?? t.prompt_tokens,
        outputTokens: t.completionTokens ?? t.completion_tokens,
        totalTokens: t.totalTokens ?? t.total_tokens,
      };
    }
  }
  return { ...usage, responseModel };
}
