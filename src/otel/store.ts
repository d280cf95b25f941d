/**
 * The mirror's pre-aggregated store: exact counters and explicit-bucket histograms per attribute set,
 * updated in a few map lookups and additions per record, read by exporters at collection time. This is
 * the record() hot path of the mirror: no SDK call here except, on the bare-`Meter` path, the histogram
 * recorder it is given.
 *
 * @module
 */
import type { InvocationMetric } from '../record.js';
import { CappedMap } from './caps.js';
import { BucketHistogram } from './histogram.js';
import {
  ATTR_AGENT,
  ATTR_ERROR_TYPE,
  ATTR_MODEL,
  ATTR_PHASE,
  ATTR_PROVIDER,
  ATTR_TIER,
  DURATION_BUCKETS,
  OTHER,
  PROVIDER_UNKNOWN,
  INSTRUMENTS,
  type NamingMode,
} from './names.js';
import { optionProvider, ownProvider, type ProviderOption } from './provider.js';
import { RetryTracker } from './retries.js';
import { sumSnapshots, type Series } from './series.js';
import { TokenSet } from './token-set.js';
import type { MetricSnapshot, PointAttributes } from './snapshot.js';
import type { WarnOnce } from './warn-once.js';

/** Receives histogram values instead of the store's own buckets (the bare-`Meter` path). */
export interface HistogramRecorder {
  /** Records one `gen_ai.invoke_agent.duration` value (seconds). */
  duration(seconds: number, attributes: PointAttributes): void;
  /** Records one token-histogram value (`gen_ai.client.token.usage` or an inference usage histogram), by instrument name. */
  tokens(instrument: string, tokens: number, attributes: PointAttributes): void;
}

/** Options of {@link MetricStore}. */
export interface MetricStoreOptions {
  /**
   * The provider of records without one; when it gives none, {@link PROVIDER_UNKNOWN}.
   * @default undefined
   */
  provider?: ProviderOption;
  /** Distinct values kept per attribute. */
  maxAttributeValues: number;
  /** Distinct taskIds (and, separately, agents without a taskId) the retry classifier remembers. */
  maxTrackedAttempts: number;
  /** Warns once per kind. */
  warn: WarnOnce;
  /** Where histogram values go; the store's own buckets when absent. */
  histograms?: HistogramRecorder;
  /**
   * Which GenAI token instruments are kept.
   * @default 'default'
   */
  naming?: NamingMode;
}

/** The fields that name a series (what `begin()` knows). */
export interface SeriesFields {
  agent: string;
  phase: number;
  model?: string;
  tier?: string;
}

interface AgentNode {
  readonly agent: string;
  // The series of this agent's previous record, by raw phase, model and tier: consecutive records of
  // an agent usually share them, and the raw-to-exported mapping never changes once made.
  last: { phase: number; model: string | undefined; tier: string | undefined; series: Series } | undefined;
  // phase -> model -> tier -> series; `undefined` keys stand for an absent model or tier.
  readonly phases: Map<string, Map<string | undefined, Map<string | undefined, Series>>>;
  readonly durationOk: BucketHistogram;
  readonly durationFailed: Map<string, BucketHistogram>;
}

/** Exact cumulative aggregation of records under bounded attributes. */
export class MetricStore {
  /** Epoch milliseconds when the store was created: the start of every cumulative point. */
  readonly startTimeMs = Date.now();
  readonly #agents: CappedMap<AgentNode>;
  readonly #phases: CappedMap<string>;
  readonly #models: CappedMap<string>;
  readonly #tiers: CappedMap<string>;
  readonly #errorTypes: CappedMap<string>;
  readonly #providers: CappedMap<string>;
  readonly #provider: ProviderOption | undefined;
  readonly #warn: WarnOnce;
  readonly #naming: NamingMode;
  readonly #retries: RetryTracker;
  readonly #recorder: HistogramRecorder | undefined;
  readonly #nodes: AgentNode[] = [];
  readonly #series: Series[] = [];
  // provider -> model (undefined: none) -> token instruments.
  readonly #tokens = new Map<string, Map<string | undefined, TokenSet>>();
  readonly #tokenSets: TokenSet[] = [];

  /** @param options - See {@link MetricStoreOptions}. */
  constructor(options: MetricStoreOptions) {
    const { maxAttributeValues: max, warn } = options;
    const same = (exported: string): string => exported;
    this.#agents = new CappedMap(ATTR_AGENT, max, warn, (agent) => this.#newNode(agent));
    this.#phases = new CappedMap(ATTR_PHASE, max, warn, same);
    this.#models = new CappedMap(ATTR_MODEL, max, warn, same);
    this.#tiers = new CappedMap(ATTR_TIER, max, warn, same);
    this.#errorTypes = new CappedMap(ATTR_ERROR_TYPE, max, warn, same);
    this.#providers = new CappedMap(ATTR_PROVIDER, max, warn, same);
    this.#provider = options.provider;
    this.#warn = warn;
    this.#naming = options.naming ?? 'default';
    this.#retries = new RetryTracker(options.maxTrackedAttempts);
    this.#recorder = options.histograms;
  }

  /** @param m - A valid record. */
  record(m: InvocationMetric): void {
    const node = this.#agents.get(m.agent);
    const s = this.#seriesOf(node, m);
    let errorType: string | undefined;
    if (m.success) s.successes++;
    else {
      errorType = typeof m.errorClass === 'string' && m.errorClass !== '' ? this.#errorTypes.get(m.errorClass) : OTHER;
      s.failures.set(errorType, (s.failures.get(errorType) ?? 0) + 1);
    }
    s.cost += m.cost;
    s.tokens += m.tokens;
    if (m.cachedTokens !== undefined) s.cachedTokens += m.cachedTokens;
    if (!m.outputParsed) s.parseFailures++;
    const retry = this.#retries.observe(m);
    if (retry !== undefined) {
      if (retry.kind === 'infra') s.infraRetries++;
      else s.codeRetries++;
      if (retry.escalated) s.escalations++;
    }
    // Histograms last: should a user's SDK histogram throw, the counters above are already exact.
    const duration = errorType === undefined ? node.durationOk : this.#failedDuration(node, errorType);
    const recorder = this.#recorder;
    if (recorder === undefined) duration.add(m.durationMs / 1000);
    else recorder.duration(m.durationMs / 1000, duration.attributes);
    if (m.inputTokens !== undefined || m.outputTokens !== undefined || m.cachedTokens !== undefined) {
      const provider = ownProvider(m) ?? this.#fallbackProvider(m);
      this.#tokenSet(provider === undefined ? PROVIDER_UNKNOWN : this.#providers.get(provider), s.attributes[ATTR_MODEL]).add(m, recorder);
    }
  }

  /**
   * Counts one invocation in flight under the series `fields` name.
   *
   * @param fields - Agent, phase, model and tier.
   * @returns A function that ends it: the first call decrements, later calls do nothing.
   */
  begin(fields: SeriesFields): () => void {
    const s = this.#seriesOf(this.#agents.get(fields.agent), fields);
    s.active++;
    let open = true;
    return () => {
      if (open) {
        open = false;
        s.active--;
      }
    };
  }

  /** @returns Every counter and up-down counter of the naming mode, one point per attribute set. */
  sums(): MetricSnapshot[] {
    const sums = sumSnapshots(this.#series);
    if (this.#naming !== 'default') sums.push(...TokenSet.sums(this.#tokenSets));
    return sums;
  }

  /** @returns The histograms of the naming mode (empty when a {@link HistogramRecorder} takes the values). */
  histograms(): MetricSnapshot[] {
    if (this.#recorder !== undefined) return [];
    const durations = [];
    for (const node of this.#nodes) {
      durations.push(node.durationOk.point());
      for (const h of node.durationFailed.values()) durations.push(h.point());
    }
    return [...TokenSet.histograms(this.#tokenSets, this.#naming), { spec: INSTRUMENTS.duration, points: durations.filter((p) => p.count > 0) }];
  }

  /** @returns Everything: {@link MetricStore.sums} then {@link MetricStore.histograms}. */
  collect(): MetricSnapshot[] {
    return [...this.histograms(), ...this.sums()];
  }

  #newNode(agent: string): AgentNode {
    const node: AgentNode = {
      agent,
      last: undefined,
      phases: new Map(),
      durationOk: new BucketHistogram(DURATION_BUCKETS, { [ATTR_AGENT]: agent }),
      durationFailed: new Map(),
    };
    this.#nodes.push(node);
    return node;
  }

  #seriesOf(node: AgentNode, f: SeriesFields): Series {
    const last = node.last;
    if (last !== undefined && last.phase === f.phase && last.model === f.model && last.tier === f.tier) return last.series;
    const phase = this.#phases.get(f.phase);
    const model = f.model === undefined ? undefined : this.#models.get(f.model);
    const tier = f.tier === undefined ? undefined : this.#tiers.get(f.tier);
    let models = node.phases.get(phase);
    if (models === undefined) node.phases.set(phase, (models = new Map()));
    let tiers = models.get(model);
    if (tiers === undefined) models.set(model, (tiers = new Map()));
    let s = tiers.get(tier);
    if (s === undefined) {
      const attributes: Record<string, string> = { [ATTR_AGENT]: node.agent, [ATTR_PHASE]: phase };
      if (model !== undefined) attributes[ATTR_MODEL] = model;
      if (tier !== undefined) attributes[ATTR_TIER] = tier;
      s = newSeries(attributes);
      tiers.set(tier, s);
      this.#series.push(s);
    }
    if (last === undefined) node.last = { phase: f.phase, model: f.model, tier: f.tier, series: s };
    else {
      last.phase = f.phase;
      last.model = f.model;
      last.tier = f.tier;
      last.series = s;
    }
    return s;
  }

  #failedDuration(node: AgentNode, errorType: string): BucketHistogram {
    let h = node.durationFailed.get(errorType);
    if (h === undefined) {
      h = new BucketHistogram(DURATION_BUCKETS, { [ATTR_AGENT]: node.agent, [ATTR_ERROR_TYPE]: errorType });
      node.durationFailed.set(errorType, h);
    }
    return h;
  }

  /** The `provider` option's name for a record without its own; a throwing function is warned about once. */
  #fallbackProvider(m: InvocationMetric): string | undefined {
    try {
      return optionProvider(this.#provider, m.agent, m.model);
    } catch (err) {
      this.#warn('provider', `invocation-metrics: the provider option threw: ${String(err)}; sending gen_ai.provider.name=${PROVIDER_UNKNOWN}`);
      return undefined;
    }
  }

  #tokenSet(provider: string, model: string | undefined): TokenSet {
    let models = this.#tokens.get(provider);
    if (models === undefined) this.#tokens.set(provider, (models = new Map()));
    let set = models.get(model);
    if (set === undefined) {
      set = new TokenSet(provider, model, this.#naming);
      models.set(model, set);
      this.#tokenSets.push(set);
    }
    return set;
  }
}

function newSeries(attributes: PointAttributes): Series {
  return {
    attributes,
    successes: 0,
    failures: new Map(),
    cost: 0,
    tokens: 0,
    cachedTokens: 0,
    parseFailures: 0,
    infraRetries: 0,
    codeRetries: 0,
    escalations: 0,
    active: 0,
  };
}
