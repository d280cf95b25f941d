import { describe, expect, it } from 'vitest';
import { usageOf } from '../../src/adapters/langchain/usage.js';

describe('usageOf', () => {
  it('reads usage_metadata of the message, never adding llmOutput.tokenUsage to it', () => {
    const message = { usage_metadata: { input_tokens: 10, output_tokens: 2, total_tokens: 12, input_token_details: { cache_read: 4 } }, response_metadata: { model_name: 'gpt-4o-2024-08-06' } };
    expect(usageOf({ generations: [[{ text: '', message }]], llmOutput: { tokenUsage: { promptTokens: 10, completionTokens: 2, totalTokens: 12 } } })).toEqual({
      inputTokens: 10,
      outputTokens: 2,
      totalTokens: 12,
      cachedTokens: 4,
      responseModel: 'gpt-4o-2024-08-06',
    });
  });

  it('falls back to llmOutput.tokenUsage (or token_usage) when no message has usage', () => {
    expect(usageOf({ generations: [[{ text: 'x' }]], llmOutput: { tokenUsage: { promptTokens: 7, completionTokens: 1, totalTokens: 8 } } })).toEqual({ inputTokens: 7, outputTokens: 1, totalTokens: 8, responseModel: undefined });
    expect(usageOf({ generations: [], llmOutput: { token_usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } } })).toMatchObject({ inputTokens: 3, outputTokens: 2, totalTokens: 5 });
  });

  it('gives nothing for what is not a result, and empty usage for a result without usage', () => {
    expect(usageOf(null)).toBeUndefined();
    expect(usageOf('text')).toBeUndefined();
    expect(usageOf({ generations: 'no' })).toEqual({ responseModel: undefined });
  });
});
