/**
 * The `gen_ai.provider.name` of an AI SDK model: its `provider` field (`openai.chat`, `anthropic.messages`,
 * `google.vertex.chat`, `amazon-bedrock`...) mapped to the well-known values of the GenAI semantic
 * conventions. The values are copied here, not imported (the conventions are in Development and move):
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/registry/attributes/gen-ai.md,
 * attribute `gen_ai.provider.name`, as of
 * December 2026.
 *
 * @module
 */

/** AI SDK provider prefixes (the part before the first dot) with a well-known GenAI name. */
const BY_PREFIX: ReadonlyMap<string, string> = new Map(Object.entries({
  openai: 'openai',
  anthropic: 'anthropic',
  'amazon-bedrock': 'aws.bedrock',
  bedrock: 'aws.bedrock',
  azure: 'azure.ai.openai',
  'azure-openai': 'azure.ai.openai',
  cohere: 'cohere',
  deepseek: 'deepseek',
  google: 'gcp.gemini',
  groq: 'groq',
  mistral: 'mistral_ai',
  perplexity: 'perplexity',
  xai: 'x_ai',
}));

/**
 * The GenAI provider name of an AI SDK `provider` string: `openai.chat` and `openai.responses` give
 * `openai`, `google.vertex.*` gives `gcp.vertex_ai` (Vertex serves Gemini and partner models alike),
 * `google.generative-ai` gives `gcp.gemini`; a provider without a well-known name keeps the part before its
 * first dot (`gateway`, `mock-provider`, `ollama`).
 *
 * @param provider - The model's `provider` field.
 * @returns The name, or `undefined` for an empty or non-string value.
 */
export function providerName(provider: unknown): string | undefined {
  if (typeof provider !== 'string' || provider === '') return undefined;
  if (provider === 'google.vertex' || provider.startsWith('google.vertex.')) return 'gcp.vertex_ai';
  const prefix = provider.split('.', 1)[0]!;
  return BY_PREFIX.get(prefix) ?? (prefix === '' ? undefined : prefix);
}
