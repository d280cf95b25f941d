/**
 * A small scripted chat model for the LangChain adapter tests and example: LangChain's own fakes
 * (`FakeListChatModel`...) report no usage, so this one answers with `usage_metadata`, fails when told,
 * and can wait at a barrier so that parallel calls provably overlap in the log.
 */
import { BaseChatModel, type BaseChatModelParams } from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';

/** One scripted answer: usage, or an error to throw. */
export interface Step {
  readonly input?: number;
  readonly output?: number;
  readonly cached?: number;
  readonly fail?: Error;
}

/** Resolves `arrive()` for everyone once `n` calls arrived. */
export class Barrier {
  readonly #n: number;
  #count = 0;
  #release!: () => void;
  readonly #all = new Promise<void>((resolve) => (this.#release = resolve));
  constructor(n: number) {
    this.#n = n;
  }
  arrive(): Promise<void> {
    if (++this.#count >= this.#n) this.#release();
    return this.#all;
  }
}

/** An error as a provider SDK throws it: with an HTTP `status`. */
export const httpError = (status: number, message: string): Error => Object.assign(new Error(message), { status });

/** A chat model answering from a script (the last step repeats), reporting `ls_model_name` and `ls_provider`. */
export class ScriptedChatModel extends BaseChatModel {
  readonly modelName: string;
  readonly steps: Step[];
  readonly barrier: Barrier | undefined;
  calls = 0;

  constructor(modelName: string, steps: Step[], barrier?: Barrier, params: BaseChatModelParams = {}) {
    super(params);
    this.modelName = modelName;
    this.steps = steps;
    this.barrier = barrier;
  }

  _llmType(): string {
    return 'scripted';
  }

  override getLsParams(options: this['ParsedCallOptions']): ReturnType<BaseChatModel['getLsParams']> {
    return { ...super.getLsParams(options), ls_model_name: this.modelName, ls_provider: 'openai' };
  }

  #next(): Step {
    const step = this.steps[Math.min(this.calls, this.steps.length - 1)] ?? {};
    this.calls += 1;
    return step;
  }

  #usage(step: Step): AIMessage['usage_metadata'] {
    const input = step.input ?? 0;
    const output = step.output ?? 0;
    return { input_tokens: input, output_tokens: output, total_tokens: input + output, ...(step.cached === undefined ? {} : { input_token_details: { cache_read: step.cached } }) };
  }

  async _generate(_messages: BaseMessage[]): Promise<ChatResult> {
    const step = this.#next();
    if (this.barrier !== undefined) {
      await this.barrier.arrive();
      // Past the barrier, both calls are running: stay a little so that the overlap spans a millisecond
      // boundary (the log's timestamps are whole milliseconds).
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    if (step.fail !== undefined) throw step.fail;
    const message = new AIMessage({ content: `answer of ${this.modelName}`, usage_metadata: this.#usage(step), response_metadata: { model_name: `${this.modelName}-2026-01-01` } });
    return { generations: [{ message, text: String(message.content) }] };
  }

  override async *_streamResponseChunks(): AsyncGenerator<ChatGenerationChunk> {
    const step = this.#next();
    const words = ['one ', 'two ', 'three'];
    for (const [i, word] of words.entries()) {
      if (step.fail !== undefined && i === 1) throw step.fail;
      const last = i === words.length - 1;
      yield new ChatGenerationChunk({ text: word, message: new AIMessageChunk({ content: word, ...(last ? { usage_metadata: this.#usage(step) } : {}) }) });
    }
  }
}
