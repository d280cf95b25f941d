import { defineConfig } from 'vitest/config';
import { PROPERTY_SCALE } from './test/helpers/property.js';
import LongFirstSequencer from './test/helpers/sequencer.js';

/**
 * Files that need a worker of their own. The others share workers (`isolate: false`): about 0.3 s of
 * worker start a file saved, about 30 s a suite on 2 cores; test/helpers/shared-worker-reset.ts puts the
 * environment and the OpenTelemetry globals back after each of them.
 */
const ISOLATED = [
  // vi.mock replaces a module for its own file only: a module an earlier file loaded would stay real.
  'test/reliability/backpressure.test.ts',
  'test/telemetry/prometheus-text.test.ts',
  // The instrumentation patches `openai` as it is required: an earlier file's require cache would hold it unpatched.
  'test/adapters/otel-genai/instrumentation-openai.test.ts',
];

export default defineConfig({
  test: {
    // Crash, multi-process and Prometheus tests spawn real processes; give them room. A deeper property
    // run (PROPERTY_SCALE > 1, see test/helpers/property.ts) gets proportionally more time.
    testTimeout: 60_000 * Math.max(1, PROPERTY_SCALE),
    hookTimeout: 60_000,
    // Two cores: run files in parallel but bounded, so that crash tests keep realistic timing.
    maxWorkers: 2,
    // The exact-SQL files start first (see test/helpers/sequencer.ts): on a fresh clone they started last.
    sequence: { sequencer: LongFirstSequencer },
    // The default output, then the command that installs the servers some tests skipped for.
    reporters: ['default', './test/helpers/install-hint-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts', ...ISOLATED.map((f) => `!${f}`)], isolate: false, setupFiles: ['test/helpers/shared-worker-reset.ts'] } },
      { extends: true, test: { name: 'isolated', include: ISOLATED } },
    ],
  },
});
