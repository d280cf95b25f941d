// A LangGraph run recorded by the LangChain adapter: a planner, then a coder and a reviewer in parallel.
// The coder's first call hits a 429 and `.withRetry()` tries again; the reviewer's small model fails and
// `.withFallbacks()` escalates to a bigger one. The model is a local fake that reports usage: no network.
// Run: npm run build && npx tsx examples/adapters/langchain.ts [metricsDir]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { InvocationMetricsCollector } from 'invocation-metrics';
import { invocationMetricsHandler } from 'invocation-metrics/langchain';

/** A stand-in for ChatOpenAI: answers with usage, fails its first `failures` calls with `error`. */
class LocalModel extends BaseChatModel {
  constructor(readonly model: string, private failures = 0, private readonly error?: Error, private readonly together?: () => Promise<void>) {
    super({});
  }
  _llmType(): string {
    return 'local';
  }
  override getLsParams(options: this['ParsedCallOptions']): ReturnType<BaseChatModel['getLsParams']> {
    return { ...super.getLsParams(options), ls_model_name: this.model, ls_provider: 'openai' };
  }
  async _generate(): Promise<ChatResult> {
    await this.together?.(); // the coder's and the reviewer's first calls run at the same time
    if (this.failures-- > 0) throw this.error;
    const message = new AIMessage({ content: 'done', usage_metadata: { input_tokens: 1200, output_tokens: 300, total_tokens: 1500 } });
    return { generations: [{ message, text: 'done' }] };
  }
}

let arrived = 0;
let release!: () => void;
const both = new Promise<void>((resolve) => (release = resolve));
// Both first calls wait for each other, then take 2 ms (the log's timestamps are whole milliseconds).
const meet = async (): Promise<void> => {
  if (++arrived === 2) release();
  await both;
  await new Promise((resolve) => setTimeout(resolve, 2));
};

const planner = new LocalModel('gpt-4o-mini');
const coder = new LocalModel('gpt-4o-mini', 1, Object.assign(new Error('rate limited'), { status: 429 }), meet).withRetry({ stopAfterAttempt: 3 });
const reviewer = new LocalModel('gpt-4o-mini', 1, new Error('unparseable review'), meet).withFallbacks([new LocalModel('gpt-4o')]);
const graph = new StateGraph(MessagesAnnotation)
  .addNode('planner', async (s) => ({ messages: [await planner.invoke(s.messages)] }))
  .addNode('coder', async (s) => ({ messages: [await coder.invoke(s.messages)] }))
  .addNode('reviewer', async (s) => ({ messages: [await reviewer.invoke(s.messages)] }))
  .addEdge(START, 'planner').addEdge('planner', 'coder').addEdge('planner', 'reviewer')
  .addEdge('coder', END).addEdge('reviewer', END)
  .compile();

const metricsDir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'invocation-metrics-langchain-'));
const collector = new InvocationMetricsCollector(metricsDir, console);
// The one line: every model call of the run becomes a record (agent = the LangGraph node).
const handler = invocationMetricsHandler({ collector });
await graph.invoke({ messages: [{ role: 'user', content: 'add a login page' }] }, { callbacks: [handler] });
await collector.close();

for (const m of collector.getAll()) console.log(`${m.agent} attempt ${m.attempt} ${m.model} ${m.success ? 'ok' : `FAILED ${m.errorClass ?? '(code)'}`} ${m.tokens} tokens $${m.cost.toFixed(6)}`);
const s = collector.computeAggregate();
console.log(`invocations ${s.totalInvocations}, retries ${s.totalRetries} (infra ${s.infraRetries}, code ${s.codeRetries}), escalations ${s.escalationCount}, peak parallelism ${s.peakParallelInvocations}`);
console.log(`log: ${collector.path}`);
