/**
 * Scripted models for the Mastra adapter tests, built on Mastra's own mock
 * (`MastraLanguageModelV2Mock`, `@mastra/core/test-utils/llm-mock`, the V2 language-model format): each
 * call takes the next step of a script (the last repeats), answering with usage, a tool call, or an error.
 */
import { MastraLanguageModelV2Mock } from '@mastra/core/test-utils/llm-mock';

/** One scripted answer. */
export interface MastraStep {
  readonly input?: number;
  readonly output?: number;
  readonly cached?: number;
  readonly fail?: Error;
  /** Answer with a call of this tool instead of text. */
  readonly tool?: string;
  /** The tool call's input. @default {} */
  readonly args?: Record<string, unknown>;
  /** Wait here until every caller of this barrier arrived. */
  readonly barrier?: { arrive(): Promise<void> };
}

const rawCall = { rawPrompt: null, rawSettings: {} };

/** A scripted model; `calls` counts the provider calls made. */
export function scriptedModel(modelId: string, steps: MastraStep[]): MastraLanguageModelV2Mock & { calls: () => number } {
  let i = 0;
  const next = (): MastraStep => steps[Math.min(i++, steps.length - 1)] ?? {};
  const usage = (s: MastraStep) => ({ inputTokens: s.input ?? 0, outputTokens: s.output ?? 0, totalTokens: (s.input ?? 0) + (s.output ?? 0), ...(s.cached === undefined ? {} : { cachedInputTokens: s.cached }) });
  const model = new MastraLanguageModelV2Mock({
    provider: 'openai',
    modelId,
    doGenerate: async () => {
      const s = next();
      await s.barrier?.arrive();
      if (s.fail !== undefined) throw s.fail;
      const content =
        s.tool !== undefined ? [{ type: 'tool-call' as const, toolCallId: `call-${i}`, toolName: s.tool, input: JSON.stringify(s.args ?? {}) }] : [{ type: 'text' as const, text: `answer of ${modelId}` }];
      return { rawCall, warnings: [], finishReason: s.tool !== undefined ? ('tool-calls' as const) : ('stop' as const), usage: usage(s), content };
    },
    doStream: async () => {
      const s = next();
      const stream = new ReadableStream({
        start(controller) {
          controller.enqueue({ type: 'stream-start', warnings: [] });
          controller.enqueue({ type: 'text-start', id: 't' });
          for (const word of ['one ', 'two ', 'three']) controller.enqueue({ type: 'text-delta', id: 't', delta: word });
          if (s.fail !== undefined) {
            controller.enqueue({ type: 'error', error: s.fail });
          } else {
            controller.enqueue({ type: 'text-end', id: 't' });
            controller.enqueue({ type: 'finish', finishReason: 'stop', usage: usage(s) });
          }
          controller.close();
        },
      });
      return { rawCall, warnings: [], stream };
    },
  });
  return Object.assign(model, { calls: () => i });
}

/** Resolves `arrive()` for everyone once `n` callers arrived, then holds them 2 ms (whole-millisecond timestamps). */
export function barrier(n: number): { arrive(): Promise<void> } {
  let count = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  return {
    async arrive() {
      if (++count >= n) release();
      await all;
      await new Promise((resolve) => setTimeout(resolve, 2));
    },
  };
}

/** An error as a provider SDK throws it: with an HTTP `status`. */
export const httpError = (status: number, message: string): Error => Object.assign(new Error(message), { status, statusCode: status });
