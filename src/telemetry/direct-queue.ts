/**
 * The export queue of `createTracing()`'s direct span path: the spans the collector builds itself (see
 * `traces/direct.ts`) are batched here and handed to the bundle's own OTLP exporter, with the batch
 * processor's rules: a bounded queue (spans past it are dropped and counted, never blocking `record()`),
 * a batch exported as soon as it is full or after the scheduled delay, one export at a time.
 *
 * @module
 */
import { diag } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { DirectSpanQueue, FinishedSpan } from '../traces/direct.js';

/** The batching of the queue (the batch processor's, from `resolveTracingOptions`). */
export interface BatchLimits {
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMs: number;
}

/** `ExportResultCode.SUCCESS` of `@opentelemetry/core`, without importing it for one constant. */
const SUCCESS = 0;

/** Batches finished spans into an exporter. */
export class DirectExportQueue implements DirectSpanQueue {
  readonly resource: unknown;
  readonly #exporter: SpanExporter;
  readonly #limits: BatchLimits;
  /** Queued spans from `#head` on (taken from the front by index: slicing a long queue per batch is quadratic). */
  #queue: FinishedSpan[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;
  #exporting: Promise<void> | undefined;
  #dropped = 0;
  #stopped = false;

  /**
   * @param exporter - The bundle's exporter (its own instance: exports are never concurrent on it).
   * @param resource - The bundle's resource.
   * @param limits - See {@link BatchLimits}.
   */
  constructor(exporter: SpanExporter, resource: unknown, limits: BatchLimits) {
    this.#exporter = exporter;
    this.resource = resource;
    this.#limits = limits;
  }

  /** Spans dropped because the queue was full, since the start. */
  get dropped(): number {
    return this.#dropped;
  }

  push(span: FinishedSpan): void {
    if (this.#stopped) return;
    if (this.#queue.length - this.#head >= this.#limits.maxQueueSize) {
      // As the SDK's batch processor does: counted, warned through the OTel diag logger.
      if (this.#dropped++ === 0 || this.#dropped % 10_000 === 0) diag.warn(`invocation-metrics: dropped ${this.#dropped} spans because the export queue (${this.#limits.maxQueueSize}) was full`);
      return;
    }
    this.#queue.push(span);
    if (this.#queue.length - this.#head >= this.#limits.maxExportBatchSize) this.#exportSoon(0);
    else this.#exportSoon(this.#limits.scheduledDelayMs);
  }

  /** Exports everything queued now, and waits for it. */
  async forceFlush(): Promise<void> {
    this.#clearTimer();
    while (this.#exporting !== undefined || this.#queue.length > this.#head) {
      await (this.#exporting ?? this.#exportBatch());
    }
  }

  /** Exports what is queued, then shuts the exporter down; later spans are ignored. */
  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.#stopped = true;
    await this.#exporter.shutdown();
  }

  #exportSoon(delayMs: number): void {
    if (this.#exporting !== undefined) return; // the running export's end takes the next batch
    if (this.#timer !== undefined) {
      if (delayMs > 0) return;
      this.#clearTimer();
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#exportBatch();
    }, delayMs);
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #exportBatch(): Promise<void> {
    if (this.#exporting !== undefined) return this.#exporting;
    const queued = this.#queue.length - this.#head;
    if (queued === 0) return Promise.resolve();
    const end = this.#head + Math.min(queued, this.#limits.maxExportBatchSize);
    const batch = this.#queue.slice(this.#head, end);
    this.#head = end;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head >= 4096 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#exporting = new Promise<void>((resolve) => {
      try {
        // The exporters read exactly the fields a FinishedSpan has (see traces/direct.ts).
        this.#exporter.export(batch as unknown as ReadableSpan[], (result) => {
          if (result.code !== SUCCESS) diag.error(`invocation-metrics: span export failed: ${result.error?.message ?? 'unknown error'}`);
          resolve();
        });
      } catch (err) {
        diag.error(`invocation-metrics: span export threw: ${err instanceof Error ? err.message : String(err)}`);
        resolve();
      }
    }).then(() => {
      this.#exporting = undefined;
      const left = this.#queue.length - this.#head;
      if (left >= this.#limits.maxExportBatchSize) this.#exportSoon(0);
      else if (left > 0) this.#exportSoon(this.#limits.scheduledDelayMs);
    });
    return this.#exporting;
  }
}
