/**
 * The optional run and phase spans that parent the invocation spans: one `invoke_workflow {run}` span for
 * the collector's life and one `phase {n}` span per phase (under the run span when both are asked for).
 * Each starts at the start of its first invocation and ends at `close()`, at the latest end of what it
 * holds. Only when the user asks (collector option `spanParents`): a record's own `parent` wins.
 *
 * @module
 */
import { SpanKind, trace, type Context, type HrTime, type Span, type Tracer } from '@opentelemetry/api';
import { InvalidOptionError } from '../errors.js';
import { capValue, OURS } from './names.js';

/** Which parent spans to make; see the collector's `spanParents` option. */
export interface SpanParentsOption {
  /**
   * A run span, `invoke_workflow {name}`: `true` names it `run`, a string names it.
   * @default false
   */
  readonly run?: boolean | string | undefined;
  /**
   * One `phase {n}` span per phase.
   * @default false
   */
  readonly phase?: boolean | undefined;
}

/** Phase spans held open at once; a record of a phase past it parents to the run span (warned once). */
export const MAX_PHASE_SPANS = 10_000;

/** The operation name of the run span: the GenAI conventions' drafts name a workflow span so. */
export const WORKFLOW_OPERATION = 'invoke_workflow';

/**
 * Validates the `spanParents` option.
 *
 * @param value - The option's value.
 * @throws {@link InvalidOptionError} unless absent or `{ run?: boolean | non-empty string, phase?: boolean }`.
 */
export function checkSpanParents(value: unknown): asserts value is SpanParentsOption | undefined {
  if (value === undefined) return;
  const v = value as Record<string, unknown> | null;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new InvalidOptionError('spanParents', '{ run?: boolean | string, phase?: boolean }', value);
  for (const key of Object.keys(v)) if (key !== 'run' && key !== 'phase') throw new InvalidOptionError(`spanParents.${key}`, 'no such key (run, phase)', v[key]);
  if (v.run !== undefined && typeof v.run !== 'boolean' && (typeof v.run !== 'string' || v.run === ''))
    throw new InvalidOptionError('spanParents.run', 'a boolean, a non-empty string, or absent', v.run);
  if (v.phase !== undefined && typeof v.phase !== 'boolean') throw new InvalidOptionError('spanParents.phase', 'a boolean or absent', v.phase);
}

/** One open parent: its span, the context that holds it, and the latest end of its children so far. */
interface Parent {
  readonly span: Span;
  readonly context: Context;
  endMs: number;
}

/** The open run and phase spans of one collector. */
export class ParentSpans {
  readonly #tracer: Tracer;
  readonly #runName: string | undefined;
  readonly #phases: boolean;
  readonly #onOverflow: () => void;
  readonly #toHr: (ms: number) => HrTime;
  #run: Parent | undefined;
  readonly #open = new Map<number, Parent>();

  /**
   * @param tracer - The sink's tracer.
   * @param option - A checked, non-empty `spanParents` option.
   * @param onOverflow - Called when a phase finds {@link MAX_PHASE_SPANS} open (the caller warns once).
   * @param toHr - Epoch ms to `HrTime`.
   */
  constructor(tracer: Tracer, option: SpanParentsOption, onOverflow: () => void, toHr: (ms: number) => HrTime) {
    this.#tracer = tracer;
    this.#toHr = toHr;
    this.#runName = option.run === true ? 'run' : option.run === false ? undefined : option.run;
    this.#phases = option.phase === true;
    this.#onOverflow = onOverflow;
  }

  /** Whether any parent is made. */
  get enabled(): boolean {
    return this.#runName !== undefined || this.#phases;
  }

  /**
   * The context whose span parents an invocation of `phase` starting at `startMs`, starting the run and
   * phase spans it needs. `base`: the context to start them in (the active one).
   *
   * @param phase - The invocation's phase.
   * @param startMs - Its start, epoch ms.
   * @param endMs - Its end when known (a finished record), else its start.
   * @param base - The context a new run span starts in.
   * @returns The context, or `undefined` when no parent is asked for.
   */
  parentOf(phase: number, startMs: number, endMs: number, base: Context): Context | undefined {
    let ctx: Context | undefined;
    if (this.#runName !== undefined) {
      this.#run ??= this.#start(`${WORKFLOW_OPERATION} ${capValue(this.#runName)}`, { 'gen_ai.operation.name': WORKFLOW_OPERATION, [OURS.runName]: capValue(this.#runName) }, startMs, base);
      if (endMs > this.#run.endMs) this.#run.endMs = endMs;
      ctx = this.#run.context;
    }
    if (!this.#phases) return ctx;
    let p = this.#open.get(phase);
    if (p === undefined) {
      if (this.#open.size >= MAX_PHASE_SPANS) {
        this.#onOverflow();
        return ctx;
      }
      p = this.#start(`phase ${phase}`, { [OURS.phase]: phase }, startMs, ctx ?? base);
      this.#open.set(phase, p);
    }
    if (endMs > p.endMs) p.endMs = endMs;
    return p.context;
  }

  /**
   * Moves the end of the parents of `phase` to `endMs` if it is later (a live invocation that ended).
   *
   * @param phase - The invocation's phase.
   * @param endMs - Its end, epoch ms.
   */
  extend(phase: number, endMs: number): void {
    if (this.#run !== undefined && endMs > this.#run.endMs) this.#run.endMs = endMs;
    const p = this.#open.get(phase);
    if (p !== undefined && endMs > p.endMs) p.endMs = endMs;
  }

  /** Ends every phase span, then the run span, each at the latest end of what it held. */
  end(): void {
    for (const p of this.#open.values()) p.span.end(this.#toHr(p.endMs));
    this.#open.clear();
    if (this.#run !== undefined) this.#run.span.end(this.#toHr(this.#run.endMs));
    this.#run = undefined;
  }

  #start(name: string, attributes: Record<string, string | number>, startMs: number, base: Context): Parent {
    const span = this.#tracer.startSpan(name, { kind: SpanKind.INTERNAL, startTime: this.#toHr(startMs), attributes }, base);
    return { span, context: trace.setSpan(base, span), endMs: startMs };
  }
}
