/**
 * The logger contract: any object with `warn`, and optionally `info`, `error`, `debug`. pino loggers and
 * `console` both fit.
 *
 * @module
 */

/** A pino- and console-compatible logger. Only `warn` is required. */
export interface Logger {
  /** Something went wrong but nothing was lost (a skipped line, a retried write, a dropped attribute value). */
  warn(...args: unknown[]): void;
  /** Informational messages (a repaired log, a reclaimed stale lock). Falls back to `warn` when absent. */
  info?(...args: unknown[]): void;
  /** Failures that need attention (a write that keeps failing). Falls back to `warn` when absent. */
  error?(...args: unknown[]): void;
  /** Debug details. Dropped when absent. */
  debug?(...args: unknown[]): void;
}

/** A logger that drops everything. */
export const silentLogger: Logger = { warn() {} };

/**
 * Calls a logger method, falling back to `warn` (or dropping `debug`), and never throws: a broken logger
 * must not break the code that logs.
 *
 * @param logger - The logger.
 * @param level - The level.
 * @param message - The message.
 */
export function log(logger: Logger, level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
  try {
    if (level === 'debug') logger.debug?.(message);
    else if (level === 'warn') logger.warn(message);
    else (logger[level] ?? logger.warn).call(logger, message);
  } catch {
    // A throwing logger is the host's problem; telemetry never propagates it.
  }
}
