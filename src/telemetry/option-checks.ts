/**
 * The option checks `createTelemetry()` and `createTracing()` share: the OTLP receiver's URL and headers,
 * and the `service.name` default. One place, so that both signals accept and refuse the same values.
 *
 * @module
 */
import { InvalidOptionError } from '../errors.js';

/** A plain object (not null, not an array). */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks an OTLP receiver URL. `collector:4318` or `localhost:4318` parse as URLs (scheme `collector:`),
 * and an exporter then fails on every push with nothing but a diag message: only what http/protobuf can
 * reach is accepted.
 *
 * @param option - The option's name, for the error.
 * @param url - Its value.
 * @throws {@link InvalidOptionError} unless it is absent or an absolute `http://` or `https://` URL.
 */
export function checkOtlpUrl(option: string, url: unknown): asserts url is string | undefined {
  if (url !== undefined && (typeof url !== 'string' || !URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol)))
    throw new InvalidOptionError(option, 'an absolute http:// or https:// URL', url);
}

/**
 * Checks extra OTLP request headers.
 *
 * @param option - The option's name, for the error.
 * @param headers - Its value.
 * @throws {@link InvalidOptionError} unless it is absent or an object of string values.
 */
export function checkOtlpHeaders(option: string, headers: unknown): asserts headers is Record<string, string> | undefined {
  if (headers !== undefined && (!isObject(headers) || Object.values(headers).some((v) => typeof v !== 'string')))
    throw new InvalidOptionError(option, 'an object of string values', headers);
}

/**
 * The `service.name` of a bundle: the option, else `OTEL_SERVICE_NAME`, else `invocation-metrics`.
 *
 * @param value - The `serviceName` option.
 * @returns The name.
 * @throws {@link InvalidOptionError} for anything but a non-empty string.
 */
export function resolveServiceName(value: unknown): string {
  const serviceName = value ?? process.env.OTEL_SERVICE_NAME ?? 'invocation-metrics';
  if (typeof serviceName !== 'string' || serviceName === '') throw new InvalidOptionError('serviceName', 'a non-empty string', serviceName);
  return serviceName;
}
