/**
 * The collector's `provider` and `naming` options reach the metrics mirror (not only the spans): a real
 * scrape of `createTelemetry()` shows the latest GenAI token metrics with the collector's provider.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { createTelemetry, type Telemetry } from '../../src/telemetry/telemetry.js';
import { parseExposition } from '../helpers/otel-read.js';
import { memoryLogger, metric } from '../helpers/records.js';

let telemetry: Telemetry | undefined;
let dir: string | undefined;
afterEach(async () => {
  await telemetry?.shutdown();
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  telemetry = dir = undefined;
});

describe('the collector options of the mirror', () => {
  it('provider and naming: latest names, the collector provider, a record provider winning', async () => {
    telemetry = await createTelemetry({ prometheus: { port: 0 } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-coll-naming-'));
    const c = new InvocationMetricsCollector(dir, memoryLogger(), { telemetry, provider: 'openai', naming: 'latest' });
    await c.record(metric({ invocationId: 'a', inputTokens: 5, outputTokens: 2 }));
    await c.record(metric({ invocationId: 'b', inputTokens: 7, outputTokens: 1, provider: 'anthropic' }));
    await c.close();
    const lines = parseExposition(await (await fetch(telemetry.prometheusUrl!)).text()).lines;
    const names = new Set(lines.map((l) => l.name));
    expect(names.has('gen_ai_client_inference_usage_input_tokens_count')).toBe(true);
    expect(names.has('gen_ai_client_token_usage_count')).toBe(false);
    const providers = lines.filter((l) => l.name === 'gen_ai_client_inference_usage_input_tokens_count').map((l) => l.labels.gen_ai_provider_name).sort();
    expect(providers).toEqual(['anthropic', 'openai']);
  });
});
