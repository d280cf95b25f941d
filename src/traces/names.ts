/**
 * The span's names: the GenAI semantic conventions' attributes we set on an `invoke_agent` span, and our
 * own under the application namespace `invocation_metrics.` (which cannot collide with the registry's
 * top-level `agent.*`, nor with any `gen_ai.*` name).
 *
 * The GenAI names are copied here, not imported from `@opentelemetry/semantic-conventions/incubating`
 * (as OTel contrib's instrumentations do): the conventions are in Development and move, and the
 * incubating entry point is not a stable dependency. Source: semantic-conventions-genai,
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/gen-ai-agent-spans.md
 * ("Invoke agent span") and `gen-ai-spans.md` beside it (usage attributes),
 * as of December 2026. These are the names of the latest conventions, in every naming mode: spans are new
 * in this version, so there is no older span name that dashboards depend on (the metrics' naming modes,
 * `OTEL_SEMCONV_STABILITY_OPT_IN`, are the mirror's business).
 *
 * @module
 */
import { OPERATION_INVOKE_AGENT, OTHER } from '../otel/names.js';

/** `gen_ai.operation.name` value of every span (the metrics' value). */
export const OPERATION = OPERATION_INVOKE_AGENT;

/** The GenAI convention attributes. */
export const GEN_AI = {
  operation: 'gen_ai.operation.name',
  agentName: 'gen_ai.agent.name',
  provider: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  errorType: 'error.type',
} as const;

/** Our own attributes, all under `invocation_metrics.`. */
export const OURS = {
  invocationId: 'invocation_metrics.invocation_id',
  phase: 'invocation_metrics.phase',
  taskId: 'invocation_metrics.task_id',
  attempt: 'invocation_metrics.attempt',
  tier: 'invocation_metrics.tier',
  /** USD. No GenAI convention yet (proposal #443: `gen_ai.usage.cost.amount` + `.currency`). */
  cost: 'invocation_metrics.cost',
  tokens: 'invocation_metrics.tokens',
  exitCode: 'invocation_metrics.exit_code',
  outputParsed: 'invocation_metrics.output_parsed',
  /** On a retry's span and on its link: `infra` or `code` (the aggregate's split). */
  retryKind: 'invocation_metrics.retry.kind',
  /** On a retry's span and on its link: whether the tier (else the model) changed from the previous attempt. */
  escalated: 'invocation_metrics.escalated',
  /** On a span ended by `abandon()` (or by `end()` after `close()`): the invocation was never recorded. */
  abandoned: 'invocation_metrics.abandoned',
  /** On the run span (`spanParents.run`): the run's name. */
  runName: 'invocation_metrics.run.name',
} as const;

/** `error.type` of a failed record without an `errorClass`: the conventions' fallback value (the metrics'). */
export const OTHER_ERROR = OTHER;
/** `error.type` of an abandoned invocation. */
export const ABANDONED_ERROR = 'abandoned';

/**
 * Longest string attribute value (and agent name in the span name) we send, in UTF-16 code units; longer
 * ones are cut there (never inside a surrogate pair). A record's strings can be as long as the log line
 * allows (1 MiB); a backend would store every copy. The SDK's own `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`
 * still applies after this one.
 */
export const MAX_ATTRIBUTE_LENGTH = 256;

/**
 * `s`, cut to {@link MAX_ATTRIBUTE_LENGTH} code units. Values are otherwise sent as they are: OTLP
 * carries them as protobuf strings, so no character needs escaping and none is changed.
 *
 * @param s - A string.
 * @returns `s` itself when short enough, else its first code units.
 */
export function capValue(s: string): string {
  if (s.length <= MAX_ATTRIBUTE_LENGTH) return s;
  const last = s.charCodeAt(MAX_ATTRIBUTE_LENGTH - 1);
  // A high surrogate as the last unit would be half a character: cut before it.
  return s.slice(0, last >= 0xd800 && last <= 0xdbff ? MAX_ATTRIBUTE_LENGTH - 1 : MAX_ATTRIBUTE_LENGTH);
}
