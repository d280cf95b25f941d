// Runs the scanner's TypeScript worker (src/scan/worker.ts) in a worker thread: tsx compiles it on load.
import { register } from 'tsx/esm/api';

register();
await import('../../../src/scan/worker.ts');
