// ROUTER_SIGNATURE_FORMAT: the "\nModel: {model}" line appended to answers. Fixes the original:
// stripping removes only a real trailing signature (not every line containing "Model:"), and the
// streaming and non-streaming paths share one fence tracker, so both append exactly the same text.
import type { ChatMessage, ResponseFormat } from "../../backends/types";

const MODEL_NAME_PATTERN = "[\\w.:/@+-]+";
// Only the first part of a line matters to classify it, so a streamed line is kept up to this.
const MAX_TRACKED_LINE = 1024;

export function renderSignature(format: string, model: string): string {
  return format.replaceAll("{model}", model);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

type SignaturePattern = {
  /** The format without surrounding whitespace, {model} as a name pattern, anchored at the end. */
  body: RegExp;
  /** How far from the end a signature can start: the literal plus a 256-char name per {model}. */
  window: number;
  /** What the format's leading whitespace requires before the body: a line break, a space, nothing. */
  lead: "newline" | "space" | "none";
};

const MAX_STACKED = 8;
const patternCache = new Map<string, SignaturePattern | null>();

function signaturePattern(format: string): SignaturePattern | null {
  const cached = patternCache.get(format);
  if (cached !== undefined) return cached;
  const body = format.trim();
  let pattern: SignaturePattern | null = null;
  if (body !== "") {
    const pieces = body.split("{model}");
    const leading = format.slice(0, format.length - format.trimStart().length);
    pattern = {
      body: new RegExp(`${pieces.map(escapeRegExp).join(MODEL_NAME_PATTERN)}$`),
      window: pieces.join("").length + (pieces.length - 1) * 256,
      lead: leading.includes("\n") ? "newline" : leading === "" ? "none" : "space",
    };
  }
  if (patternCache.size > 32) patternCache.clear();
  patternCache.set(format, pattern);
  return pattern;
}

/** The text without one trailing signature, or null when it does not end with one. */
function stripOnce(text: string, pattern: SignaturePattern): string | null {
  const trimmed = text.trimEnd();
  // Matching only a short tail keeps the regex linear in the text's length.
  const start = Math.max(0, trimmed.length - pattern.window);
  const match = pattern.body.exec(trimmed.slice(start));
  if (!match) return null;
  const before = trimmed.slice(0, start + match.index);
  const kept = before.trimEnd();
  const gap = before.slice(kept.length);
  // Whitespace may have been trimmed or doubled by the client, but a leading newline must still be
  // a line break, so "the Model: x" ending a sentence is not a signature.
  if (kept !== "" && pattern.lead === "newline" && !gap.includes("\n")) return null;
  if (kept !== "" && pattern.lead === "space" && gap === "") return null;
  return pattern.lead === "none" ? before : kept;
}

/** Removes trailing signatures (stacked ones too, as the original could emit them twice). */
export function stripSignature(text: string, format: string): string {
  const pattern = signaturePattern(format);
  if (!pattern) return text;
  let current = text;
  for (let i = 0; i < MAX_STACKED; i++) {
    const stripped = stripOnce(current, pattern);
    if (stripped === null) break;
    current = stripped;
  }
  return current;
}

export function stripSignaturesFromHistory(messages: readonly ChatMessage[], format: string): ChatMessage[] {
  return messages.map((message) => {
    if (message.role !== "assistant" || message.content === null) return message;
    if (typeof message.content === "string") {
      const content = stripSignature(message.content, format);
      return content === message.content ? message : { ...message, content };
    }
    const parts = message.content;
    const last = parts.length - 1;
    if (last < 0) return message;
    const text = stripSignature(parts[last].text, format);
    if (text === parts[last].text) return message;
    return { ...message, content: [...parts.slice(0, last), { type: "text", text }] };
  });
}

type OpenFence = { char: string; length: number } | null;

const OPENING = /^\s*(`{3,}|~{3,})(.*)$/;
const CLOSING = /^\s*(`{3,}|~{3,})\s*$/;

/**
 * One line of the fence state machine: outside a block, a line starting with ``` or ~~~ opens
 * one; inside, only a fence of the same character (at least as long, nothing after it) closes
 * it, so the other fence type counts as content.
 */
function nextFence(open: OpenFence, line: string, complete: boolean): OpenFence {
  if (open === null) {
    const match = OPENING.exec(line);
    if (!match) return null;
    if (match[1][0] === "`" && match[2].includes("`")) return null; // ```inline``` is not a fence
    return { char: match[1][0], length: match[1].length };
  }
  const match = complete ? CLOSING.exec(line) : null;
  return match && match[1][0] === open.char && match[1].length >= open.length ? null : open;
}

type FenceTracker = { push(text: string): void; closing(): string };

function createFenceTracker(): FenceTracker {
  let open: OpenFence = null;
  let line = "";
  let lineComplete = true; // false once a line outgrew MAX_TRACKED_LINE
  let lastChar = "";

  const addToLine = (piece: string) => {
    if (line.length + piece.length <= MAX_TRACKED_LINE) line += piece;
    else {
      line += piece.slice(0, MAX_TRACKED_LINE - line.length);
      lineComplete = false;
    }
  };

  return {
    push(text) {
      if (text === "") return;
      let start = 0;
      for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", start)) {
        addToLine(text.slice(start, newline));
        open = nextFence(open, line, lineComplete);
        line = "";
        lineComplete = true;
        start = newline + 1;
      }
      addToLine(text.slice(start));
      lastChar = text[text.length - 1];
    },
    closing() {
      const state = line === "" ? open : nextFence(open, line, lineComplete);
      if (state === null) return "";
      const fence = state.char.repeat(state.length);
      return lastChar === "\n" || lastChar === "" ? `${fence}\n` : `\n${fence}\n`;
    },
  };
}

/** What to append so the text does not end inside a code block ("" when it does not). */
export function closeOpenFence(text: string): string {
  const tracker = createFenceTracker();
  tracker.push(text);
  return tracker.closing();
}

export function signContent(content: string, options: { format: string; model: string }): string {
  return content + closeOpenFence(content) + renderSignature(options.format, options.model);
}

export type SignatureAppender = {
  /** Feed each content delta as it is sent; nothing is held back. */
  push(deltaText: string): void;
  /** The fence close plus, when enabled, the signature. Returns "" when called again. */
  finish(): string;
};

export function createSignatureAppender(options: { format: string; model: string; enabled: boolean }): SignatureAppender {
  const tracker = createFenceTracker();
  let finished = false;
  return {
    push(deltaText) {
      if (!finished) tracker.push(deltaText);
    },
    finish() {
      if (finished) return "";
      finished = true;
      return tracker.closing() + (options.enabled ? renderSignature(options.format, options.model) : "");
    },
  };
}

/** Signatures would corrupt JSON output and have no place in a tool-call turn. */
export function shouldSign(options: { enabled: boolean; responseFormat?: ResponseFormat; hasToolCalls: boolean }): boolean {
  if (!options.enabled || options.hasToolCalls) return false;
  const type = options.responseFormat?.type;
  return type !== "json_object" && type !== "json_schema";
}
