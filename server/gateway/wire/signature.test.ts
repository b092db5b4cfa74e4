import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../backends/types";
import {
  closeOpenFence,
  createSignatureAppender,
  renderSignature,
  shouldSign,
  signContent,
  stripSignature,
  stripSignaturesFromHistory,
} from "./signature";

const FORMAT = "\nModel: {model}";

describe("renderSignature", () => {
  it.each([
    [FORMAT, "llama3.2:3b", "\nModel: llama3.2:3b"],
    ["\n\n— answered by {model} ({model})", "qwen", "\n\n— answered by qwen (qwen)"],
    ["\n[router]", "x", "\n[router]"],
  ])("%j with %s", (format, model, expected) => {
    expect(renderSignature(format, model)).toBe(expected);
  });
});

describe("stripSignature", () => {
  it.each([
    ["a trailing signature", "Answer.\nModel: llama3.2:3b", "Answer."],
    ["a signature with trailing whitespace", "Answer.\nModel: qwen2.5-coder:7b  \n", "Answer."],
    ["a model name with a path and tag", "A\nModel: hf.co/bartowski/Llama-3.2-3B-GGUF:Q4_K_M", "A"],
    ["stacked signatures (the original's double signature)", "A\nModel: m1\nModel: m1", "A"],
    ["a message that is only a signature", "Model: m1", ""],
    ["a signature after a closed fence", "```js\nx\n```\n\nModel: m", "```js\nx\n```"],
    ["a legit 'Model:' line mid-answer", "Model: Tesla S\nPrice: 80k", "Model: Tesla S\nPrice: 80k"],
    ["'Model:' followed by more text on the line", "The Model: a car with wheels", "The Model: a car with wheels"],
    ["no signature", "Plain answer", "Plain answer"],
    ["a signature glued to a word (no newline)", "endModel: m", "endModel: m"],
    ["a trailing model-like word inside a sentence line", "see\nthe Model: m", "see\nthe Model: m"],
  ])("%s", (_name, input, expected) => {
    expect(stripSignature(input, FORMAT)).toBe(expected);
  });

  it("follows a custom format, including regex characters in it", () => {
    const format = "\n\n(via {model}) [sig]*";
    expect(stripSignature("Hi\n\n(via mistral:7b) [sig]*", format)).toBe("Hi");
    expect(stripSignature("Hi (via mistral:7b) [sig]*x", format)).toBe("Hi (via mistral:7b) [sig]*x");
  });

  it("needs the space a space-led format starts with", () => {
    const format = " — {model}";
    expect(stripSignature("Done — m1", format)).toBe("Done");
    expect(stripSignature("Done— m1", format)).toBe("Done— m1");
  });

  it("stays linear on long whitespace runs", () => {
    const text = `${"\n \t".repeat(100_000)}Model: m x`;
    expect(stripSignature(text, FORMAT)).toBe(text);
    expect(stripSignature(`${"a\n".repeat(100_000)}\nModel: m`, FORMAT)).toBe("a\n".repeat(100_000).trimEnd());
  });

  it("does nothing for an empty or blank format", () => {
    expect(stripSignature("A\n", "")).toBe("A\n");
    expect(stripSignature("A\n", "\n")).toBe("A\n");
  });

  it("undoes signContent", () => {
    const content = "Here:\n```py\nprint(1)";
    const signed = signContent(content, { format: FORMAT, model: "m" });
    expect(stripSignature(signed, FORMAT)).toBe(`${content}\n\`\`\``);
  });
});

describe("stripSignaturesFromHistory", () => {
  it("strips assistant messages only, string and text-part content", () => {
    const messages: ChatMessage[] = [
      { role: "system", content: "Sign as\nModel: x" },
      { role: "user", content: "my line\nModel: x" },
      { role: "assistant", content: "one\nModel: a" },
      { role: "assistant", content: [{ type: "text", text: "two" }, { type: "text", text: "three\nModel: b" }] },
      { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "c", content: "out\nModel: z" },
    ];
    const stripped = stripSignaturesFromHistory(messages, FORMAT);
    expect(stripped).toEqual([
      messages[0],
      messages[1],
      { role: "assistant", content: "one" },
      { role: "assistant", content: [{ type: "text", text: "two" }, { type: "text", text: "three" }] },
      messages[4],
      messages[5],
    ]);
    expect(stripped[0]).toBe(messages[0]);
    expect(messages[2]).toEqual({ role: "assistant", content: "one\nModel: a" }); // input untouched
  });

  it("re-signing a stripped answer gives exactly one signature", () => {
    const signed = signContent("Answer", { format: FORMAT, model: "m" });
    const [previous] = stripSignaturesFromHistory([{ role: "assistant", content: signed }], FORMAT);
    const again = signContent(previous.content as string, { format: FORMAT, model: "m" });
    expect(again).toBe("Answer\nModel: m");
  });
});

describe("closeOpenFence", () => {
  it.each([
    ["no code", "Hello", ""],
    ["empty text", "", ""],
    ["a closed block", "```js\nx\n```", ""],
    ["a closed block and a newline", "```js\nx\n```\n", ""],
    ["an open block", "```js\nconst a = 1;", "\n```\n"],
    ["an open block ending with a newline", "```js\nconst a = 1;\n", "```\n"],
    ["an empty block (only the opening fence)", "Code:\n```python", "\n```\n"],
    ["an empty block with a newline", "Code:\n```python\n", "```\n"],
    ["an open tilde block", "~~~\ncode", "\n~~~\n"],
    ["~~~ inside a ``` block is content", "```\n~~~\ncode", "\n```\n"],
    ["``` inside a ~~~ block is content", "~~~md\n```\nstill code\n```", "\n~~~\n"],
    ["a ``` block closed after a ~~~ line", "```\n~~~\n```\ntext", ""],
    ["a fence with an info string does not close", "```\ncode\n```python\nmore", "\n```\n"],
    ["a longer fence needs a closing at least as long", "````md\n```js\nx\n```\n", "````\n"],
    ["a longer fence closes a shorter opening", "```\nx\n`````\n", ""],
    ["an indented fence (in a list)", "1. Step\n    ```sh\n    ls", "\n```\n"],
    ["an indented closing fence", "- a\n  ```\n  x\n  ```", ""],
    ["inline triple backticks are not a fence", "Use ```code``` inline", ""],
    ["two blocks, the second open", "```\na\n```\ntext\n~~~\nb", "\n~~~\n"],
    ["CRLF line endings", "```js\r\nx\r\n```\r\n", ""],
  ])("%s", (_name, text, expected) => {
    expect(closeOpenFence(text)).toBe(expected);
  });
});

describe("signContent", () => {
  it.each([
    ["plain text", "Hi", "Hi\nModel: m"],
    ["an open block is closed before the signature", "```\nx", "```\nx\n```\n\nModel: m"],
    ["a closed block", "```\nx\n```", "```\nx\n```\nModel: m"],
    ["empty content", "", "\nModel: m"],
  ])("%s", (_name, content, expected) => {
    expect(signContent(content, { format: FORMAT, model: "m" })).toBe(expected);
  });
});

/** Splits text at the given offsets. */
function split(text: string, cuts: number[]): string[] {
  const points = [0, ...cuts.filter((c) => c > 0 && c < text.length).sort((a, b) => a - b), text.length];
  return points.slice(1).map((end, i) => text.slice(points[i], end));
}

function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("createSignatureAppender", () => {
  const samples = [
    "Plain answer.",
    "Code:\n```python\nprint('hi')\n```\nDone.",
    "Code:\n```python\nprint('hi')",
    "Code:\n```python",
    "Code:\n```python\n",
    "~~~\n```\nnested\n```\n",
    "````md\n```js\nx\n```\n",
    "1. Step\n    ```sh\n    ls\n",
    `${"long line ".repeat(300)}\n\`\`\`\n${"x".repeat(3000)}`,
    "```\r\nwindows\r\n```\r\nafter\r\n```\r\nopen",
  ];

  it.each(samples.map((s) => [s.slice(0, 30), s]))("streams %j exactly like the non-streaming result", (_label, text) => {
    const expected = signContent(text, { format: FORMAT, model: "m" });
    const random = mulberry32(text.length);
    const splits: string[][] = [[text], [...text], split(text, [1, 2, 3, 5, 8, 13])];
    for (let i = 0; i < 25; i++) splits.push(split(text, Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * text.length))));
    for (const deltas of splits) {
      const appender = createSignatureAppender({ format: FORMAT, model: "m", enabled: true });
      let streamed = "";
      for (const delta of deltas) {
        appender.push(delta);
        streamed += delta;
      }
      expect(streamed + appender.finish()).toBe(expected);
    }
  });

  it("appends the signature once, however often finish is called", () => {
    const appender = createSignatureAppender({ format: FORMAT, model: "m", enabled: true });
    appender.push("```\ncode");
    expect(appender.finish()).toBe("\n```\n\nModel: m");
    expect(appender.finish()).toBe("");
    appender.push("late");
    expect(appender.finish()).toBe("");
  });

  it("only closes the fence when the signature is disabled", () => {
    const appender = createSignatureAppender({ format: FORMAT, model: "m", enabled: false });
    appender.push("```\ncode\n");
    expect(appender.finish()).toBe("```\n");
    const plain = createSignatureAppender({ format: FORMAT, model: "m", enabled: false });
    plain.push("text");
    expect(plain.finish()).toBe("");
  });
});

describe("shouldSign", () => {
  it.each([
    [{ enabled: true, hasToolCalls: false }, true],
    [{ enabled: true, hasToolCalls: false, responseFormat: { type: "text" as const } }, true],
    [{ enabled: false, hasToolCalls: false }, false],
    [{ enabled: true, hasToolCalls: true }, false],
    [{ enabled: true, hasToolCalls: false, responseFormat: { type: "json_object" as const } }, false],
    [{ enabled: true, hasToolCalls: false, responseFormat: { type: "json_schema" as const, json_schema: { name: "x" } } }, false],
  ])("%j → %s", (options, expected) => {
    expect(shouldSign(options)).toBe(expected);
  });
});
