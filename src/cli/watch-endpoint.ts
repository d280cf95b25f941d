/**
 * In flight from a Prometheus endpoint, for `watch --metrics URL`: one plain HTTP GET of the text format
 * and the sum of the `invocation_metrics_active` gauge (the collector's `begin()` minus `end()`), by agent.
 * The log cannot say this: a record is written when its invocation ends, and nothing when it begins.
 *
 * @module
 */
import { ATTR_AGENT, INSTRUMENTS } from '../otel/names.js';

/** The gauge's Prometheus name: the same in every naming mode (its unit is an annotation, so no suffix). */
export const ACTIVE_GAUGE = INSTRUMENTS.active.name.replace(/\./g, '_');
const AGENT_LABEL = ATTR_AGENT.replace(/\./g, '_');
/** Most bytes of one scrape read; a larger body is cut there, and the gauge may then be missed. */
export const MAX_SCRAPE_BYTES = 32 * 1024 * 1024;

/** In flight as one endpoint reported it. */
export interface InFlight {
  /** Sum of the gauge over its series. */
  total: number;
  /** Sum by agent. */
  byAgent: Map<string, number>;
  /**
   * Series of the gauge found. 0: the endpoint answered without the gauge, which is what a process serves
   * before its first `begin()` or `record()` (or an endpoint that is not a collector's), shown as such.
   */
  series: number;
}

/**
 * Reads the in-flight gauge out of a Prometheus text exposition. Pure.
 *
 * @param text - The scrape body.
 * @returns The sums, and the number of series read (0 when the body has none).
 */
export function parseInFlight(text: string): InFlight {
  const out: InFlight = { total: 0, byAgent: new Map(), series: 0 };
  for (const line of text.split('\n')) {
    if (!line.startsWith(ACTIVE_GAUGE)) continue;
    const next = line.charAt(ACTIVE_GAUGE.length);
    if (next !== '{' && next !== ' ') continue;
    const close = next === '{' ? labelsEnd(line, ACTIVE_GAUGE.length) : ACTIVE_GAUGE.length;
    if (close < 0) continue;
    // `value [timestamp]` after the labels.
    const value = Number(line.slice(close + (next === '{' ? 1 : 0)).trim().split(/\s+/)[0]);
    if (!Number.isFinite(value)) continue;
    out.series++;
    out.total += value;
    const agent = next === '{' ? labelValue(line.slice(ACTIVE_GAUGE.length + 1, close), AGENT_LABEL) : undefined;
    if (agent !== undefined) out.byAgent.set(agent, (out.byAgent.get(agent) ?? 0) + value);
  }
  return out;
}

/** Index of the `}` that ends the label set opened at `open`, skipping quoted values; -1 if none. */
function labelsEnd(line: string, open: number): number {
  let quoted = false;
  for (let i = open + 1; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '}') return i;
  }
  return -1;
}

/** The unescaped value of `name` in a label set (`a="x",b="y\"z"`). */
function labelValue(labels: string, name: string): string | undefined {
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(labels); m !== null; m = re.exec(labels))
    if (m[1] === name) return m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  return undefined;
}

/**
 * Scrapes an endpoint once.
 *
 * @param url - An `http:` or `https:` URL.
 * @param timeoutMs - Time allowed for the whole request.
 * @param stop - Aborts the request (the watch ends).
 * @returns The in-flight sums, or a short reason why there are none.
 */
export async function scrapeInFlight(url: string, timeoutMs: number, stop?: AbortSignal): Promise<InFlight | { error: string }> {
  try {
    const signal = stop === undefined ? AbortSignal.timeout(timeoutMs) : AbortSignal.any([AbortSignal.timeout(timeoutMs), stop]);
    const response = await fetch(url, { signal, headers: { accept: 'text/plain' } });
    if (!response.ok) {
      await response.body?.cancel();
      return { error: `HTTP ${response.status}` };
    }
    const text = await readBounded(response);
    return parseInFlight(text);
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    return { error: e.name === 'TimeoutError' ? 'timed out' : (e.cause?.code ?? e.message) };
  }
}

async function readBounded(response: Response): Promise<string> {
  if (response.body === null) return '';
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    bytes += value.byteLength;
    text += decoder.decode(value, { stream: true });
    if (bytes >= MAX_SCRAPE_BYTES) {
      await reader.cancel();
      return text;
    }
  }
}

/**
 * In flight over several endpoints (one per recording process): the sums of their sums. One endpoint that
 * failed makes the whole figure unknown, named by its URL when there are several: a partial sum would
 * show fewer calls than run.
 *
 * @param urls - The endpoints, in `--metrics` order.
 * @param results - What {@link scrapeInFlight} gave for each, in the same order.
 * @returns The sums, or the first failure.
 */
export function combineInFlight(urls: readonly string[], results: readonly (InFlight | { error: string })[]): InFlight | { error: string } {
  const sum: InFlight = { total: 0, byAgent: new Map(), series: 0 };
  for (const [i, r] of results.entries()) {
    if ('error' in r) return { error: urls.length === 1 ? r.error : `${urls[i]}: ${r.error}` };
    sum.total += r.total;
    sum.series += r.series;
    for (const [agent, n] of r.byAgent) sum.byAgent.set(agent, (sum.byAgent.get(agent) ?? 0) + n);
  }
  return sum;
}
