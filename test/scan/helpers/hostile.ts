/**
 * A log that exercises every way a line can leave the fast path, or stay on it with unusual values:
 * writer lines with unicode, unknown fields and odd numbers; hand-written lines with escapes, reordered
 * and duplicate keys, whitespace, CRLF, invalid UTF-8, invalid values, blank lines; and retries whose
 * previous attempt is written differently (so the two paths must agree on the task id).
 */
import type { InvocationMetric } from '../../../src/record.js';
import { serializeMetric } from '../../../src/serialize.js';
import { metric } from '../../helpers/records.js';

/** A valid record with a fixed id and task; `patch` overrides fields. */
export function record(patch: Partial<InvocationMetric> & Record<string, unknown> = {}): InvocationMetric {
  return metric({ invocationId: 'inv', taskId: 't1', ...patch });
}

const w = (patch: Partial<InvocationMetric> & Record<string, unknown> = {}): string => serializeMetric(record(patch));

/** Lines the writer produces, with values that stress the fast path's conversions. */
export const WRITER_LINES: string[] = [
  w(),
  serializeMetric({ invocationId: 'min', agent: 'a', phase: 0, durationMs: 0, tokens: 0, cost: 0, exitCode: 0, success: false, attempt: 1, outputParsed: false, timestamp: '2026-11-20T09:00:01.000Z' }),
  w({ invocationId: 'err', success: false, exitCode: 75, errorClass: 'timeout', attempt: 1, taskId: 'retry-me', tier: 'small' }),
  w({ invocationId: 'err2', success: false, errorClass: '', taskId: 'empty-class' }),
  w({ invocationId: 'uni', agent: 'rédacteur 🚀', taskId: 'tâche-😀', model: '模型', tier: 'größer' }),
  w({ invocationId: 'proto', agent: '__proto__', model: 'constructor', taskId: '' }),
  w({ invocationId: 'num1', durationMs: 0.1 + 0.2, cost: 1e-7, tokens: 1e15, exitCode: -1 }),
  // Costs at and just below the largest valid one (MAX_COST_USD, 1e15).
  w({ invocationId: 'num2', durationMs: 1e-7, cost: 1e15, tokens: 123456789012345, phase: 7 }),
  w({ invocationId: 'num4', cost: 123456.78901234567, durationMs: 99999.99999999999 }),
  w({ invocationId: 'num3', durationMs: 5e-324, cost: 999999999999999.9, tokens: Number.MAX_SAFE_INTEGER }),
  w({ invocationId: 'unknown', extra: { k: [1, 2, { z: null }], s: 'say "hi" \u0001 \\ /' }, note: 'ünïcode', n: -1.5e-3, b: true, f: false, arr: [] }),
  w({ invocationId: 'ts1', timestamp: '2026-11-20T09:00:00Z' }),
  w({ invocationId: 'ts2', timestamp: '2026-11-20T10:00:00+01:00' }),
  w({ invocationId: 'ts3', timestamp: '2026-11-20T09:00:00.123456789Z' }),
  // Far dates are checked in timestamp-bytes.test.ts: here they would make millions of buckets.
  w({ invocationId: 'ts4', timestamp: '2026-11-19T23:59:59.999Z', durationMs: 2 }),
  w({ invocationId: 'ts5', timestamp: '2026-11-20T12:00:00.000-05:30' }),
  w({ invocationId: 'ts7', timestamp: '2026-11-20T09:00' + 'Z' }),
  // Retries: attempt 2 of retry-me (escalated), and of t1 (whose first attempt is written with an escape below).
  w({ invocationId: 'r2', attempt: 2, taskId: 'retry-me', tier: 'large', timestamp: '2026-11-20T09:00:05.000Z' }),
  // The optional fields after errorClass, each alone and all together.
  w({ invocationId: 'prov', provider: 'openai' }),
  w({ invocationId: 'src', costSource: 'none', cost: 0 }),
  w({ invocationId: 'all3', success: false, errorClass: 'timeout', provider: 'aws.bedrock', costSource: 'table', priceTable: 'invocation-metrics/2026-12-01' }),
  w({ invocationId: 'all3-unknown', provider: 'anthropic', costSource: 'provider', note: 1 }),
  w({ invocationId: 'r3', attempt: 2, taskId: 'esc-task', agent: 'coder', timestamp: '2026-11-20T09:00:09.000Z', tier: 'large' }),
];

/** Hand-written lines: valid ones off the fast path, and invalid ones with every kind of reason. */
export const HOSTILE_LINES: string[] = [
  // Escapes: the slow path decodes them; the first attempt of esc-task is written with \u escapes.
  '{"invocationId":"a\\u0041","agent":"c\\u006fder","phase":1,"taskId":"esc-\\u0074ask","durationMs":10,"tokens":1,"cost":0,"exitCode":1,"success":false,"attempt":1,"outputParsed":true,"model":"model-small","tier":"small","timestamp":"2026-11-20T09:00:08.000Z","errorClass":"rate_limit"}',
  '{"invocationId":"surrogates","agent":"\\ud83d\\ude80","phase":2,"taskId":"\\ud800","durationMs":1,"tokens":1,"cost":0,"exitCode":0,"success":true,"attempt":1,"outputParsed":true,"timestamp":"2026-11-20T09:00:00.000Z"}',
  '{"invocationId":"replacement","agent":"\\ufffd","phase":2,"taskId":"\\ufffd","durationMs":1,"tokens":1,"cost":0,"exitCode":0,"success":true,"attempt":2,"outputParsed":true,"timestamp":"2026-11-20T09:00:01.000Z"}',
  // Reordered keys, whitespace, numbers in other spellings.
  '{"agent":"coder","invocationId":"reordered","phase":1,"durationMs":1,"tokens":1,"cost":0,"exitCode":0,"success":true,"attempt":1,"outputParsed":true,"timestamp":"2026-11-20T09:00:00.000Z"}',
  '{ "invocationId": "spaced", "agent": "coder", "phase": 1, "durationMs": 1, "tokens": 1, "cost": 0, "exitCode": 0, "success": true, "attempt": 1, "outputParsed": true, "timestamp": "2026-11-20T09:00:00.000Z" }',
  `${w({ invocationId: 'trailing-space' })} `,
  `\t${w({ invocationId: 'leading-tab' })}`,
  w({ invocationId: 'numbers' }).replace('"tokens":1200', '"tokens":1.2e3').replace('"phase":1', '"phase":1.0').replace('"durationMs":1500', '"durationMs":-0'),
  w({ invocationId: 'upper-e' }).replace('"tokens":1200', '"tokens":12E2').replace('"cost":0.0042', '"cost":4.2E-3'),
  w({ invocationId: 'neg-zero' }).replace('"durationMs":1500', '"durationMs":-0.0').replace('"exitCode":0', '"exitCode":-0'),
  // Duplicate keys: JSON.parse keeps the last value.
  w({ invocationId: 'dup-unknown-section' }).replace(/}$/, ',"agent":"other","phase":3}'),
  w({ invocationId: 'dup-known' }).replace('"tier":"small"', '"tier":"small","tier":"large"'),
  w({ invocationId: 'dup-escaped-key' }).replace(/}$/, ',"ag\\u0065nt":"escaped-dup"}'),
  // Invalid records: each has its own reason.
  w({ phase: -1 }),
  w({ attempt: 0 }),
  w({ invocationId: '' }),
  w({ agent: '' }),
  w({ tokens: 1.5 }),
  w({ timestamp: '2026-11-20T09:00:00.000' }),
  w({ timestamp: '2026-02-30T09:00:00.000Z' }),
  w({ timestamp: '2026-11-20T24:00:00.000Z' }),
  w({ invocationId: 'null-model' }).replace('"model":"model-small"', '"model":null'),
  w({ invocationId: 'string-bool' }).replace('"success":true', '"success":"true"'),
  w({ invocationId: 'huge' }).replace('"cost":0.0042', '"cost":1e400'),
  // Past the record's limits: a cost above 1e15, a count past 2^53, an end past the last valid date.
  w({ invocationId: 'cost-1e21' }).replace('"cost":0.0042', '"cost":1e21'),
  w({ invocationId: 'cost-max-value' }).replace('"cost":0.0042', '"cost":1.7976931348623157e308'),
  w({ invocationId: 'tokens-2-53' }).replace('"tokens":1200', '"tokens":9007199254740992'),
  w({ invocationId: 'end-past-dates' }).replace('"durationMs":1500', '"durationMs":8640000000000000'),
  w({ invocationId: 'leading-zero' }).replace('"tokens":1200', '"tokens":01200'),
  w({ invocationId: 'bad-cost-source', costSource: 'guess' as 'none' }),
  w({ invocationId: 'num-provider' }).replace(/}$/, ',"provider":5}'),
  w({ invocationId: 'dup-provider', provider: 'a' }).replace(/}$/, ',"provider":"b"}'),
  w({ invocationId: 'order-swapped', provider: 'a' }).replace('"provider":"a"', '"costSource":"none","provider":"a"'),
  w({ invocationId: 'raw-tab' }).replace('"agent":"coder"', '"agent":"co\tder"'),
  w({ invocationId: 'bad-escape' }).replace('"agent":"coder"', '"agent":"co\\xder"'),
  w({ invocationId: 'two-objects' }) + w(),
  'this line is not JSON',
  '[]',
  'null',
  '{}',
  '{"invocationId":"truncated","agent":"coder","phase":1,"durationMs":1',
  // Blank lines are not counted as skipped; a BOM alone trims to nothing.
  '',
  '   ',
  '\ufeff',
  `\ufeff${w({ invocationId: 'bom' })}`,
];

/** Joins lines with `\n` (or `\r\n`), with an optional unterminated last line. */
export function logText(lines: string[], options: { crlf?: boolean; torn?: string } = {}): string {
  const eol = options.crlf === true ? '\r\n' : '\n';
  return lines.map((line) => line + eol).join('') + (options.torn ?? '');
}

/**
 * Lines with raw bytes that are not valid UTF-8 (they decode to U+FFFD), as a Buffer: two different
 * invalid sequences in a task id decode to the same string, so the two records share a task id.
 */
export function invalidUtf8Lines(): Buffer {
  const line = (id: string, bytes: number[], attempt: number, second: number): Buffer => {
    const [head, tail] = w({ invocationId: id, taskId: 'XX', agent: 'YY', attempt, timestamp: `2026-11-20T09:00:0${second}.000Z` }).split('XX');
    const [mid, rest] = tail!.split('YY');
    return Buffer.concat([Buffer.from(head!), Buffer.from(bytes), Buffer.from(mid!), Buffer.from(bytes), Buffer.from(`${rest!}\n`)]);
  };
  return Buffer.concat([line('bad-utf8-1', [0x74, 0xff], 1, 1), line('bad-utf8-2', [0x74, 0xc3], 2, 2), line('bad-utf8-3', [0x74, 0xed, 0xa0, 0x80], 3, 3)]);
}
