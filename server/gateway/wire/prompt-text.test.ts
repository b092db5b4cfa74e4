import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../backends/types";
import { hasImages, promptText } from "./prompt-text";

const image = (url = "https://x/cat.png") => ({ type: "image_url" as const, image_url: { url } });
const text = (t: string) => ({ type: "text" as const, text: t });

describe("promptText", () => {
  it("reads the text parts of a multimodal last message (the original returned empty)", () => {
    const messages: ChatMessage[] = [{ role: "user", content: [text("What breed"), image(), text("is this?")] }];
    expect(promptText(messages)).toEqual({ lastUser: "What breed\nis this?", system: "", full: "What breed\nis this?", imageCount: 1 });
  });

  it("takes the last user message even when tool or assistant turns follow it", () => {
    const messages: ChatMessage[] = [
      { role: "system", content: "You are a coder." },
      { role: "user", content: "first" },
      { role: "assistant", content: "ok" },
      { role: "user", content: "second" },
      { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "c", content: "tool output" },
    ];
    expect(promptText(messages)).toEqual({
      lastUser: "second",
      system: "You are a coder.",
      full: "You are a coder.\nfirst\nsecond",
      imageCount: 0,
    });
  });

  it("joins system and developer instructions", () => {
    const messages: ChatMessage[] = [
      { role: "system", content: [text("a"), text("b")] },
      { role: "developer", content: "c" },
      { role: "user", content: "q" },
    ];
    expect(promptText(messages).system).toBe("a\nb\nc");
  });

  it("removes control characters but keeps newlines, tabs and carriage returns", () => {
    const messages: ChatMessage[] = [{ role: "user", content: "\u0000a\u0007b\tc\r\nd\u001b[0m\u007f " }];
    expect(promptText(messages).lastUser).toBe("ab\tc\r\nd[0m");
  });

  it("counts images across the conversation", () => {
    const messages: ChatMessage[] = [
      { role: "user", content: [image(), image("data:image/png;base64,AA")] },
      { role: "assistant", content: "two images" },
      { role: "user", content: [image()] },
    ];
    const result = promptText(messages);
    expect(result.imageCount).toBe(3);
    expect(result.lastUser).toBe("");
    expect(result.full).toBe("");
  });

  it("uses earlier text when the last user message has only an image", () => {
    const messages: ChatMessage[] = [
      { role: "user", content: "Describe the next picture in French." },
      { role: "user", content: [image()] },
    ];
    expect(promptText(messages).full).toBe("Describe the next picture in French.");
  });

  it("truncates so the last user message survives", () => {
    const messages: ChatMessage[] = [
      { role: "system", content: "S".repeat(50) },
      { role: "user", content: "E".repeat(50) },
      { role: "user", content: "L".repeat(20) },
    ];
    const result = promptText(messages, 40);
    expect(result.lastUser).toBe("L".repeat(20));
    expect(result.full).toBe(`${"E".repeat(19)}\n${"L".repeat(20)}`);
    expect(result.full.length).toBeLessThanOrEqual(40);
    expect(result.system).toBe("S".repeat(40));
  });

  it("keeps the head of a last message longer than the budget", () => {
    const result = promptText([{ role: "user", content: `start ${"x".repeat(100)}` }], 10);
    expect(result.lastUser).toBe("start xxxx");
    expect(result.full).toBe("start xxxx");
  });

  it("never cuts a surrogate pair in half", () => {
    const result = promptText([{ role: "user", content: "ab😀cd" }], 3);
    expect(result.lastUser).toBe("ab");
  });

  it("defaults to a 10,000-character budget", () => {
    expect(promptText([{ role: "user", content: "y".repeat(11_000) }]).lastUser).toHaveLength(10_000);
  });

  it("is empty for a conversation without user text", () => {
    expect(promptText([])).toEqual({ lastUser: "", system: "", full: "", imageCount: 0 });
  });
});

describe("hasImages", () => {
  it.each<[string, ChatMessage[], boolean]>([
    ["text only", [{ role: "user", content: "hi" }], false],
    ["text parts only", [{ role: "user", content: [text("hi")] }], false],
    ["an image in history", [{ role: "user", content: [image()] }, { role: "user", content: "and?" }], true],
  ])("%s → %s", (_name, messages, expected) => {
    expect(hasImages(messages)).toBe(expected);
  });
});
