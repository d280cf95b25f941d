/**
 * Regression (issue 20, item 1): `begin()` and `end()` accepted misspelled fields, in TypeScript (their
 * types ended in `& Record<string, unknown>`) and at run time (the misspellings landed in the log as
 * unknown fields). A misspelled `taskId` or `errorClass` silently broke the infra/code retry split. Both
 * types are exact now (the `@ts-expect-error` lines below fail the typecheck if a typo typechecks), and
 * at run time an unknown field is an `UnknownFieldError` that names the field meant; fields of one's own
 * go in `extra`.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { InvalidMetricError, UnknownFieldError } from '../../src/errors.js';
import { memoryLogger, tempDir } from '../helpers/records.js';

let tmp: ReturnType<typeof tempDir>;
let c: InvocationMetricsCollector;
beforeEach(() => {
  tmp = tempDir('im-regr-fields-');
  c = new InvocationMetricsCollector(tmp.dir, memoryLogger());
});
afterEach(async () => {
  await c.close();
  tmp.cleanup();
});

const lines = (): Record<string, unknown>[] =>
  readFileSync(c.path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('begin() with a misspelled field', () => {
  it('throws an UnknownFieldError naming the field meant, and opens nothing', () => {
    let error: unknown;
    try {
      // @ts-expect-error `tasKId` is not a field of begin()
      c.begin({ agent: 'coder', phase: 1, tasKId: 'T-1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownFieldError);
    expect(error).toBeInstanceOf(InvalidMetricError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_METRIC', field: 'tasKId', value: 'T-1', suggestion: 'taskId' });
    expect((error as Error).message).toBe('begin() does not take `tasKId` (got `"T-1"` (string)): did you mean `taskId`? fields of your own go in `extra`');
    // @ts-expect-error `modle` is not a field of begin()
    expect(() => c.begin({ agent: 'coder', phase: 1, modle: 'x' })).toThrow(/did you mean `model`\?/);
  });

  it('says where a field of end() belongs', () => {
    // @ts-expect-error `tokens` is a field of end()
    expect(() => c.begin({ agent: 'coder', phase: 1, tokens: 5 })).toThrow('`tokens` is known when the invocation ends: pass it to end()');
  });
});

describe('end() with a misspelled field', () => {
  it('rejects, records nothing, and a corrected end() records the infra retry the typo would have hidden', async () => {
    const first = c.begin({ agent: 'coder', phase: 1, taskId: 'T-1' });
    await first.end({ success: false, tokens: 0, cost: 0, exitCode: 1, errorClass: 'timeout' });
    const retry = c.begin({ agent: 'coder', phase: 1, taskId: 'T-1', attempt: 2 });
    const rejected = retry.end({
      success: true,
      tokens: 5,
      cost: 0,
      exitCode: 0,
      // @ts-expect-error `inputTokns` is not a field of end()
      inputTokns: 5,
    });
    await expect(rejected).rejects.toBeInstanceOf(UnknownFieldError);
    await expect(rejected).rejects.toThrow('end() does not take `inputTokns` (got `5` (number)): did you mean `inputTokens`?');
    // @ts-expect-error `errorClas` is not a field of end()
    await expect(first.end({ success: false, tokens: 0, cost: 0, exitCode: 1, errorClas: 'timeout' })).rejects.toThrow(/already recorded/);
    expect(c.getCount()).toBe(1);
    await retry.end({ success: true, tokens: 5, cost: 0, exitCode: 0, inputTokens: 5 });
    await c.flush();
    const keys = lines().flatMap((l) => Object.keys(l));
    expect(keys).not.toContain('inputTokns');
    expect(keys).not.toContain('errorClas');
    expect(c.computeAggregate()).toMatchObject({ totalRetries: 1, infraRetries: 1 });
  });

  it('refuses the fields begin() fixed and the measured ones', async () => {
    const h = c.begin({ agent: 'coder', phase: 1 });
    // @ts-expect-error `agent` is fixed by begin()
    await expect(h.end({ success: true, tokens: 1, cost: 0, exitCode: 0, agent: 'other' })).rejects.toThrow('`agent` is set by begin() and fixed for the handle');
    // @ts-expect-error `durationMs` is measured
    await expect(h.end({ success: true, tokens: 1, cost: 0, exitCode: 0, durationMs: 3 })).rejects.toThrow('end() measures `durationMs`; to give your own, call record()');
  });
});

describe('extra: fields of your own', () => {
  it("are kept in memory and in the log, begin()'s merged with end()'s", async () => {
    const h = c.begin({ agent: 'coder', phase: 1, extra: { runId: 'r-9', host: 'a' } });
    await h.end({ success: true, tokens: 1, cost: 0, exitCode: 0, extra: { host: 'b' } });
    expect(lines()[0]).toMatchObject({ agent: 'coder', runId: 'r-9', host: 'b' });
    expect(c.getAll()[0]).toMatchObject({ runId: 'r-9', host: 'b' });
  });

  it('may not hold a field of the record (it would bypass the check)', async () => {
    expect(() => c.begin({ agent: 'coder', phase: 1, extra: { taskId: 'T-1' } })).toThrow(
      'begin() does not take `extra.taskId` (got `"T-1"` (string)): `taskId` is a field of the record: pass it as `taskId`, not in `extra`',
    );
    const h = c.begin({ agent: 'coder', phase: 1 });
    await expect(h.end({ success: true, tokens: 1, cost: 0, exitCode: 0, extra: { errorClass: 'x' } })).rejects.toThrow(/extra\.errorClass/);
    // @ts-expect-error extra is an object
    expect(() => c.begin({ agent: 'coder', phase: 1, extra: 'x' })).toThrow(/`extra`/);
  });
});

describe('begin() checks the values it is given', () => {
  it.each([
    ['taskId', { taskId: 5 }],
    ['attempt', { attempt: 0 }],
    ['invocationId', { invocationId: '' }],
    ['model', { model: null }],
  ])('a bad %s throws at begin(), not at an end() that could never succeed', (field, bad) => {
    expect(() => c.begin({ agent: 'coder', phase: 1, ...(bad as object) })).toThrow(new RegExp(`\`${field}\``));
  });
});
