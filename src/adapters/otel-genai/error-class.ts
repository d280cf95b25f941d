/**
 * A span's `error.type` (or its exception's `exception.type`, or its HTTP status) as the record's
 * `errorClass`: the classes of `errorClassOf` (`rate_limit`, `timeout`, `overloaded`, `server_error`,
 * `network`) for infrastructure failures, `undefined` for anything else (the agent's own failure, so that
 * its retry counts as a code retry).
 *
 * Instrumentations write `error.type` in their own ways: an HTTP status (`429`), an exception class
 * (`RateLimitError`, `openai.APITimeoutError`), a provider error type (`overloaded_error`) or a short
 * class of their own (OpenLIT's `rate_limited`, `unavailable`). All are read: the last dotted segment,
 * lower-cased, without `_`, `-` and spaces.
 *
 * @module
 */

const BY_NAME: Readonly<Record<string, string>> = Object.freeze({
  ratelimit: 'rate_limit',
  ratelimited: 'rate_limit',
  ratelimiterror: 'rate_limit',
  ratelimitexceeded: 'rate_limit',
  toomanyrequests: 'rate_limit',
  resourceexhausted: 'rate_limit',
  timeout: 'timeout',
  timeouterror: 'timeout',
  timedout: 'timeout',
  apitimeouterror: 'timeout',
  apiconnectiontimeouterror: 'timeout',
  deadlineexceeded: 'timeout',
  aborterror: 'timeout',
  etimedout: 'timeout',
  overloaded: 'overloaded',
  overloadederror: 'overloaded',
  unavailable: 'overloaded',
  serviceunavailable: 'overloaded',
  serviceunavailableerror: 'overloaded',
  servererror: 'server_error',
  internalservererror: 'server_error',
  internalerror: 'server_error',
  network: 'network',
  networkerror: 'network',
  connectionerror: 'network',
  apiconnectionerror: 'network',
  econnreset: 'network',
  econnrefused: 'network',
  enotfound: 'network',
  eaiagain: 'network',
  epipe: 'network',
});

/**
 * The class of an HTTP status: 429 `rate_limit`, 408/504 `timeout`, 503/529 `overloaded`, other 5xx
 * `server_error`, else `undefined`.
 */
function statusClass(status: number): string | undefined {
  if (status === 429) return 'rate_limit';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 503 || status === 529) return 'overloaded';
  return status >= 500 && status <= 599 ? 'server_error' : undefined;
}

/**
 * The infrastructure class of one error name or status.
 *
 * @param value - An `error.type`, `exception.type` or HTTP status attribute value.
 * @returns The class, or `undefined` when the value names no infrastructure failure.
 */
export function errorClassOfType(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? statusClass(value) : undefined;
  if (typeof value !== 'string' || value === '') return undefined;
  if (/^\d{3}$/.test(value)) return statusClass(Number(value));
  const key = value.slice(value.lastIndexOf('.') + 1).toLowerCase().replace(/[\s_-]/g, '');
  return Object.hasOwn(BY_NAME, key) ? BY_NAME[key] : undefined;
}
