/**
 * Set-up file of the test files that share a worker (`isolate: false`, see vitest.config.ts): after each
 * file, what a file may leave in the process's global state is put back, so that the next file in the
 * same worker starts as it would in a fresh one: the environment variables (restored to what they were
 * when the file started) and the OpenTelemetry API's globals (tracer, meter and propagator providers,
 * context manager, diag logger).
 */
import { context, diag, metrics, propagation, trace } from '@opentelemetry/api';
import { afterAll } from 'vitest';

const env = { ...process.env };

// Registered before the file's own hooks, so it runs after them (vitest runs after-hooks as a stack).
afterAll(() => {
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  Object.assign(process.env, env);
  trace.disable();
  metrics.disable();
  propagation.disable();
  context.disable();
  diag.disable();
});
