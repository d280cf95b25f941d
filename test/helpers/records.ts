/** Small builders of valid records and temporary directories for tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InvocationMetric } from '../../src/record.js';

/** A valid record; `patch` overrides fields. */
export function metric(patch: Partial<InvocationMetric> & Record<string, unknown> = {}): InvocationMetric {
  return {
    invocationId: `i-${Math.random().toString(36).slice(2)}`,
    agent: 'coder',
    phase: 1,
    durationMs: 1500,
    tokens: 1200,
    inputTokens: 1000,
    outputTokens: 200,
    cachedTokens: 400,
    cost: 0.0042,
    exitCode: 0,
    success: true,
    attempt: 1,
    outputParsed: true,
    model: 'model-small',
    tier: 'small',
    timestamp: '2026-11-20T09:00:00.000Z',
    ...patch,
  } as InvocationMetric;
}

/** A valid record with only the required fields, fixed values (the serializer tests' base). */
export const REQUIRED_ONLY: Readonly<InvocationMetric> = Object.freeze({
  invocationId: 'i-1',
  agent: 'coder',
  phase: 2,
  durationMs: 1234.5,
  tokens: 1000,
  cost: 0.0123,
  exitCode: 0,
  success: true,
  attempt: 1,
  outputParsed: true,
  timestamp: '2026-11-20T09:00:00.000Z',
});

/** A logger that keeps what it is told. */
export function memoryLogger(): { warn: (...a: unknown[]) => void; info: (...a: unknown[]) => void; error: (...a: unknown[]) => void; lines: string[] } {
  const lines: string[] = [];
  const keep = (...a: unknown[]): void => {
    lines.push(a.map(String).join(' '));
  };
  return { warn: keep, info: keep, error: keep, lines };
}

/** A fresh temporary directory and its remover. */
export function tempDir(prefix = 'im-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
