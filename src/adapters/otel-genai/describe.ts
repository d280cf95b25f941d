/**
 * What a span cannot say by the conventions (task, attempt, phase, tier), from the attributes the user
 * sets (`invocation_metrics.task_id`, `.attempt`, `.phase`, `.tier`, on the span or on a span above it) or
 * from the `describe` option. Malformed values are left out and come back as problems.
 *
 * @module
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { READ } from './names.js';
import type { GenAiSpan } from './span-view.js';

/** What the `describe` option may say of a span; each field absent = not said. */
export interface SpanDescription {
  /** The agent, over the span's own name for it. */
  readonly agent?: string | undefined;
  /** Ties the attempts of one logical call together (same agent and phase). */
  readonly taskId?: string | undefined;
  /** 1 for the first try, 2 for the first retry... (integer >= 1). */
  readonly attempt?: number | undefined;
  /** Integer >= 0. */
  readonly phase?: number | undefined;
  /** The model-routing tier. */
  readonly tier?: string | undefined;
  /** The infra class of a failure, over the one read from `error.type`. */
  readonly errorClass?: string | undefined;
}

/** A span-like with a parent link (the processor's remembered spans). */
interface Above {
  readonly span: GenAiSpan;
  readonly parent: Above | undefined;
}

type Fields = Pick<SpanDescription, 'taskId' | 'attempt' | 'phase' | 'tier'>;

const intAtLeast = (min: number) => (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= min ? n : undefined;
};
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const taskText = (v: unknown): string | undefined => (typeof v === 'number' && Number.isFinite(v) ? String(v) : text(v));

const READERS: Readonly<Record<keyof Fields, { readonly attribute: string; readonly read: (v: unknown) => string | number | undefined; readonly expected: string }>> = {
  taskId: { attribute: READ.taskId, read: taskText, expected: 'a non-empty string' },
  attempt: { attribute: READ.attempt, read: intAtLeast(1), expected: 'an integer >= 1' },
  phase: { attribute: READ.phase, read: intAtLeast(0), expected: 'an integer >= 0' },
  tier: { attribute: READ.tier, read: text, expected: 'a non-empty string' },
};

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `[${v.map(String).join(', ')}]` : String(v));

/**
 * The task, attempt, phase and tier attributes of the span, else of the nearest span above it that has each.
 *
 * @param span - The finished span.
 * @param parent - Its parent, as the processor remembers it.
 * @param problems - Receives a line per malformed value (left out).
 * @returns The fields found.
 */
export function inherited(span: GenAiSpan, parent: Above | undefined, problems: string[]): Fields {
  const out: Record<string, string | number> = {};
  for (const [field, r] of Object.entries(READERS)) {
    let attributes: Attributes | undefined = span.attributes;
    for (let e = parent; attributes !== undefined; e = e?.parent) {
      const raw: AttributeValue | undefined = attributes[r.attribute];
      if (raw !== undefined && raw !== null) {
        const value = r.read(raw);
        if (value === undefined) problems.push(`${r.attribute} = ${show(raw)} is not ${r.expected}; left out`);
        else out[field] = value;
        break;
      }
      attributes = e?.span.attributes;
    }
  }
  return out as Fields;
}

/**
 * Calls the `describe` option and keeps what is well formed.
 *
 * @param describe - The option (absent: nothing).
 * @param span - The finished span.
 * @param problems - Receives a line per malformed field or a throw.
 * @returns What it said.
 */
export function describeSpan(describe: ((span: GenAiSpan) => SpanDescription | undefined) | undefined, span: GenAiSpan, problems: string[]): SpanDescription {
  if (describe === undefined) return {};
  let said: SpanDescription | undefined;
  try {
    said = describe(span);
  } catch (err) {
    problems.push(`\`describe\` threw (${err instanceof Error ? err.message : String(err)}); recorded without it`);
    return {};
  }
  if (said === undefined || said === null) return {};
  if (typeof said !== 'object') {
    problems.push(`\`describe\` returned ${show(said)}, not an object; recorded without it`);
    return {};
  }
  const out: Record<string, string | number> = {};
  const keep = (field: keyof SpanDescription, read: (v: unknown) => string | number | undefined, expected: string): void => {
    const v = said[field];
    if (v === undefined) return;
    const value = read(v);
    if (value === undefined) problems.push(`\`describe\` gave ${field} ${show(v)}, not ${expected}; left out`);
    else out[field] = value;
  };
  keep('agent', text, 'a non-empty string');
  keep('taskId', text, 'a non-empty string');
  keep('attempt', (v) => (typeof v === 'number' ? intAtLeast(1)(v) : undefined), 'an integer >= 1');
  keep('phase', (v) => (typeof v === 'number' ? intAtLeast(0)(v) : undefined), 'an integer >= 0');
  keep('tier', text, 'a non-empty string');
  keep('errorClass', text, 'a non-empty string');
  return out as SpanDescription;
}
