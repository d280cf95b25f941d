/**
 * The log reader as it was before the collector's loader and the scan shared one line reader (frozen
 * here as the reference the new reader is held to): lines split on the byte `\n` by a splitter that
 * copies what it keeps across chunks, one `\r` before the `\n` dropped, each line decoded as UTF-8 and
 * given to `JSON.parse` + `findMetricProblem`, with the warnings' texts word for word. Slow and simple
 * on purpose: change it only if the rules themselves change.
 */
import fs from 'node:fs/promises';
import type { LogWarning } from '../../src/log/reader.js';
import { findMetricProblem, type InvocationMetric } from '../../src/record.js';

const TORN = 'torn last line (no trailing newline: the writer was likely cut off by a crash)';

type ParsedLine = { kind: 'blank' } | { kind: 'record'; record: InvocationMetric } | { kind: 'invalid'; reason: string };

function parseLine(text: string): ParsedLine {
  if (text.trim() === '') return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: 'invalid', reason: `malformed JSON (${(error as Error).message})` };
  }
  const problem = findMetricProblem(value);
  if (problem !== undefined) return { kind: 'invalid', reason: `invalid record: ${problem.message}` };
  return { kind: 'record', record: value as InvocationMetric };
}

/** What the old reader gave for a file. */
export interface ReferenceLoad {
  records: InvocationMetric[];
  skipped: number;
  warnings: LogWarning[];
}

/**
 * The old `loadLog`, over the first `limit` bytes of `file` (all of it by default), read in chunks of
 * `chunkBytes`.
 */
export async function referenceLoad(file: string, maxLineBytes: number, options: { limit?: number; chunkBytes?: number } = {}): Promise<ReferenceLoad> {
  const records: InvocationMetric[] = [];
  const warnings: LogWarning[] = [];
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records, skipped: 0, warnings };
    throw error;
  }
  if (options.limit !== undefined) bytes = bytes.subarray(0, options.limit);
  const skip = (line: number, reason: string, terminated: boolean): void => {
    warnings.push({ file, line, reason: terminated ? reason : `${TORN}: ${reason}` });
  };
  let pieces: Buffer[] = [];
  let pending = 0;
  let overlong = false;
  let lineNo = 0;
  const emit = (chunk: Buffer, start: number, end: number, terminated: boolean): void => {
    lineNo++;
    const size = pending + end - start;
    if (overlong || size > maxLineBytes) skip(lineNo, `line of ${size} bytes is longer than maxLineBytes (${maxLineBytes})`, terminated);
    else {
      const whole = Buffer.concat([...pieces, chunk.subarray(start, end)]);
      const stop = whole.length > 0 && whole[whole.length - 1] === 0x0d ? whole.length - 1 : whole.length;
      const parsed = parseLine(whole.toString('utf8', 0, stop));
      if (parsed.kind === 'record') records.push(parsed.record);
      else if (parsed.kind === 'invalid') skip(lineNo, parsed.reason, terminated);
    }
    pieces = [];
    pending = 0;
    overlong = false;
  };
  const chunkBytes = options.chunkBytes ?? 1024 * 1024;
  for (let at = 0; at < bytes.length; at += chunkBytes) {
    const chunk = bytes.subarray(at, at + chunkBytes);
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      emit(chunk, start, nl, true);
      start = nl + 1;
    }
    if (start === chunk.length) continue;
    pending += chunk.length - start;
    if (overlong) continue;
    if (pending > maxLineBytes) {
      overlong = true;
      pieces = [];
    } else pieces.push(Buffer.from(chunk.subarray(start)));
  }
  if (pending > 0) emit(Buffer.alloc(0), 0, 0, false);
  return { records, skipped: warnings.length, warnings };
}

/**
 * Whether two values are the same as `JSON.parse` results: the same keys in the same order, numbers
 * equal by `Object.is` (`-0` is not `0`), recursively. Returns the path of the first difference.
 */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | undefined {
  const show = (v: unknown): string => (Object.is(v, -0) ? '-0' : String(v));
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b) ? undefined : `${path}: ${show(a)} vs ${show(b)}`;
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: kind`;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.join('\0') !== kb.join('\0')) return `${path}: keys ${ka.join(',')} vs ${kb.join(',')}`;
  for (const k of ka) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d !== undefined) return d;
  }
  return undefined;
}
