import { crc32, deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAggregator } from '../../src/aggregate/index.js';
import type { AggregatorState } from '../../src/aggregate/index.js';
import type { InvocationMetric } from '../../src/record.js';
import {
  decodeState,
  encodeState,
  hasStateMagic,
  readHeader,
  STATE_FILE_MAGIC,
  STATE_HEADER_BYTES,
  StateFormatProblem,
} from '../../src/state/state-codec.js';
import { metric } from '../aggregate/helpers.js';
import { runs } from '../helpers/property.js';
import { validRecordArb } from '../reliability/arbitraries.js';

const MAX = Number.MAX_SAFE_INTEGER;

function stateOf(records: InvocationMetric[]): AggregatorState {
  const aggregator = createAggregator();
  for (const record of records) aggregator.add(record);
  return aggregator.serialize();
}

const sample = (): AggregatorState =>
  stateOf([
    metric({ agent: 'a', taskId: '\ud800 lone', model: 'm', tier: 'x', errorClass: 'timeout', success: false, tokens: MAX, inputTokens: MAX }),
    metric({ agent: '__proto__', attempt: 2, taskId: '\ud800 lone', phase: 9, tokens: MAX, cost: 0.1 + 0.2, durationMs: 5e-324 }),
    metric({ agent: 'rédacteur 🚀', phase: 0, model: '模型', tokens: 3 }),
  ]);

const bytesOf = (state: AggregatorState, compress = true): Buffer => Buffer.concat(encodeState(state, { compress }));

function problemOf(bytes: Uint8Array): string {
  try {
    decodeState(bytes);
  } catch (error) {
    if (error instanceof StateFormatProblem) return error.message;
    throw error;
  }
  return 'decoded';
}

/** A header for `body` as stored bytes, with valid checksums, whatever it declares. */
function forge(stored: Buffer, declared: { stored?: number; body: number; flags?: number; version?: number }): Buffer {
  const header = Buffer.alloc(STATE_HEADER_BYTES);
  header.set(STATE_FILE_MAGIC, 0);
  header.writeUInt32LE(declared.version ?? 1, 8);
  header.writeUInt32LE(declared.flags ?? 0, 12);
  header.writeBigUInt64LE(BigInt(declared.stored ?? stored.length), 16);
  header.writeBigUInt64LE(BigInt(declared.body), 24);
  header.writeUInt32LE(crc32(stored), 32);
  header.writeUInt32LE(crc32(header.subarray(0, 36)), 36);
  return Buffer.concat([header, stored]);
}

/** The raw (uncompressed) body of a state's file. */
const bodyOf = (state: AggregatorState): Buffer => bytesOf(state, false).subarray(STATE_HEADER_BYTES);

describe('encodeState / decodeState', () => {
  it('round-trips a state exactly: string tables with lone surrogates, exact token sums past 2^53, subnormal floats', () => {
    const state = sample();
    expect(state.tokens.exact).toBeDefined();
    for (const compress of [true, false]) {
      const back = decodeState(bytesOf(state, compress));
      expect(back).toEqual(state);
      // The aggregate too, bit for bit.
      const a = createAggregator();
      a.mergeState(back);
      const b = createAggregator();
      b.mergeState(state);
      expect(a.result()).toEqual(b.result());
    }
  });

  it('round-trips any valid records', () => {
    fc.assert(
      fc.property(fc.array(validRecordArb, { maxLength: 20 }), fc.boolean(), (records, compress) => {
        const state = stateOf(records);
        expect(decodeState(bytesOf(state, compress))).toEqual(state);
      }),
      { numRuns: runs(100) },
    );
  });

  it('compresses: the bench-like columns take well under the raw 57 bytes a record', () => {
    const records = Array.from({ length: 5000 }, (_, i) =>
      metric({ agent: `agent-${i % 12}`, phase: i % 6, taskId: `T-${i >> 1}`, attempt: 1 + (i & 1), durationMs: 1000 + ((i * 7919) % 90_000), timestamp: new Date(Date.UTC(2026, 10, 20) + i * 1000).toISOString() }),
    );
    const state = stateOf(records);
    expect(bytesOf(state).length).toBeLessThan(bytesOf(state, false).length / 2);
  });

  it('starts with the magic, which hasStateMagic recognises', () => {
    const bytes = bytesOf(sample());
    expect(hasStateMagic(bytes)).toBe(true);
    expect(hasStateMagic(Buffer.from('{"invocationId":"x"}\n'))).toBe(false);
    expect(hasStateMagic(bytes.subarray(0, 7))).toBe(false);
  });
});

describe('decodeState refuses damaged or foreign bytes with a clear reason', () => {
  it('every truncation', () => {
    const bytes = bytesOf(sample());
    for (let n = 0; n < bytes.length; n++) expect(problemOf(bytes.subarray(0, n)), `cut at ${n}`).toMatch(/^(truncated|not a state file)/);
  });

  it('every single flipped bit of the header and a sample of the body', () => {
    const bytes = bytesOf(sample());
    const positions = [...Array.from({ length: STATE_HEADER_BYTES }, (_, i) => i), ...Array.from({ length: 40 }, (_, i) => STATE_HEADER_BYTES + Math.floor((i * (bytes.length - STATE_HEADER_BYTES)) / 40))];
    for (const at of positions)
      for (let bit = 0; bit < 8; bit++) {
        const copy = Buffer.from(bytes);
        copy[at]! ^= 1 << bit;
        expect(problemOf(copy), `byte ${at} bit ${bit}`).toMatch(/^(corrupt|truncated|not a state file|format version)/);
      }
  });

  it('bytes past the end', () => {
    expect(problemOf(Buffer.concat([bytesOf(sample()), Buffer.from([0])]))).toMatch(/^corrupt: 1 bytes past the declared end/);
  });

  it('another format version, by number', () => {
    const stored = bodyOf(sample());
    expect(problemOf(forge(stored, { body: stored.length, version: 2 }))).toMatch(/^format version 2; this invocation-metrics reads version 1/);
  });

  it('unknown flags', () => {
    const stored = bodyOf(sample());
    expect(problemOf(forge(stored, { body: stored.length, flags: 4 }))).toMatch(/^corrupt: unknown flags 0x4/);
  });

  it('a declared body larger than the stored bytes can give, before any allocation', () => {
    const stored = deflateRawSync(bodyOf(sample()));
    // 2^52 bytes: allocating it would fail outright; the bound refuses it first.
    expect(problemOf(forge(stored, { body: 2 ** 52, flags: 1 }))).toMatch(/^corrupt: a body of 4503599627370496 bytes cannot come from/);
    expect(problemOf(forge(bodyOf(sample()), { body: 10 }))).toMatch(/^corrupt: a body of 10 bytes cannot come from/);
  });

  it('a body that inflates to more or less than declared (inflating stops at the declared length)', () => {
    const raw = bodyOf(sample());
    const stored = deflateRawSync(raw);
    expect(problemOf(forge(stored, { body: raw.length - 8, flags: 1 }))).toMatch(/^corrupt: the body does not inflate/);
    expect(problemOf(forge(stored, { body: raw.length + 8, flags: 1 }))).toMatch(/^corrupt: the body inflates to/);
    expect(problemOf(forge(Buffer.from('not deflate at all, just text'), { body: 1000, flags: 1 }))).toMatch(/^corrupt: the body does not inflate/);
  });

  it('a record count that does not match the body, however large', () => {
    for (const count of [2, 4, 2 ** 40, MAX]) {
      const raw = bodyOf(sample());
      const jsonBytes = raw.readUInt32LE(0);
      const meta = JSON.parse(raw.toString('utf8', 4, 4 + jsonBytes)) as { count: number };
      meta.count = count;
      const json = Buffer.from(JSON.stringify(meta));
      const body = Buffer.concat([Buffer.alloc(4), json, Buffer.alloc(8 - ((4 + json.length) % 8 || 8)), raw.subarray(Math.ceil((4 + jsonBytes) / 8) * 8)]);
      body.writeUInt32LE(json.length, 0);
      expect(problemOf(forge(body, { body: body.length })), `count ${count}`).toMatch(/^corrupt: \d+ records and their tables take \d+ bytes, the body has/);
    }
  });

  it('a table part that is not JSON, or not of the expected shape', () => {
    const withMeta = (text: string): Buffer => {
      const json = Buffer.from(text);
      const body = Buffer.alloc(Math.ceil((4 + json.length) / 8) * 8);
      body.writeUInt32LE(json.length, 0);
      json.copy(body, 4);
      return forge(body, { body: body.length });
    };
    expect(problemOf(withMeta('{nope'))).toBe('corrupt: the table part is not JSON');
    expect(problemOf(withMeta('[]'))).toMatch(/`\(root\)` is missing/);
    expect(problemOf(withMeta('{"count":-1}'))).toMatch(/`count` is missing/);
    expect(problemOf(withMeta('{"count":0,"phases":0,"agents":[1]}'))).toMatch(/`agents` is missing/);
    const empty = { count: 0, phases: 0, agents: [], taskIds: [], models: [], tiers: [], errorClasses: [] };
    expect(problemOf(withMeta(JSON.stringify({ ...empty, tokens: { total: 0, input: 0, output: 0, cached: 0, cachedWithInput: 0, exact: { total: '1e9' } } })))).toMatch(
      /`tokens.exact.total` is missing/,
    );
    // A declared table length past the body.
    const body = Buffer.alloc(8);
    body.writeUInt32LE(2 ** 31, 0);
    expect(problemOf(forge(body, { body: 8 }))).toMatch(/^corrupt: a table part of 2147483648 bytes in a body of 8/);
  });

  it('values no record can hold, through the same check as mergeState (an agent id out of its table)', () => {
    const state = sample();
    state.columns.agent[0] = 7;
    // encodeState checks first; write the bad column behind its back.
    const good = bodyOf(sample());
    const raw = Buffer.from(good);
    const agentAt = raw.length - state.count - 6 * 4 * state.count;
    raw.writeInt32LE(7, agentAt);
    expect(problemOf(forge(raw, { body: raw.length }))).toMatch(/^corrupt: Expected `state.columns.agent\[0\]` to be an id in \[0, 3\), got `7`/);
  });

  it('encodeState refuses a malformed state', () => {
    const state = sample();
    state.columns.attempt[0] = 0;
    expect(() => encodeState(state)).toThrow(/state.columns.attempt\[0\]/);
  });

  it('readHeader names a file that is not a state at all', () => {
    expect(() => readHeader(Buffer.from('{"a":1}\n'.repeat(8)), 64)).toThrow(/not a state file of invocation-metrics/);
  });
});
