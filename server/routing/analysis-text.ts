import type { ChatMessage } from "../backends/types";

// Text helpers for prompt analysis: message content to plain text, and bounded work on huge inputs.

/**
 * Analysis reads at most the head and the tail of a message: instructions sit at either end, and
 * the cost stays bounded (about a millisecond at the cap) whatever the input size.
 */
export const HEAD_CHARS = 6000;
export const TAIL_CHARS = 2000;

export type MessageRole = "system" | "user" | "assistant";

/** Plain text of a message: a string, or its text parts joined by newlines. Never throws. */
export function messageText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const texts: string[] = [];
  for (const part of content) {
    if (isRecord(part) && part.type === "text" && typeof part.text === "string") texts.push(part.text);
  }
  return texts.join("\n");
}

/** Image parts in a message's content. */
export function countImages(content: unknown): number {
  if (!Array.isArray(content)) return 0;
  let images = 0;
  for (const part of content) if (isRecord(part) && part.type === "image_url") images++;
  return images;
}

/** The role as analysis weighs it: developer counts as system, tool output as assistant. */
export function roleOf(message: ChatMessage): MessageRole {
  const role: string = message.role;
  if (role === "system" || role === "developer") return "system";
  if (role === "user") return "user";
  return "assistant";
}

/** Head and tail of a long text, so the cost of analysis does not grow with the input. */
export function capText(text: string, head = HEAD_CHARS, tail = TAIL_CHARS): string {
  if (text.length <= head + tail) return text;
  return `${text.slice(0, head)}\n${text.slice(text.length - tail)}`;
}

const NEEDS_CLEANING = /[\u2018\u2019\u201B\u201C\u201D\u201E\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/u;

/**
 * Normalises for matching: NFKC folds full-width forms (？, ０-９) into ASCII, typographic quotes
 * become plain ones, and control characters go.
 */
export function normalizeText(text: string): string {
  const folded = text.normalize("NFKC");
  if (!NEEDS_CLEANING.test(folded)) return folded;
  return folded
    .replace(/[\u2018\u2019\u201B]/gu, "'")
    .replace(/[\u201C\u201D\u201E]/gu, '"')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/gu, "");
}

/** Number of matches of a global pattern, stopping at `cap`. */
export function countMatches(pattern: RegExp, text: string, cap = 50): number {
  pattern.lastIndex = 0;
  let count = 0;
  while (count < cap) {
    const match = pattern.exec(text);
    if (!match) break;
    count++;
    if (match[0] === "") pattern.lastIndex++;
  }
  pattern.lastIndex = 0;
  return count;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
