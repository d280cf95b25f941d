import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import { DEFAULT_MAX_LINE_BYTES } from '../../src/log/lines.js';
import { loadLog, parseLogLine, readLog, type LogWarning } from '../../src/log/reader.js';
import { metric, tempDir } from '../helpers/records.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/log/${name}`, import.meta.url));

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('im-reader-')));
afterEach(() => cleanup());

describe('loadLog', () => {
  it('keeps the valid records and warns once per bad line, with 1-based line numbers', async () => {
    const file = fixture('mixed.jsonl');
    const seen: LogWarning[] = [];
    const { records, skipped, warnings } = await loadLog(file, { onWarning: (w) => seen.push(w) });
    expect(records.map((r) => [r.invocationId, r.agent])).toEqual([
      ['a', 'coder'],
      ['c', 'rédacteur 🚀'],
      ['e', '审稿人'],
    ]);
    expect(records[1]).toMatchObject({ extra: { k: [1, 2] } }); // unknown fields kept as parsed
    expect(records[2]!.taskId).toBe('t-1');
    expect(skipped).toBe(5);
    expect(warnings.map((w) => [w.file, w.line])).toEqual([3, 5, 8, 9, 10].map((n) => [file, n]));
    expect(warnings[0]!.reason).toMatch(/^malformed JSON/);
    expect(warnings[1]!.reason).toMatch(/^invalid record: Expected `phase` to be an integer >= 0, got `-1`/);
    expect(warnings[2]!.reason).toMatch(/^invalid record: Expected the record to be an object/);
    expect(warnings[3]!.reason).toMatch(/`timestamp`/);
    expect(warnings[4]!.reason).toMatch(/^torn last line .*: malformed JSON/);
    expect(seen).toEqual(warnings);
  });

  it('keeps a valid last line that has no trailing newline', async () => {
    const { records, skipped } = await loadLog(fixture('valid-last-line.jsonl'));
    expect(records.map((r) => r.invocationId)).toEqual(['a', 'b']);
    expect(skipped).toBe(0);
  });

  it('skips a line longer than maxLineBytes, also as a torn last line', async () => {
    const { records, warnings } = await loadLog(fixture('long-line.jsonl'), { maxLineBytes: 1000 });
    expect(records.map((r) => r.invocationId)).toEqual(['a', 'b']);
    expect(warnings.map((w) => w.line)).toEqual([2, 4]);
    expect(warnings[0]!.reason).toMatch(/^line of 52\d\d bytes is longer than maxLineBytes \(1000\)$/);
    expect(warnings[1]!.reason).toMatch(/^torn last line .*longer than maxLineBytes/);
    expect((await loadLog(fixture('long-line.jsonl'))).records).toHaveLength(4);
  });

  it('skips a line of several MiB (spanning read chunks) and reads on', async () => {
    const file = join(dir, 'huge.jsonl');
    writeFileSync(file, `${JSON.stringify(metric({ invocationId: 'a' }))}\n${'z'.repeat(3 * 1024 * 1024)}\n${JSON.stringify(metric({ invocationId: 'b' }))}\n`);
    const { records, warnings } = await loadLog(file, { maxLineBytes: 1024 * 1024 });
    expect(records.map((r) => r.invocationId)).toEqual(['a', 'b']);
    expect(warnings).toEqual([{ file, line: 2, reason: `line of ${3 * 1024 * 1024} bytes is longer than maxLineBytes (1048576)` }]);
  });

  it('defaults maxLineBytes to 1 MiB: a record line of exactly 1 MiB loads, one byte more is skipped, naming the line', async () => {
    const file = join(dir, 'limit.jsonl');
    const line = (id: string, bytes: number): string => {
      const bare = JSON.stringify(metric({ invocationId: id, pad: '' }));
      return bare.replace('"pad":""', `"pad":"${'p'.repeat(bytes - Buffer.byteLength(bare))}"`);
    };
    expect(DEFAULT_MAX_LINE_BYTES).toBe(1024 * 1024);
    writeFileSync(file, `${line('at', DEFAULT_MAX_LINE_BYTES)}\n${line('over', DEFAULT_MAX_LINE_BYTES + 1)}\n${line('small', 400)}\n`);
    const { records, warnings } = await loadLog(file);
    expect(records.map((r) => r.invocationId)).toEqual(['at', 'small']);
    expect(warnings).toEqual([{ file, line: 2, reason: `line of ${DEFAULT_MAX_LINE_BYTES + 1} bytes is longer than maxLineBytes (${DEFAULT_MAX_LINE_BYTES})` }]);
  });

  it('loads a missing file as nothing, and rejects other errors', async () => {
    expect(await loadLog(join(dir, 'none.jsonl'))).toEqual({ records: [], skipped: 0, warnings: [] });
    await expect(loadLog(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('rejects a bad maxLineBytes', async () => {
    await expect(loadLog(fixture('mixed.jsonl'), { maxLineBytes: 0 })).rejects.toBeInstanceOf(InvalidOptionError);
  });
});

describe('readLog', () => {
  it('streams a large file (50k lines, many read chunks) and returns the skipped count', async () => {
    const file = join(dir, 'large.jsonl');
    const out = createWriteStream(file);
    for (let i = 0; i < 50_000; i++) {
      out.write(`${JSON.stringify(metric({ invocationId: `r${i}`, agent: i % 2 ? 'coder' : 'テスター' }))}\n`);
      if (i === 25_000) out.write('garbage\n');
    }
    await new Promise((r) => out.end(r));
    const reader = readLog(file);
    let n = 0;
    let ordered = true;
    for (let r = await reader.next(); ; r = await reader.next()) {
      if (r.done === true) {
        expect(r.value).toEqual({ skipped: 1 });
        break;
      }
      ordered &&= r.value.invocationId === `r${n}`;
      n++;
    }
    expect(n).toBe(50_000);
    expect(ordered).toBe(true);
  });

  it('yields nothing for a missing file, and stops cleanly when the consumer breaks', async () => {
    const none: unknown[] = [];
    for await (const r of readLog(join(dir, 'none.jsonl'))) none.push(r);
    expect(none).toEqual([]);
    for await (const r of readLog(fixture('mixed.jsonl'))) {
      expect(r.invocationId).toBe('a');
      break;
    }
  });
});

describe('parseLogLine', () => {
  it('tells blank, record and invalid lines apart', () => {
    expect(parseLogLine(' \t')).toEqual({ kind: 'blank' });
    expect(parseLogLine(JSON.stringify(metric({ invocationId: 'x' })))).toMatchObject({ kind: 'record', record: { invocationId: 'x' } });
    expect(parseLogLine('{')).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/^malformed JSON/) as string });
    expect(parseLogLine('null')).toMatchObject({ kind: 'invalid' });
  });
});
