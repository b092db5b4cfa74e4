import { describe, expect, it } from "vitest";
import { readLines, readSseData } from "./streams";

function bytes(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function all(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

describe("readLines", () => {
  it.each([
    [["a\nb\n"], ["a", "b"]],
    [["a", "b\r\nc", "\n", "d"], ["ab", "c", "d"]],
    [["\n\n"], ["", ""]],
  ])("%j → %j", async (chunks, lines) => {
    expect(await all(readLines(bytes(...chunks)))).toEqual(lines);
  });

  it("keeps a multi-byte character split across chunks intact", async () => {
    const euro = new TextEncoder().encode("€\n");
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(euro.slice(0, 1));
        controller.enqueue(euro.slice(1));
        controller.close();
      },
    });
    expect(await all(readLines(stream))).toEqual(["€"]);
  });

  it("cancels the body when the consumer stops early", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode("line\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const line of readLines(stream)) if (line === "line") break;
    expect(cancelled).toBe(true);
  });
});

describe("readSseData", () => {
  it("joins data lines of one event, skips comments and other fields, and flushes an unterminated event", async () => {
    const stream = bytes(": ping\n\n", "event: x\nid: 1\ndata: a\n", "data:b\n\n", "retry: 5\n\n", "data: [DONE]");
    expect(await all(readSseData(stream))).toEqual(["a\nb", "[DONE]"]);
  });
});
