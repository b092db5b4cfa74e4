import { expect, test } from "@playwright/test";
import OpenAI from "openai";

// The OpenAI-compatible API through the production build, with the official SDK.
import { SIM } from "../ports";
const client = (baseURL: string) => new OpenAI({ apiKey: "sk-local", baseURL: `${baseURL}/v1`, maxRetries: 0 });

test("the SDK gets a routed answer and a stream with usage", async ({ baseURL }) => {
  const sdk = client(baseURL!);
  const { data, response } = await sdk.chat.completions.create({ model: "smarterrouter/main", messages: [{ role: "user", content: "Name three rivers." }] }).withResponse();
  expect(data.model).toBe(response.headers.get("x-smarterrouter-model"));
  expect(data.choices[0].message.content).toContain(`Model: ${data.model}`);

  const stream = await sdk.chat.completions.create({ model: "auto", messages: [{ role: "user", content: "Count to five." }], stream: true, stream_options: { include_usage: true } });
  let text = "";
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? "";
    usage = chunk.usage ?? usage;
  }
  expect(text.length).toBeGreaterThan(0);
  expect(usage?.total_tokens).toBeGreaterThan(0);
});

test("/v1/models lists the virtual model and the fleet", async ({ request }) => {
  const body = await (await request.get("/v1/models")).json();
  expect(body.data[0].id).toBe("smarterrouter/main");
  expect(body.data.map((m: { id: string }) => m.id)).toContain("qwen2.5-coder:14b");
});

test("a client that disconnects mid-stream cancels the upstream generation", async ({ baseURL }) => {
  const before = (await (await fetch(`${SIM}/__sim/state`)).json()).abortedRequests as number;
  const controller = new AbortController();
  const response = await fetch(`${baseURL}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "deepseek-r1:14b", stream: true, max_tokens: 4000, messages: [{ role: "user", content: "Write a long essay." }] }),
    signal: controller.signal,
  });
  await response.body!.getReader().read();
  controller.abort();
  await expect.poll(async () => (await (await fetch(`${SIM}/__sim/state`)).json()).abortedRequests, { timeout: 10_000 }).toBeGreaterThan(before);
});
