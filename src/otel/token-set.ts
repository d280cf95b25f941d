/**
 * The GenAI token instruments of one (`gen_ai.provider.name`, `gen_ai.request.model`) pair, in the
 * naming mode's shape: the default names' `gen_ai.client.token.usage` histogram split by
 * `gen_ai.token.type`, and the latest names' two per-operation histograms
 * (`gen_ai.client.inference.usage.input_tokens` / `.output_tokens`) and per-category counters
 * (`gen_ai.client.inference.usage.detailed.*`, with the Required `gen_ai.token.modality`, here always
 * `unknown`: a record does not break its tokens down by modality). No `cache_write` or `reasoning`
 * counter: records carry no such figure.
 *
 * @module
 */
import type { InvocationMetric } from '../record.js';
import { BucketHistogram } from './histogram.js';
import {
  ATTR_MODEL,
  ATTR_OPERATION,
  ATTR_PROVIDER,
  ATTR_TOKEN_MODALITY,
  ATTR_TOKEN_TYPE,
  INSTRUMENTS,
  MODALITY_UNKNOWN,
  OPERATION_INVOKE_AGENT,
  TOKEN_BUCKETS,
  type NamingMode,
} from './names.js';
import type { MetricSnapshot, PointAttributes, SumPoint } from './snapshot.js';
import type { HistogramRecorder } from './store.js';

/** The token instruments of one provider and model. */
export class TokenSet {
  /** `gen_ai.client.token.usage` by token type (default names), absent in `latest` mode. */
  readonly #legacy: { readonly input: BucketHistogram; readonly output: BucketHistogram } | undefined;
  /** The inference usage histograms and counters (latest names), absent in `default` mode. */
  readonly #latest: { readonly input: BucketHistogram; readonly output: BucketHistogram; readonly counterAttributes: PointAttributes } | undefined;
  /** `detailed.input_tokens`, `detailed.output_tokens`, `detailed.cache_read.input_tokens` sums. */
  #inputTokens = 0;
  #outputTokens = 0;
  #cacheReadTokens = 0;

  /**
   * @param provider - The exported `gen_ai.provider.name`.
   * @param model - The exported `gen_ai.request.model` (absent when the records name none).
   * @param naming - Which instruments to keep.
   */
  constructor(provider: string, model: string | undefined, naming: NamingMode) {
    const base: Record<string, string> = { [ATTR_OPERATION]: OPERATION_INVOKE_AGENT, [ATTR_PROVIDER]: provider };
    if (model !== undefined) base[ATTR_MODEL] = model;
    this.#legacy =
      naming === 'latest'
        ? undefined
        : {
            input: new BucketHistogram(TOKEN_BUCKETS, { ...base, [ATTR_TOKEN_TYPE]: 'input' }),
            output: new BucketHistogram(TOKEN_BUCKETS, { ...base, [ATTR_TOKEN_TYPE]: 'output' }),
          };
    this.#latest =
      naming === 'default'
        ? undefined
        : {
            input: new BucketHistogram(TOKEN_BUCKETS, base),
            output: new BucketHistogram(TOKEN_BUCKETS, base),
            counterAttributes: { ...base, [ATTR_TOKEN_MODALITY]: MODALITY_UNKNOWN },
          };
  }

  /**
   * Adds one record's token figures.
   *
   * @param m - A valid record.
   * @param recorder - Takes the histogram values instead of the own buckets (the bare-`Meter` path).
   */
  add(m: InvocationMetric, recorder: HistogramRecorder | undefined): void {
    const { inputTokens: input, outputTokens: output } = m;
    const legacy = this.#legacy;
    const latest = this.#latest;
    if (latest !== undefined) {
      if (input !== undefined) this.#inputTokens += input;
      if (output !== undefined) this.#outputTokens += output;
      if (m.cachedTokens !== undefined) this.#cacheReadTokens += m.cachedTokens;
    }
    if (recorder === undefined) {
      if (input !== undefined) {
        legacy?.input.add(input);
        latest?.input.add(input);
      }
      if (output !== undefined) {
        legacy?.output.add(output);
        latest?.output.add(output);
      }
      return;
    }
    if (input !== undefined) {
      if (legacy !== undefined) recorder.tokens(INSTRUMENTS.tokenUsage.name, input, legacy.input.attributes);
      if (latest !== undefined) recorder.tokens(INSTRUMENTS.inputTokens.name, input, latest.input.attributes);
    }
    if (output !== undefined) {
      if (legacy !== undefined) recorder.tokens(INSTRUMENTS.tokenUsage.name, output, legacy.output.attributes);
      if (latest !== undefined) recorder.tokens(INSTRUMENTS.outputTokens.name, output, latest.output.attributes);
    }
  }

  /**
   * The token histograms of a naming mode, points with values only.
   *
   * @param sets - Every token set.
   * @param naming - The mode the sets were made for.
   * @returns `gen_ai.client.token.usage` and/or the two inference usage histograms.
   */
  static histograms(sets: readonly TokenSet[], naming: NamingMode): MetricSnapshot[] {
    const out: MetricSnapshot[] = [];
    if (naming !== 'latest') {
      const points = sets.flatMap((s) => [s.#legacy!.input.point(), s.#legacy!.output.point()]);
      out.push({ spec: INSTRUMENTS.tokenUsage, points: points.filter((p) => p.count > 0) });
    }
    if (naming !== 'default') {
      out.push(
        { spec: INSTRUMENTS.inputTokens, points: sets.map((s) => s.#latest!.input.point()).filter((p) => p.count > 0) },
        { spec: INSTRUMENTS.outputTokens, points: sets.map((s) => s.#latest!.output.point()).filter((p) => p.count > 0) },
      );
    }
    return out;
  }

  /**
   * The `detailed` counters (latest names): a point for every set, zeros included, as every counter.
   *
   * @param sets - Every token set (made for `latest` or `both`).
   * @returns The three counters.
   */
  static sums(sets: readonly TokenSet[]): MetricSnapshot[] {
    const point = (s: TokenSet, value: number): SumPoint => ({ attributes: s.#latest!.counterAttributes, value });
    return [
      { spec: INSTRUMENTS.detailedInputTokens, points: sets.map((s) => point(s, s.#inputTokens)) },
      { spec: INSTRUMENTS.detailedOutputTokens, points: sets.map((s) => point(s, s.#outputTokens)) },
      { spec: INSTRUMENTS.detailedCacheReadTokens, points: sets.map((s) => point(s, s.#cacheReadTokens)) },
    ];
  }
}
