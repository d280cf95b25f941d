import { describe, expect, it } from 'vitest';
import {
  CollectorClosedError,
  describeValue,
  fsReason,
  LogAccessError,
  UnsafeLogFileError,
  InvalidOptionError,
  InvocationMetricsError,
  LogLockedError,
  LogWriteError,
  MalformedLineError,
} from '../src/errors.js';

describe('errors', () => {
  it('carry a stable code and structured context', () => {
    const opt = new InvalidOptionError('bucketMs', 'a positive integer (milliseconds)', -1);
    expect(opt).toBeInstanceOf(InvocationMetricsError);
    expect(opt.code).toBe('ERR_INVALID_OPTION');
    expect(opt.name).toBe('InvalidOptionError');
    expect(opt.message).toBe('Expected `bucketMs` to be a positive integer (milliseconds), got `-1` (number)');
    const w = new LogWriteError('/x/log.jsonl', 3, Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
    expect(w.code).toBe('ERR_LOG_WRITE');
    expect(w.pendingRecords).toBe(3);
    expect(w.message).toContain('/x/log.jsonl');
    expect(w.message).toContain('3 record(s)');
    expect((w.cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(new LogLockedError('/l', '/l.lock', 42, 'h').message).toContain('pid 42 on h');
    expect(new CollectorClosedError('/l').code).toBe('ERR_COLLECTOR_CLOSED');
    const m = new MalformedLineError('f.jsonl', 7, 'bad JSON');
    expect(m.message).toBe('f.jsonl:7: bad JSON');
  });

  it('describes values briefly', () => {
    expect(describeValue('x'.repeat(200))).toMatch(/^`"x{77}\.\.\."` \(string\)$/);
    expect(describeValue(null)).toBe('`null` (null)');
    expect(describeValue([1])).toBe('`[1]` (array)');
    expect(describeValue(undefined)).toBe('`undefined` (undefined)');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(describeValue(cyclic)).toBe('`[object Object]` (object)');
  });

  it('name the user\'s path for file-system failures, never the internal file of the Node error', () => {
    const cause = Object.assign(new Error("EACCES: permission denied, open '/m/invocations.jsonl.lock.19851.a31968ef0245.tmp'"), { code: 'EACCES' });
    expect(fsReason(cause)).toBe('EACCES: permission denied');
    expect(fsReason(Object.assign(new Error("EEXIST: file already exists, link '/a' -> '/b'"), { code: 'EEXIST' }))).toBe('EEXIST: file already exists');
    expect(fsReason(new Error('plain, with a comma'))).toBe('plain, with a comma');
    expect(fsReason('text')).toBe('text');
    const e = new LogAccessError('/m/invocations.jsonl', 'lock the log', cause);
    expect(e).toBeInstanceOf(InvocationMetricsError);
    expect(e).toMatchObject({ code: 'ERR_LOG_ACCESS', path: '/m/invocations.jsonl', errno: 'EACCES', cause });
    expect(e.message).not.toContain('.tmp');
    expect(e.message).toMatch(/^Cannot lock the log \/m\/invocations\.jsonl: EACCES: permission denied \(.*owner and mode/);
    const u = new UnsafeLogFileError('/m/invocations.jsonl', 'a symbolic link');
    expect(u).toMatchObject({ code: 'ERR_LOG_UNSAFE_FILE', reason: 'a symbolic link', name: 'UnsafeLogFileError' });
    expect(u.message).toMatch(/^Refusing to write \/m\/invocations\.jsonl: it is a symbolic link\./);
  });
});
