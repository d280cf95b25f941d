import { defineConfig } from 'vitest/config';
import { PROPERTY_SCALE } from './test/helpers/property.js';
import LongFirstSequencer from './test/helpers/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
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
  },
});
