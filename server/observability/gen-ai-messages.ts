import type { ChatMessage, ToolCall } from "../backends/types";

// The GenAI semantic-convention shape of gen_ai.input.messages / gen_ai.output.messages, as JSON
// span attributes. Only built when the operator opts in (ROUTER_TRACE_CONTENT=true).

type Part =
  | { type: "text"; content: string }
  | { type: "uri"; modality: "image"; uri: string }
  | { type: "tool_call"; id: string; name: string; arguments: string }
  | { type: "tool_call_response"; id: string; response: string };

// Inline images would put megabytes of base64 on a span: keep only what kind of data it was.
const describeImage = (url: string) => (url.startsWith("data:") ? `${url.slice(0, url.indexOf(",") + 1)}…(${url.length} chars)` : url);

function textParts(content: ChatMessage["content"]): Part[] {
  if (content === null) return [];
  if (typeof content === "string") return [{ type: "text", content }];
  return content.map((part) => (part.type === "text" ? { type: "text", content: part.text } : { type: "uri", modality: "image", uri: describeImage(part.image_url.url) }));
}

const toolCallParts = (calls: ToolCall[] | undefined): Part[] => (calls ?? []).map((call) => ({ type: "tool_call", id: call.id, name: call.function.name, arguments: call.function.arguments }));

export function inputMessagesJson(messages: readonly ChatMessage[]): string {
  return JSON.stringify(
    messages.map((message) => {
      if (message.role === "tool") {
        const response = textParts(message.content).map((part) => (part.type === "text" ? part.content : "")).join("");
        return { role: "tool", parts: [{ type: "tool_call_response", id: message.tool_call_id, response }] };
      }
      const parts = [...textParts(message.content), ...(message.role === "assistant" ? toolCallParts(message.tool_calls) : [])];
      return { role: message.role, parts };
    }),
  );
}

export function outputMessagesJson(output: { content: string | null; toolCalls?: ToolCall[]; finishReason?: string }): string {
  const parts: Part[] = [...(output.content ? [{ type: "text" as const, content: output.content }] : []), ...toolCallParts(output.toolCalls)];
  return JSON.stringify([{ role: "assistant", parts, finish_reason: output.finishReason }]);
}
