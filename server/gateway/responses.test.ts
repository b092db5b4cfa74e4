import { describe, expect, it } from "vitest";
import { EventStreamResponse, headerOf, jsonResponse, JsonResponse, withHeaders } from "./responses";

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

describe("deferred headers", () => {
  it("answer the same before and after the Headers are built, and changes made either side are kept", () => {
    const response = jsonResponse({ a: 1 }, { headers: { "X-Request-Id": "r1" } }) as JsonResponse;
    expect(headerOf(response, "x-request-id")).toBe("r1");
    expect(headerOf(response, "X-REQUEST-ID")).toBe("r1");
    expect(headerOf(response, "x-missing")).toBeNull();
    withHeaders(response, { "x-ratelimit-limit": "60" });
    expect([...response.headerEntries()]).toEqual([["content-type", "application/json"], ["x-request-id", "r1"], ["x-ratelimit-limit", "60"]]);

    // Anything that reads `headers` (Next, tests) gets a real Headers, which is the only copy from then on.
    expect(response.headers).toBeInstanceOf(Headers);
    expect(response.headers).toBe(response.headers);
    expect(Object.fromEntries(response.headers)).toEqual({ "content-type": "application/json", "x-request-id": "r1", "x-ratelimit-limit": "60" });
    response.headers.set("x-after", "1");
    withHeaders(response, { "x-ratelimit-remaining": "59" });
    expect(headerOf(response, "x-after")).toBe("1");
    expect(Object.fromEntries(response.headerEntries())).toMatchObject({ "x-after": "1", "x-ratelimit-remaining": "59", "x-request-id": "r1" });
    expect(response.clone().headers.get("x-ratelimit-remaining")).toBe("59");
  });

  it("take a Headers or a list of pairs as init, and refuse an invalid header value once built", () => {
    const fromHeaders = new JsonResponse("{}", { headers: new Headers({ "x-a": "1" }) });
    expect(headerOf(fromHeaders, "x-a")).toBe("1");
    const fromPairs = new JsonResponse("{}", { headers: [["x-b", "2"]] });
    expect(fromPairs.headers.get("x-b")).toBe("2");
    const bad = new JsonResponse("{}", { headers: { "x-c": "line\r\nbreak" } });
    expect(() => bad.headers).toThrow(TypeError);
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
