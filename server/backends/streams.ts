// Line and event framing over a fetch body. Both readers cancel the body when the consumer stops
// early (break, throw, or an abort that errors the read), so the upstream request ends too.

/** The lines of a byte stream, without their "\n" / "\r\n" terminators; a final unterminated line is yielded too. */
export async function* readLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline = buffer.indexOf("\n");
      while (newline >= 0) {
        yield buffer.slice(0, newline).replace(/\r$/, "");
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf("\n");
      }
    }
    buffer += decoder.decode();
    finished = true;
    if (buffer !== "") yield buffer.replace(/\r$/, "");
  } finally {
    // cancel() rejects when the body already failed; that failure is what the caller is handling
    if (!finished) void reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/**
 * The `data` payloads of a server-sent event stream. Multi-line data is joined with "\n" as the
 * spec says; comments (":") and the event/id/retry fields carry nothing an adapter needs.
 */
export async function* readSseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let data: string[] = [];
  for await (const line of readLines(body)) {
    if (line === "") {
      if (data.length > 0) yield data.join("\n");
      data = [];
    } else if (line.startsWith("data:")) {
      data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
    }
  }
  if (data.length > 0) yield data.join("\n");
}

/** A finished answer (non-streaming call) as the same event stream a streaming one gives. */
export async function* replay<T>(events: T[]): AsyncGenerator<T> {
  yield* events;
}
