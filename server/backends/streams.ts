// Line and event framing over a byte stream. Both readers end the source when the consumer stops
// early (break, throw, or an abort that errors the read), so the upstream request ends too.

/**
 * The lines of a byte stream (a socket's chunks, or a fetch body), without their "\n" / "\r\n"
 * terminators; a final unterminated line is yielded too.
 */
export async function* readLines(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  // Leaving the loop early (break, throw) ends the source's iteration, which cancels a web
  // stream or destroys a socket's response: the upstream request ends too.
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let newline = buffer.indexOf("\n"); newline >= 0; newline = buffer.indexOf("\n", start)) {
      const end = newline > start && buffer.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      yield buffer.slice(start, end);
      start = newline + 1;
    }
    buffer = buffer.slice(start);
  }
  buffer += decoder.decode();
  if (buffer !== "") yield buffer.replace(/\r$/, "");
}

/**
 * The `data` payloads of a server-sent event stream. Multi-line data is joined with "\n" as the
 * spec says; comments (":") and the event/id/retry fields carry nothing an adapter needs.
 */
export async function* readSseData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
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
