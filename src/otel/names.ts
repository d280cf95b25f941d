/**
 * The names of everything the mirror exports: instruments, units, attribute keys, bucket boundaries.
 * One place, so that the mirror, the README's table, the ops files and the tests agree.
 *
 * GenAI names follow the OpenTelemetry GenAI semantic conventions (status Development):
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/gen-ai-metrics.md
 * What no convention covers lives in one namespace of our own, `agent.invocation.*`.
 *
 * @module
 */

/** The instrumentation scope name of the mirror's metrics (Prometheus label `otel_scope_name`). */
export const SCOPE_NAME = 'invocation-metrics';

/** `gen_ai.agent.name`: the agent (role) of the invocation (GenAI semantic conventions). */
export const ATTR_AGENT = 'gen_ai.agent.name';
/** `agent.phase`: the phase number, as a string (so that the overflow value `_OTHER` fits the same type). */
export const ATTR_PHASE = 'agent.phase';
/** `gen_ai.request.model`: the model of the invocation, when the record names one. */
export const ATTR_MODEL = 'gen_ai.request.model';
/** `agent.tier`: the model-routing tier, when the record names one. */
export const ATTR_TIER = 'agent.tier';
/** `agent.outcome`: `success` or `failure`. */
export const ATTR_OUTCOME = 'agent.outcome';
/** `error.type`: the record's `errorClass` on failure, `_OTHER` when a failure has none (stable OTel attribute). */
export const ATTR_ERROR_TYPE = 'error.type';
/** `gen_ai.token.type`: `input` or `output` (GenAI semantic conventions). */
export const ATTR_TOKEN_TYPE = 'gen_ai.token.type';
/** `gen_ai.operation.name`: always `invoke_agent` here; required on `gen_ai.client.token.usage`. */
export const ATTR_OPERATION = 'gen_ai.operation.name';
/** `retry.kind`: `infra` (the previous attempt failed with an error class) or `code` (anything else). */
export const ATTR_RETRY_KIND = 'retry.kind';

/**
 * The overflow value: what an attribute value becomes once the attribute holds `maxAttributeValues`
 * distinct values, and the `error.type` of a failure without an error class. `_OTHER` is the fallback
 * value the semantic conventions define for `error.type`.
 */
export const OTHER = '_OTHER';
/** The `gen_ai.operation.name` of every invocation this library records. */
export const OPERATION_INVOKE_AGENT = 'invoke_agent';

/** Token histogram boundaries the GenAI conventions prescribe for `gen_ai.client.token.usage`: 1, 4, ..., 4^13. */
export const TOKEN_BUCKETS: readonly number[] = Object.freeze([
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
]);
/** Duration boundaries (seconds) the GenAI conventions prescribe for `gen_ai.invoke_agent.duration`. */
export const DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2, 102.4, 204.8, 409.6,
]);

/** How an instrument aggregates: a monotonic sum, a sum that goes up and down, or an explicit-bucket histogram. */
export type InstrumentKind = 'counter' | 'updowncounter' | 'histogram';

/** Describes one exported instrument. */
export interface InstrumentSpec {
  /** OTel name. */
  readonly name: string;
  /** UCUM unit (curly braces = an annotation, no Prometheus unit suffix). */
  readonly unit: string;
  /** One-line description (Prometheus HELP). */
  readonly description: string;
  /** How it aggregates. */
  readonly kind: InstrumentKind;
  /** Whether values are integers. */
  readonly integer: boolean;
}

const spec = <K extends InstrumentKind>(
  name: string,
  kind: K,
  unit: string,
  integer: boolean,
  description: string,
): InstrumentSpec & { readonly kind: K } => Object.freeze({ name, kind, unit, integer, description });

/** Every instrument of the mirror, by role. */
export const INSTRUMENTS = Object.freeze({
  tokenUsage: spec('gen_ai.client.token.usage', 'histogram', '{token}', true, 'Number of input and output tokens used per invocation.'),
  duration: spec('gen_ai.invoke_agent.duration', 'histogram', 's', false, 'End-to-end duration of an agent invocation.'),
  invocations: spec('agent.invocation.count', 'counter', '{invocation}', true, 'Agent invocations recorded, by outcome.'),
  cost: spec('agent.invocation.cost', 'counter', '{USD}', false, 'Cost of agent invocations in US dollars.'),
  tokens: spec('agent.invocation.tokens', 'counter', '{token}', true, 'Total tokens of agent invocations (the record\'s `tokens`).'),
  cachedTokens: spec('agent.invocation.cached_tokens', 'counter', '{token}', true, 'Prompt-cache input tokens of agent invocations.'),
  retries: spec('agent.invocation.retries', 'counter', '{retry}', true, 'Retries (attempt > 1), by kind: infra or code.'),
  escalations: spec('agent.invocation.escalations', 'counter', '{escalation}', true, 'Retries that changed tier (or model) from the previous attempt.'),
  parseFailures: spec('agent.invocation.output_parse_failures', 'counter', '{invocation}', true, 'Invocations whose output could not be parsed.'),
  active: spec('agent.invocation.active', 'updowncounter', '{invocation}', true, 'Invocations in flight (begun, not yet ended).'),
});
