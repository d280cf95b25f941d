/**
 * Error classes. Every error this library throws or rejects with is an {@link InvocationMetricsError}
 * with a stable `code` (Node's convention: match on `code`, not on the message) and structured context.
 *
 * @module
 */

/**
 * Describes a value for an error message: `` `-1` (number) ``, `` `"x"` (string) ``. Never throws, even for
 * a revoked Proxy or an object whose `toJSON` throws: an error about bad input must not fail in turn.
 */
export function describeValue(value: unknown): string {
  try {
    return describe(value);
  } catch {
    return '`[unreadable]` (object)';
  }
}

function describe(value: unknown): string {
  let shown: string;
  if (typeof value === 'string') shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  else if (typeof value === 'bigint') shown = `${value}n`;
  else if (typeof value === 'function') shown = '[function]';
  else if (value !== null && typeof value === 'object') {
    try {
      shown = JSON.stringify(value) ?? String(value);
    } catch {
      shown = Object.prototype.toString.call(value);
    }
    if (shown.length > 80) shown = `${shown.slice(0, 77)}...`;
  } else shown = String(value);
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return `\`${shown}\` (${type})`;
}

/** `toISOString()` of a time, or the number itself outside the valid dates (an error must not throw). */
function isoDate(ms: number): string {
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`;
}

/** Base class of every error of this library. */
export class InvocationMetricsError extends Error {
  /** Stable machine-readable code, for example `ERR_INVALID_METRIC`. */
  readonly code: string;

  /**
   * @param code - Stable code.
   * @param message - Human-readable message.
   * @param options - Standard error options (`cause`).
   */
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A record given to `record()` (or found in a log) does not satisfy the `InvocationMetric` contract. */
export class InvalidMetricError extends InvocationMetricsError {
  /** The offending field (`(record)` when the value is not an object at all). */
  readonly field: string;
  /** The value that was found for that field. */
  readonly value: unknown;

  /**
   * @param field - The offending field.
   * @param expected - What was expected, e.g. `an integer >= 0`.
   * @param value - The value that came.
   */
  constructor(field: string, expected: string, value: unknown) {
    super(
      'ERR_INVALID_METRIC',
      field === '(record)'
        ? `Expected the record to be ${expected}, got ${describeValue(value)}`
        : `Expected \`${field}\` to be ${expected}, got ${value === undefined ? 'nothing' : describeValue(value)}`,
    );
    this.field = field;
    this.value = value;
  }
}

/**
 * `begin()` or `end()` was given a field it does not take: a misspelling (`tasKId`, `errorClas`), or a field
 * that belongs to the other call or to `record()`. Its `code` is `ERR_INVALID_METRIC`, as for any bad field;
 * `field` is the name as given.
 */
export class UnknownFieldError extends InvalidMetricError {
  /** The field the caller probably meant, when one is close (`taskId` for `tasKId`). */
  readonly suggestion: string | undefined;

  /**
   * @param call - `begin()` or `end()`.
   * @param field - The field as given.
   * @param value - Its value.
   * @param hint - What to do instead, e.g. ``did you mean `taskId`?``.
   * @param suggestion - The field probably meant.
   */
  constructor(call: string, field: string, value: unknown, hint: string, suggestion?: string) {
    super(field, 'absent', value);
    this.message = `${call} does not take \`${field}\` (got ${describeValue(value)}): ${hint}`;
    this.suggestion = suggestion;
  }
}

/** `end()` was called on an invocation that an earlier `end()` recorded, or that was abandoned. */
export class InvocationEndedError extends InvocationMetricsError {
  /** The invocation's id. */
  readonly invocationId: string;
  /** How the handle was closed: recorded by `end()`, or abandoned (`abandon()`, or the collector closed). */
  readonly state: 'ended' | 'abandoned';

  /**
   * @param invocationId - The invocation's id.
   * @param state - How the handle was closed.
   */
  constructor(invocationId: string, state: 'ended' | 'abandoned') {
    super(
      'ERR_INVOCATION_ENDED',
      state === 'ended'
        ? `Invocation ${invocationId} was already recorded by an earlier end(); each invocation is recorded once`
        : `Invocation ${invocationId} was abandoned (abandon(), or end() after the collector closed); nothing is recorded for it`,
    );
    this.invocationId = invocationId;
    this.state = state;
  }
}

/** An output file the user named (the CLI's `report --out`) cannot be written. */
export class OutputWriteError extends InvocationMetricsError {
  /** The file, as the user gave it. */
  readonly path: string;
  /** Why, in words (`the directory out/ does not exist`, `permission denied`). */
  readonly reason: string;

  /**
   * @param path - The file as the user gave it.
   * @param reason - Why it cannot be written.
   * @param cause - The underlying I/O error.
   */
  constructor(path: string, reason: string, cause?: unknown) {
    super('ERR_OUTPUT_WRITE', `Cannot write ${path}: ${reason}`, { cause });
    this.path = path;
    this.reason = reason;
  }
}

/**
 * A state file (`summarize --state`, `readStateFile()`) cannot be read: missing, not a regular file,
 * truncated, corrupted (a checksum or a length does not match), of another format version, or not a
 * state file at all.
 */
export class StateFileError extends InvocationMetricsError {
  /** The file, as given. */
  readonly path: string;
  /** Why, in words (`truncated: ...`, `corrupt: the body checksum does not match ...`). */
  readonly reason: string;

  /**
   * @param path - The file as given.
   * @param reason - Why it cannot be read.
   * @param cause - The underlying error, if any.
   */
  constructor(path: string, reason: string, cause?: unknown) {
    super('ERR_STATE_FILE', `Cannot read the state file ${path}: ${reason}`, { cause });
    this.path = path;
    this.reason = reason;
  }
}

/** An option passed to a constructor or function is out of its documented domain. */
export class InvalidOptionError extends InvocationMetricsError {
  /** The option's name, e.g. `bucketMs`. */
  readonly option: string;
  /** The value that was given. */
  readonly value: unknown;

  /**
   * @param option - The option's name.
   * @param expected - What was expected, e.g. `a finite number > 0`.
   * @param value - The value that came.
   * @param detail - Extra explanation appended to the message.
   */
  constructor(option: string, expected: string, value: unknown, detail = '') {
    super('ERR_INVALID_OPTION', `Expected \`${option}\` to be ${expected}, got ${describeValue(value)}${detail ? `: ${detail}` : ''}`);
    this.option = option;
    this.value = value;
  }
}

/**
 * `bucketMs` is too narrow for the records' time span: `parallelismOverTime` would hold more than its
 * limit of buckets (see `MAX_BUCKETS`), or too wide for it: a bucket would start before the first valid
 * date. An {@link InvalidOptionError} (code `ERR_INVALID_OPTION`, option `bucketMs`) with the span and a
 * width that fits.
 */
export class BucketLimitError extends InvalidOptionError {
  /** Buckets the series would need with `value` as its width (0 when the width is too wide instead). */
  readonly buckets: number;
  /** Largest number of buckets allowed. */
  readonly maxBuckets: number;
  /** Earliest start of the records, ISO 8601 UTC. */
  readonly spanStart: string;
  /** Latest end of the records, ISO 8601 UTC (the millisecond that holds it). */
  readonly spanEnd: string;
  /** A bucket width that fits the span, in ms: the smallest of 1 s, 5 s, 15 s, 30 s, 1, 5, 15, 30 min, 1, 6, 12, 24 h, 7, 30, 365 days, or a whole number of 365 days. */
  readonly suggestedBucketMs: number;

  /**
   * @param bucketMs - The width given.
   * @param buckets - Buckets it would need (0: too wide).
   * @param maxBuckets - The limit.
   * @param spanStart - Earliest start, epoch ms.
   * @param spanEnd - Latest end, epoch ms.
   * @param suggestedBucketMs - A width that fits.
   */
  constructor(bucketMs: number, buckets: number, maxBuckets: number, spanStart: number, spanEnd: number, suggestedBucketMs: number) {
    const from = isoDate(spanStart);
    const to = isoDate(Math.floor(spanEnd));
    super(
      'bucketMs',
      buckets > 0 ? `wide enough for at most ${maxBuckets} buckets` : 'narrow enough that every bucket starts at a valid date',
      bucketMs,
      buckets > 0
        ? `the records span ${spanEnd - spanStart} ms (${from} to ${to}), which would take ${buckets} buckets; use a width of at least ${suggestedBucketMs} ms (e.g. bucketMs: ${suggestedBucketMs})`
        : `the bucket of the earliest start (${from}) would start before -8.64e15 ms; use a width of ${suggestedBucketMs} ms or less`,
    );
    this.buckets = buckets;
    this.maxBuckets = maxBuckets;
    this.spanStart = from;
    this.spanEnd = to;
    this.suggestedBucketMs = suggestedBucketMs;
  }
}

/** Another writer (in this or another process) holds the log's lock file. */
export class LogLockedError extends InvocationMetricsError {
  /** The log file. */
  readonly path: string;
  /** The lock file. */
  readonly lockPath: string;
  /** Pid of the holder as written in the lock file, when readable. */
  readonly ownerPid: number | undefined;
  /** Host of the holder as written in the lock file, when readable. */
  readonly ownerHost: string | undefined;

  /**
   * @param path - The log file.
   * @param lockPath - The lock file.
   * @param ownerPid - The holder's pid.
   * @param ownerHost - The holder's host name.
   * @param detail - Extra sentence appended to the message.
   */
  constructor(path: string, lockPath: string, ownerPid: number | undefined, ownerHost: string | undefined, detail = '') {
    super(
      'ERR_LOG_LOCKED',
      `The log ${path} is locked by another writer (pid ${ownerPid ?? '?'} on ${ownerHost ?? '?'}, lock file ${lockPath}); ` +
        `one writer per file: use a different \`fileName\` per process.${detail ? ` ${detail}` : ''}`,
    );
    this.path = path;
    this.lockPath = lockPath;
    this.ownerPid = ownerPid;
    this.ownerHost = ownerHost;
  }
}

/** Writing the log failed; the records are kept in memory and in the queue, and writing is retried. */
export class LogWriteError extends InvocationMetricsError {
  /** The log file. */
  readonly path: string;
  /** Number of records that are not yet on disk. */
  readonly pendingRecords: number;

  /**
   * @param path - The log file.
   * @param pendingRecords - Records not yet on disk.
   * @param cause - The underlying I/O error.
   */
  constructor(path: string, pendingRecords: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      'ERR_LOG_WRITE',
      `Cannot write the log ${path}: ${reason}; ${pendingRecords} record(s) wait in memory and writing is retried`,
      { cause },
    );
    this.path = path;
    this.pendingRecords = pendingRecords;
  }
}

/**
 * The reason of a file-system error without the path that Node appends to its message: the path of an
 * internal file (a lock's temporary file) means nothing to the user, whose own path the message names.
 *
 * @param cause - The error, usually a Node `SystemError` (`EACCES: permission denied, open '/x/y'`).
 * @returns `EACCES: permission denied`, or the message of any other error.
 */
export function fsReason(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause as NodeJS.ErrnoException).code;
  // Node's system errors read `CODE: description, syscall 'path'` (and ` -> 'dest'` for a link).
  return typeof code === 'string' && cause.message.startsWith(`${code}: `) ? cause.message.replace(/, \w+ '.*$/s, '') : cause.message;
}

const FS_HINTS: Readonly<Record<string, string>> = {
  EACCES: 'this process may not create or write files there: check the owner and mode of the directory',
  EPERM: 'this process may not create or write files there: check the owner, mode and attributes of the directory',
  EROFS: 'the file system is mounted read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  ENOTDIR: 'a component of the path is a file, not a directory',
  EEXIST: 'it exists and is not a directory',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many symbolic links in the path',
};

/**
 * The log, its directory or one of the files beside it (`<log>.lock`, `<log>.torn`) cannot be created,
 * opened or read: a directory this process may not write, a read-only or full file system, a `metricsDir`
 * that is a file... The message names the user's own path (the `metricsDir` or the log), never an internal
 * temporary file; the Node error is the `cause`.
 */
export class LogAccessError extends InvocationMetricsError {
  /** The path the user gave or knows: the metrics directory or the log file. */
  readonly path: string;
  /** The errno code of the cause (`EACCES`, `EROFS`, ...), when it has one. */
  readonly errno: string | undefined;

  /**
   * @param path - The user's path.
   * @param action - What failed, e.g. `create the metrics directory`, `lock the log`.
   * @param cause - The underlying error.
   */
  constructor(path: string, action: string, cause: unknown) {
    const errno = (cause as NodeJS.ErrnoException | null)?.code;
    const hint = typeof errno === 'string' ? FS_HINTS[errno] : undefined;
    super('ERR_LOG_ACCESS', `Cannot ${action} ${path}: ${fsReason(cause)}${hint === undefined ? '' : ` (${hint})`}`, { cause });
    this.path = path;
    this.errno = typeof errno === 'string' ? errno : undefined;
  }
}

/**
 * A file of the log (the log, `<log>.lock` or `<log>.torn`) is not something the collector may write:
 * a symbolic link, a directory, a FIFO, a device, a file with more than one hard link, or a "log" whose
 * content does not look like one. Refused rather than followed: a process running as root whose metrics
 * directory others can write must never be made to truncate or append to another file.
 */
export class UnsafeLogFileError extends InvocationMetricsError {
  /** The refused file. */
  readonly path: string;
  /** What it is, e.g. `a symbolic link`. */
  readonly reason: string;

  /**
   * @param path - The refused file.
   * @param reason - What it is, e.g. `a symbolic link`.
   */
  constructor(path: string, reason: string) {
    super(
      'ERR_LOG_UNSAFE_FILE',
      `Refusing to write ${path}: it is ${reason}. The collector never follows a link nor writes into a file ` +
        'that is not a log of its own: move it away, or choose another `fileName`.',
    );
    this.path = path;
    this.reason = reason;
  }
}

/** The collector was closed; it accepts no more records. */
export class CollectorClosedError extends InvocationMetricsError {
  /** @param path - The log file of the closed collector. */
  constructor(path: string) {
    super('ERR_COLLECTOR_CLOSED', `The collector of ${path} is closed; it accepts no more records`);
  }
}

/** A line of a log file is malformed or invalid (used by strict readers; normal loading only warns). */
export class MalformedLineError extends InvocationMetricsError {
  /** The file. */
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
  /** Why the line was rejected. */
  readonly reason: string;

  /**
   * @param file - The file.
   * @param line - 1-based line number.
   * @param reason - Why the line was rejected.
   */
  constructor(file: string, line: number, reason: string) {
    super('ERR_MALFORMED_LINE', `${file}:${line}: ${reason}`);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}
