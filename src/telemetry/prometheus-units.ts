/**
 * The unit suffix of a Prometheus metric name, as the OpenTelemetry-to-Prometheus compatibility spec
 * derives it from the OTel unit (https://opentelemetry.io/docs/specs/otel/compatibility/prometheus_and_openmetrics/#metric-metadata-1)
 * and as the OTel Collector's Prometheus exporters and Prometheus's own OTLP receiver (translation
 * strategy `UnderscoreEscapingWithSuffixes`, the default) write it: `s` → `seconds`, `By` → `bytes`,
 * `{packet}` → nothing (curly braces are annotations), `{packet}/s` → `per_second`, `1` on a gauge →
 * `ratio`, an unknown unit as it is. Serving the same names on the scrape makes one dashboard work on both
 * paths.
 *
 * @module
 */

/** UCUM units to their Prometheus words (the Collector's and Prometheus's `unitMap`). */
const UNITS: Readonly<Record<string, string>> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};

/** The denominators of `x/y` units (`perUnitMap`). */
const PER_UNITS: Readonly<Record<string, string>> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mo: 'month', y: 'year' };

const ANNOTATION = /\{[^}]*\}/g;
// The translators split a unit into alphanumeric tokens and join them with one `_`.
const INVALID = /[^a-zA-Z0-9]+/g;
const clean = (s: string): string => s.replace(INVALID, '_').replace(/^_+|_+$/g, '');

/**
 * The suffix the compatibility spec appends for `unit` (without the leading `_`), `''` for none.
 *
 * @param unit - The OTel (UCUM) unit.
 * @param gauge - Whether the metric is a Prometheus gauge (unit `1` then becomes `ratio`).
 * @returns The suffix.
 */
export function unitSuffix(unit: string, gauge: boolean): string {
  if (gauge && unit === '1') return 'ratio';
  const bare = unit.replace(ANNOTATION, '').trim();
  if (bare === '') return '';
  const slash = bare.indexOf('/');
  const main = slash === -1 ? bare : bare.slice(0, slash).trim();
  const per = slash === -1 ? '' : bare.slice(slash + 1).trim();
  const mainWord = main === '' ? '' : clean(UNITS[main] ?? main);
  const perWord = per === '' ? '' : clean(PER_UNITS[per] ?? per);
  if (perWord === '') return mainWord;
  return mainWord === '' ? `per_${perWord}` : `${mainWord}_per_${perWord}`;
}

/**
 * `name` with the unit suffix appended, unless the name already ends with it (the spec: "if not already
 * present").
 *
 * @param name - A sanitized Prometheus name, before `_total`.
 * @param unit - The OTel unit.
 * @param gauge - Whether the metric is a gauge.
 * @returns The name with its unit.
 */
export function withUnitSuffix(name: string, unit: string, gauge: boolean): string {
  const suffix = unitSuffix(unit, gauge);
  if (suffix === '' || name === suffix || name.endsWith(`_${suffix}`)) return name;
  // One separator, as the translators join name tokens: `a_` + `seconds` is `a_seconds`.
  return name.endsWith('_') ? `${name}${suffix}` : `${name}_${suffix}`;
}
