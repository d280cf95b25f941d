/**
 * The span attributes the OTel GenAI adapter reads: the current GenAI convention names (shared with our own
 * span sink: `GEN_AI` and `OURS` of `src/traces/names.ts`), plus the names they replaced and the vendor names
 * the instrumentations people run still write. Each list is read in order; the first attribute present wins.
 *
 * Sources (December 2026): semantic-conventions-genai `gen-ai-spans.md` / `gen-ai-agent-spans.md` (current);
 * semantic-conventions v1.37 and earlier (`gen_ai.system`, `gen_ai.usage.prompt_tokens` /
 * `completion_tokens`, deprecated in v1.38; cache counts became `gen_ai.usage.cache_read.input_tokens` in
 * v1.40); OpenLLMetry JS (`@traceloop/ai-semantic-conventions`: `llm.request.type`, `llm.usage.total_tokens`,
 * `gen_ai.usage.cache_read_input_tokens`, `traceloop.span.kind` / `traceloop.entity.name` of its agent
 * spans); OpenLIT (`gen_ai.usage.cost` in USD, `gen_ai.usage.total_tokens`,
 * `gen_ai.usage.prompt_tokens_details.cache_read`); the cost proposal (semantic-conventions-genai #443:
 * `gen_ai.usage.cost.amount` + `gen_ai.usage.cost.currency`).
 *
 * @module
 */
import { GEN_AI, OURS } from '../../traces/names.js';
import { OPERATION_INVOKE_AGENT, SCOPE_NAME } from '../../otel/names.js';

/** `gen_ai.operation.name` of an agent invocation. */
export const INVOKE_AGENT = OPERATION_INVOKE_AGENT;

/** The model-call operations the adapter can record (`gen_ai.operation.name` values). */
export const MODEL_CALL_OPERATIONS = ['chat', 'generate_content', 'text_completion'] as const;

/** An operation the adapter can turn into records. */
export type RecordedOperation = typeof INVOKE_AGENT | (typeof MODEL_CALL_OPERATIONS)[number];

/** The instrumentation scope of our own spans (the span sink's), never recorded back. */
export const OWN_SCOPE = SCOPE_NAME;

/** Attribute names, by what they tell; read in order, the first present wins. */
export const READ = {
  operation: [GEN_AI.operation],
  /** OpenLLMetry before `gen_ai.operation.name`: `chat` or `completion`. */
  legacyRequestType: 'llm.request.type',
  /** OpenLLMetry's span kind: `agent` marks an agent span (`@agent`, `withAgent`). */
  traceloopKind: 'traceloop.span.kind',
  agent: [GEN_AI.agentName, 'traceloop.entity.name'],
  /** What served the call first, then what was asked for. */
  model: ['gen_ai.response.model', GEN_AI.requestModel],
  provider: [GEN_AI.provider],
  /** `gen_ai.system`: the provider before v1.38 (values like `OpenAI`, `az.ai.openai`). */
  legacyProvider: 'gen_ai.system',
  inputTokens: [GEN_AI.inputTokens, 'gen_ai.usage.prompt_tokens'],
  outputTokens: [GEN_AI.outputTokens, 'gen_ai.usage.completion_tokens'],
  cachedTokens: [GEN_AI.cacheReadInputTokens, 'gen_ai.usage.cache_read_input_tokens', 'gen_ai.usage.prompt_tokens_details.cache_read'],
  totalTokens: ['gen_ai.usage.total_tokens', 'llm.usage.total_tokens'],
  /** USD. The proposal's amount goes with a currency; OpenLIT's has none (USD). */
  cost: ['gen_ai.usage.cost.amount', 'gen_ai.usage.cost'],
  costCurrency: 'gen_ai.usage.cost.currency',
  errorType: GEN_AI.errorType,
  httpStatus: ['http.response.status_code', 'http.status_code'],
  /** What the user sets on a span (or on a span above it) to tie attempts together. */
  taskId: OURS.taskId,
  attempt: OURS.attempt,
  phase: OURS.phase,
  tier: OURS.tier,
  /** Set on every span our span sink makes: the mark of our own spans. */
  ownMark: OURS.invocationId,
} as const;

/** Renamed `gen_ai.system` values (v1.38) and the provider names OpenLLMetry capitalised. */
export const LEGACY_PROVIDERS: Readonly<Record<string, string>> = Object.freeze({
  'az.ai.openai': 'azure.ai.openai',
  'az.ai.inference': 'azure.ai.inference',
});
