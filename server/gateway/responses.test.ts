import { describe, expect, it } from "vitest";
import { EventStreamResponse, jsonResponse, JsonResponse, withHeaders } from "./responses";

// The deferred responses must read like any Response to Next's pipeline and to tests: only the
// custom server takes their shortcut (payload, chunks).
describe("JsonResponse", () => {
  it("reads, clones and re-wraps like Response.json, and is used up after one read", async () => {
    const response = jsonResponse({ answer: 42 }, { status: 201, headers: { "x-request-id": "r1" } });
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("x-request-id")).toBe("r1");
    expect((response as JsonResponse).payload).toBe('{"answer":42}');
    expect(await response.clone().json()).toEqual({ answer: 42 });
    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toEqual({ answer: 42 });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(() => response.clone()).toThrow(TypeError);

    const original = jsonResponse({ b: 2 });
    expect(await new Response(original.body, original).text()).toBe('{"b":2}');
    expect((await jsonResponse({ c: 3 }).blob()).type).toBe("application/json");
  });

  it("keeps a content type the caller set", async () => {
    const response = jsonResponse({ a: 1 }, { headers: { "Content-Type": "application/problem+json" } });
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });
});

describe("EventStreamResponse", () => {
  it("reads its chunks as a body, and cancelling the body cancels the source and ends the iteration", async () => {
    let cancelled = 0;
    let cleanedUp = false;
    async function* chunks() {
      try {
        yield "data: 1\n\n";
        yield "data: 2\n\n";
      } finally {
        cleanedUp = true;
      }
    }
    expect(await new EventStreamResponse(chunks(), {}).text()).toBe("data: 1\n\ndata: 2\n\n");

    cleanedUp = false;
    const response = new EventStreamResponse(chunks(), { headers: { "content-type": "text/event-stream" } }, () => cancelled++);
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: 1\n\n");
    await reader.cancel();
    expect(cancelled).toBe(1);
    expect(cleanedUp).toBe(true);
  });
});

describe("withHeaders", () => {
  it("adds headers to the router's own response in place, and copies one whose headers are immutable", async () => {
    const own = jsonResponse({ a: 1 });
    expect(withHeaders(own, { "x-ratelimit-limit": "60" })).toBe(own);
    expect(own.headers.get("x-ratelimit-limit")).toBe("60");

    const fetched = Response.redirect("http://localhost/elsewhere", 302); // immutable headers, as from fetch()
    const copy = withHeaders(fetched, { "x-ratelimit-limit": "60" });
    expect(copy).not.toBe(fetched);
    expect(copy.status).toBe(302);
    expect(copy.headers.get("location")).toBe("http://localhost/elsewhere");
    expect(copy.headers.get("x-ratelimit-limit")).toBe("60");
  });
});
