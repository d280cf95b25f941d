/**
 * Warn once per kind of problem: telemetry must not flood the host's log when the same thing fails on
 * every record (a throwing meter, an attribute past its cap).
 *
 * @module
 */
import { log, type Logger } from '../logger.js';

/** A warning function that forwards each `kind` to the logger the first time only. */
export type WarnOnce = (kind: string, message: string) => void;

/**
 * @param logger - Where warnings go; a throwing logger is ignored (see `log`).
 * @returns A {@link WarnOnce} bound to `logger`.
 */
export function warnOnce(logger: Logger): WarnOnce {
  const seen = new Set<string>();
  return (kind, message) => {
    if (seen.has(kind)) return;
    seen.add(kind);
    log(logger, 'warn', message);
  };
}
