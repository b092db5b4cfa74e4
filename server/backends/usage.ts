import type { ChatMessage, Usage } from "./types";

/** The usual ~4 characters per token: only for backends that report no counts. */
export function estimateTokens(text: string): number {
  return tokensForChars(text.length);
}

/** The estimate for text of that many characters (about four a token). */
export function tokensForChars(chars: number): number {
  return Math.ceil(chars / 4);
}

export function estimatePromptTokens(messages: ChatMessage[]): number {
  return messages.reduce((sum, message) => {
    const content = message.content ?? "";
    const text = typeof content === "string" ? content : content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
    const calls = message.role === "assistant" ? (message.tool_calls ?? []).map((c) => c.function.name + c.function.arguments).join("") : "";
    return sum + estimateTokens(text + calls) + 4; // + role/template overhead per message
  }, 0);
}

/** Usage from the backend's counts, estimating (and saying so) whichever is missing. */
export function usageOf(promptTokens: number | undefined, completionTokens: number | undefined, estimate: () => { prompt: number; completion: number }): Usage {
  if (promptTokens !== undefined && completionTokens !== undefined) {
    return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  }
  const guess = estimate();
  const prompt = promptTokens ?? guess.prompt;
  const completion = completionTokens ?? guess.completion;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, estimated: true };
}
