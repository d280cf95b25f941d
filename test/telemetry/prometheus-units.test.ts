/**
 * The unit suffixes of the OTel-to-Prometheus compatibility spec, case by case as the spec and the
 * translators (Collector `prometheus` exporter, Prometheus OTLP receiver) write them.
 */
import { describe, expect, it } from 'vitest';
import { unitSuffix, withUnitSuffix } from '../../src/telemetry/prometheus-units.js';

describe('unitSuffix', () => {
  it.each([
    ['s', false, 'seconds'],
    ['ms', false, 'milliseconds'],
    ['By', false, 'bytes'],
    ['KiBy', false, 'kibibytes'],
    ['Cel', false, 'celsius'],
    ['%', false, 'percent'],
    ['1', true, 'ratio'],
    ['1', false, ''],
    ['{token}', false, ''],
    ['{USD}', false, ''],
    ['', false, ''],
    ['{packet}/s', false, 'per_second'],
    ['By/s', false, 'bytes_per_second'],
    ['m/s', false, 'meters_per_second'],
    ['USD', false, 'USD'],
    ['a_\\a', false, 'a_a'],
  ] as const)('%j (gauge %s) -> %j', (unit, gauge, suffix) => {
    expect(unitSuffix(unit, gauge)).toBe(suffix);
  });
});

describe('withUnitSuffix', () => {
  it('appends once, with one separator', () => {
    expect(withUnitSuffix('gen_ai_invoke_agent_duration', 's', false)).toBe('gen_ai_invoke_agent_duration_seconds');
    expect(withUnitSuffix('request_seconds', 's', false)).toBe('request_seconds');
    expect(withUnitSuffix('seconds', 's', false)).toBe('seconds');
    expect(withUnitSuffix('a_', 's', false)).toBe('a_seconds');
    expect(withUnitSuffix('tokens', '{token}', false)).toBe('tokens');
  });
});
