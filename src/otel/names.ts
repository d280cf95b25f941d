/**
 * The names of everything the mirror exports: instruments, units, attribute keys, bucket boundaries, and
 * which naming mode exports which instrument. One place, so that the mirror, the README's table, the ops
 * files and the tests agree.
 *
 * GenAI names follow the OpenTelemetry GenAI semantic conventions (status Development, no tagged release):
 * - default mode: the names this library shipped first, `gen_ai.client.token.usage` (gen-ai-metrics.md,
 *   semantic-conventions-genai commit 004902b8cb70aa5ae6ca4ae07132b7daabcd3e10);
 * - `latest` mode: the inference usage metrics of gen-ai-inference-usage-metrics.md at commit
 *   ef678ba719ea37126378b12e2f434426cdf574cc (per-operation histograms `gen_ai.client.inference.usage.*`,
 *   per-category counters `gen_ai.client.inference.usage.detailed.*`, `gen_ai.token.type` gone).
 * `gen_ai.invoke_agent.duration` is the same in every mode.
 * What no convention covers lives under the application prefix `invocation_metrics.`, which cannot
 * collide with the registry's top-level `agent.*` or `gen_ai.*` namespaces.
 *
 * @module
 */

/** The instrumentation scope name of the mirror's metrics (Prometheus label `otel_scope_name`). */
export const SCOPE_NAME = 'invocation-metrics';

/** The application prefix of every name without a convention. */
export const PREFIX = 'invocation_metrics.';

/** `gen_ai.agent.name`: the agent (role) of the invocation (GenAI semantic conventions). */
export const ATTR_AGENT = 'gen_ai.agent.name';
/** `invocation_metrics.phase`: the phase number, as a string (so that the overflow value `_OTHER` fits the same type). */
export const ATTR_PHASE = 'invocation_metrics.phase';
/** `gen_ai.request.model`: the model of the invocation, when the record names one. */
export const ATTR_MODEL = 'gen_ai.request.model';
/** `gen_ai.provider.name`: the record's `provider`, else {@link PROVIDER_UNKNOWN}; on the token metrics, where it is Required. */
export const ATTR_PROVIDER = 'gen_ai.provider.name';
/** `invocation_metrics.tier`: the model-routing tier, when the record names one. */
export const ATTR_TIER = 'invocation_metrics.tier';
/** `invocation_metrics.outcome`: `success` or `failure`. */
export const ATTR_OUTCOME = 'invocation_metrics.outcome';
/** `error.type`: the record's `errorClass` on failure, `_OTHER` when a failure has none (stable OTel attribute). */
export const ATTR_ERROR_TYPE = 'error.type';
/** `gen_ai.token.type`: `input` or `output` (default mode only; the latest conventions dropped it). */
export const ATTR_TOKEN_TYPE = 'gen_ai.token.type';
/** `gen_ai.token.modality`: Required on the `detailed` counters; always {@link MODALITY_UNKNOWN} here. */
export const ATTR_TOKEN_MODALITY = 'gen_ai.token.modality';
/** `gen_ai.operation.name`: always `invoke_agent` here; Required on the token metrics. */
export const ATTR_OPERATION = 'gen_ai.operation.name';
/** `invocation_metrics.retry.kind`: `infra` (the previous attempt failed with an error class) or `code` (anything else). */
export const ATTR_RETRY_KIND = 'invocation_metrics.retry.kind';

/**
 * The overflow value: what an attribute value becomes once the attribute holds `maxAttributeValues`
 * distinct values, and the `error.type` of a failure without an error class. `_OTHER` is the fallback
 * value the semantic conventions define for `error.type`.
 */
export const OTHER = '_OTHER';
/**
 * The `gen_ai.provider.name` of a record without a `provider`. The attribute is Required on the token
 * metrics and no well-known value means "unknown" (`gcp.gen_ai` is Google's only), so the conventions'
 * own fallback value is sent: a query can still tell it from every real provider name.
 */
export const PROVIDER_UNKNOWN = OTHER;
/** The `gen_ai.token.modality` of every token count here: records do not break tokens down by modality. */
export const MODALITY_UNKNOWN = 'unknown';
/** The `gen_ai.operation.name` of every invocation this library records. */
export const OPERATION_INVOKE_AGENT = 'invoke_agent';

/** Token histogram boundaries the GenAI conventions prescribe (both modes): 1, 4, ..., 4^13. */
export const TOKEN_BUCKETS: readonly number[] = Object.freeze([
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
]);
/** Duration boundaries (seconds) the GenAI conventions prescribe for `gen_ai.invoke_agent.duration`. */
export const DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2, 102.4, 204.8, 409.6,
]);

/**
 * Which GenAI names are exported: `default` the names shipped first, `latest` the current conventions,
 * `both` side by side (for a migration: dashboards on either set keep working).
 */
export type NamingMode = 'default' | 'latest' | 'both';

/** The environment variable of the OpenTelemetry semantic-convention stability opt-in. */
export const SEMCONV_OPT_IN_ENV = 'OTEL_SEMCONV_STABILITY_OPT_IN';

/**
 * The naming mode an `OTEL_SEMCONV_STABILITY_OPT_IN` value asks for, by the conventions' transition rule
 * (the comma-separated list of the HTTP/database migrations): `gen_ai_latest_experimental` switches to
 * the latest names, `gen_ai_latest_experimental/dup` emits both (it wins when both are listed); anything
 * else, or nothing, keeps the default names.
 *
 * @param value - The variable's value (`undefined` when unset).
 * @returns The mode.
 */
export function namingModeFromEnv(value: string | undefined): NamingMode {
  const tokens = (value ?? '').split(',').map((t) => t.trim());
  if (tokens.includes('gen_ai_latest_experimental/dup')) return 'both';
  if (tokens.includes('gen_ai_latest_experimental')) return 'latest';
  return 'default';
}

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
  /** The naming modes that export it: `always`, `default` (and `both`), or `latest` (and `both`). */
  readonly naming: 'always' | 'default' | 'latest';
}

const spec = <K extends InstrumentKind>(
  name: string,
  kind: K,
  unit: string,
  integer: boolean,
  description: string,
  naming: InstrumentSpec['naming'] = 'always',
): InstrumentSpec & { readonly kind: K } => Object.freeze({ name, kind, unit, integer, description, naming });

/** Every instrument of the mirror, by role. */
export const INSTRUMENTS = Object.freeze({
  tokenUsage: spec('gen_ai.client.token.usage', 'histogram', '{token}', true, 'Number of input and output tokens used per invocation.', 'default'),
  inputTokens: spec('gen_ai.client.inference.usage.input_tokens', 'histogram', '{token}', true, 'The number of input (prompt) tokens used per invocation.', 'latest'),
  outputTokens: spec('gen_ai.client.inference.usage.output_tokens', 'histogram', '{token}', true, 'The number of output (completion) tokens used per invocation.', 'latest'),
  detailedInputTokens: spec('gen_ai.client.inference.usage.detailed.input_tokens', 'counter', '{token}', true, 'The number of input (prompt) tokens used, as records report them.', 'latest'),
  detailedOutputTokens: spec('gen_ai.client.inference.usage.detailed.output_tokens', 'counter', '{token}', true, 'The number of output (completion) tokens used.', 'latest'),
  detailedCacheReadTokens: spec('gen_ai.client.inference.usage.detailed.cache_read.input_tokens', 'counter', '{token}', true, 'The number of input tokens served from a provider-managed cache.', 'latest'),
  duration: spec('gen_ai.invoke_agent.duration', 'histogram', 's', false, 'End-to-end duration of an agent invocation.'),
  invocations: spec('invocation_metrics.invocations', 'counter', '{invocation}', true, 'Agent invocations recorded, by outcome.'),
  cost: spec('invocation_metrics.cost', 'counter', '{USD}', false, 'Cost of agent invocations in US dollars.'),
  tokens: spec('invocation_metrics.tokens', 'counter', '{token}', true, 'Total tokens of agent invocations (the record\'s `tokens`).'),
  cachedTokens: spec('invocation_metrics.cached_tokens', 'counter', '{token}', true, 'Prompt-cache input tokens of agent invocations.'),
  retries: spec('invocation_metrics.retries', 'counter', '{retry}', true, 'Retries (attempt > 1), by kind: infra or code.'),
  escalations: spec('invocation_metrics.escalations', 'counter', '{escalation}', true, 'Retries that changed tier (or model) from the previous attempt.'),
  parseFailures: spec('invocation_metrics.output_parse_failures', 'counter', '{invocation}', true, 'Invocations whose output could not be parsed.'),
  active: spec('invocation_metrics.active', 'updowncounter', '{invocation}', true, 'Invocations in flight (begun, not yet ended).'),
});

/**
 * Whether `mode` exports `spec`.
 *
 * @param spec - An instrument.
 * @param mode - A naming mode.
 * @returns `true` when the instrument belongs to the mode.
 */
export const exportedIn = (spec: InstrumentSpec, mode: NamingMode): boolean =>
  spec.naming === 'always' || mode === 'both' || spec.naming === mode;

/**
 * The instruments a naming mode exports.
 *
 * @param mode - A naming mode.
 * @returns Their specs, in {@link INSTRUMENTS} order.
 */
export const instrumentsOf = (mode: NamingMode): InstrumentSpec[] => Object.values(INSTRUMENTS).filter((s) => exportedIn(s, mode));
