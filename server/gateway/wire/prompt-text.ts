// The text the router analyses. Unlike the original (last message only, and empty whenever that
// message was multimodal), text parts are read from every user/system message, images are
// counted, and the last user message keeps priority when the budget runs out.
import type { ChatMessage } from "../../backends/types";

export type PromptText = {
  /** The last user message's text. */
  lastUser: string;
  /** System and developer instructions. */
  system: string;
  /** System and user text in order, truncated from the front so the last user message survives. */
  full: string;
  /** Image parts across the conversation (any image needs a vision model). */
  imageCount: number;
};

// C0 controls except \t \n \r, plus DEL.
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

function contentText(content: ChatMessage["content"]): string {
  if (content === null) return "";
  if (typeof content === "string") return content;
  return content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("\n");
}

function clean(text: string): string {
  return text.replace(CONTROL_CHARS, "").trim();
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** The first `max` characters, never ending inside a surrogate pair. */
function head(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = max > 0 && isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end);
}

/** The last `max` characters, never starting inside a surrogate pair. */
function tail(text: string, max: number): string {
  if (text.length <= max) return text;
  const start = text.length - max;
  return text.slice(start > 0 && isHighSurrogate(text.charCodeAt(start - 1)) ? start + 1 : start);
}

function countImages(message: ChatMessage): number {
  if (message.role !== "user" || typeof message.content === "string") return 0;
  return message.content.filter((part) => part.type === "image_url").length;
}

export function promptText(messages: readonly ChatMessage[], maxChars = 10_000): PromptText {
  let lastUserIndex = -1;
  let imageCount = 0;
  messages.forEach((message, i) => {
    if (message.role === "user") lastUserIndex = i;
    imageCount += countImages(message);
  });

  const systemTexts: string[] = [];
  const earlier: string[] = [];
  messages.forEach((message, i) => {
    const isSystem = message.role === "system" || message.role === "developer";
    if (!isSystem && (message.role !== "user" || i === lastUserIndex)) return;
    const text = clean(contentText(message.content));
    if (text === "") return;
    if (isSystem) systemTexts.push(text);
    if (i < lastUserIndex || lastUserIndex === -1) earlier.push(text);
  });

  const lastUser = lastUserIndex === -1 ? "" : head(clean(contentText(messages[lastUserIndex].content)), maxChars);
  const before = earlier.join("\n");
  const budget = maxChars - lastUser.length - 1;
  let full: string;
  if (lastUser === "") full = head(before, maxChars);
  else full = before !== "" && budget > 0 ? `${tail(before, budget)}\n${lastUser}` : lastUser;

  return { lastUser, system: head(systemTexts.join("\n"), maxChars), full, imageCount };
}

export function hasImages(messages: readonly ChatMessage[]): boolean {
  return messages.some((message) => countImages(message) > 0);
}
