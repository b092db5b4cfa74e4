import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getJson, post, startTestSimulator } from "../simulator/test-support";
import type { Simulator } from "../simulator/server";
import { JudgeClient, parseVerdict, type JudgeInput, type JudgeSettings } from "./judge";

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(() => sim.close());
afterEach(async () => {
  await fetch(`${sim.url}/__sim/faults`, { method: "DELETE" });
  await fetch(`${sim.url}/__sim/requests`, { method: "DELETE" });
});

const input: JudgeInput = { model: "big:14b", category: "creative", question: "Write a haiku about snow.", answer: "Snow falls on the roofs." };

function settings(overrides: Partial<JudgeSettings> = {}): JudgeSettings {
  return { model: "sim-judge", baseUrl: `${sim.url}/v1`, maxRetries: 3, retryBaseDelayMs: 5, timeoutMs: 5000, concurrency: 2, ...overrides };
}

/** A client whose backoff waits are recorded (and shortened), so tests see the delays it chose. */
function recordingClient(overrides: Partial<JudgeSettings> = {}) {
  const waits: number[] = [];
  const client = new JudgeClient(settings(overrides), async (ms) => {
    waits.push(ms);
  });
  return { client, waits };
}

const judgeCalls = async () => (await getJson<{ requests: { body: Record<string, unknown>; headers: Record<string, string> }[] }>(sim.url, "/__sim/requests?path=/v1/chat/completions")).requests;
const setFaults = (faults: unknown[]) => post(sim.url, "/__sim/faults", faults);

describe("JudgeClient against the simulated judge", () => {
  it("asks for a JSON verdict with the configured headers and returns the judge's score and rationale", async () => {
    const { client } = recordingClient({ httpReferer: "https://router.example", xTitle: "SmarterRouter" });
    const result = await client.grade(input);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // the sim judge scores a named model by its configured quality (0.95 for big:14b) ± 0.05
    expect(result.verdict.score).toBeGreaterThan(0.85);
    expect(result.verdict.rationale).toMatch(/big:14b/);
    const [call] = await judgeCalls();
    expect(call.body.response_format).toEqual({ type: "json_object" });
    expect(call.headers["http-referer"]).toBe("https://router.example");
    expect(call.headers["x-title"]).toBe("SmarterRouter");
  });

  it("waits as long as Retry-After says after a 429, then succeeds", async () => {
    await setFaults([{ model: "sim-judge", status: 429, retryAfterS: 7, count: 1 }]);
    const { client, waits } = recordingClient({ retryBaseDelayMs: 500 });
    const result = await client.grade(input);
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(waits).toEqual([7000]);
  });

  it("retries a 500 with exponential backoff and succeeds", async () => {
    await setFaults([{ model: "sim-judge", status: 500, count: 2 }]);
    const { client, waits } = recordingClient({ retryBaseDelayMs: 100 });
    const result = await client.grade(input);
    expect(result).toMatchObject({ ok: true, attempts: 3 });
    expect(waits).toEqual([100, 200]);
  });

  it("gives up once the retries are spent", async () => {
    const server = await stubJudge(() => ({ status: 502 }));
    try {
      const { client, waits } = recordingClient({ baseUrl: server.url, retryBaseDelayMs: 100, maxRetries: 3 });
      const result = await client.grade(input);
      expect(result).toMatchObject({ ok: false, attempts: 4 });
      expect(waits).toEqual([100, 200, 400]);
    } finally {
      await server.close();
    }
  });

  it("never retries a 400", async () => {
    await setFaults([{ model: "sim-judge", status: 400, message: "model not allowed", count: 1 }]);
    const { client, waits } = recordingClient();
    const result = await client.grade(input);
    expect(result).toMatchObject({ ok: false, attempts: 1 });
    expect(waits).toEqual([]);
    expect(await judgeCalls()).toHaveLength(1);
  });

  it("treats a stalled judge as a timeout and retries it", async () => {
    await setFaults([{ model: "sim-judge", stallMs: "forever", count: 1 }]);
    const { client, waits } = recordingClient({ timeoutMs: 300 });
    const result = await client.grade(input);
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(waits).toHaveLength(1);
  });

  it("gives up after the configured retries on a judge that keeps timing out", async () => {
    await setFaults([{ model: "sim-judge", stallMs: "forever" }]);
    const { client } = recordingClient({ timeoutMs: 200, maxRetries: 1 });
    const result = await client.grade(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/gave up after 2 attempts/);
  });
});

describe("JudgeClient against judges that answer oddly", () => {
  it("reads a verdict in a markdown fence with prose around it", async () => {
    const server = await stubJudge(() => ({ content: 'Here is my grade:\n```json\n{"score": 0.7, "reasoning": "Mostly right."}\n```\nThanks!' }));
    try {
      const result = await new JudgeClient(settings({ baseUrl: server.url })).grade(input);
      expect(result).toMatchObject({ ok: true, verdict: { score: 0.7, rationale: "Mostly right." } });
    } finally {
      await server.close();
    }
  });

  it("retries malformed JSON and takes the next good verdict", async () => {
    let calls = 0;
    const server = await stubJudge(() => ({ content: ++calls === 1 ? '{"score": 0.9, "reasoning": ' : '{"score": 8, "reasoning": "Good."}' }));
    try {
      const { client, waits } = recordingClient({ baseUrl: server.url });
      const result = await client.grade(input);
      // 8 on a 0–10 scale is read as 0.8
      expect(result).toMatchObject({ ok: true, attempts: 2, verdict: { score: 0.8 } });
      expect(waits).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it("drops response_format once when the server rejects it", async () => {
    const formats: unknown[] = [];
    const server = await stubJudge((body) => {
      formats.push(body.response_format);
      return body.response_format ? { status: 400, error: "response_format is not supported" } : { content: '{"score": 0.5, "reasoning": "ok"}' };
    });
    try {
      const client = new JudgeClient(settings({ baseUrl: server.url }));
      expect((await client.grade(input)).ok).toBe(true);
      expect((await client.grade(input)).ok).toBe(true);
      expect(formats).toEqual([{ type: "json_object" }, undefined, undefined]);
    } finally {
      await server.close();
    }
  });

  it("keeps at most `concurrency` calls in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const server = await stubJudge(async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return { content: '{"score": 1, "reasoning": "fine"}' };
    });
    try {
      const client = new JudgeClient(settings({ baseUrl: server.url, concurrency: 2 }));
      const results = await Promise.all(Array.from({ length: 6 }, () => client.grade(input)));
      expect(results.every((r) => r.ok)).toBe(true);
      expect(peak).toBeLessThanOrEqual(2);
    } finally {
      await server.close();
    }
  });
});

describe("parseVerdict", () => {
  it.each([
    ['{"score": 0.4, "reasoning": "meh"}', { score: 0.4, rationale: "meh" }],
    ['```\n{"rating": 75, "explanation": "ok"}\n```', { score: 0.75, rationale: "ok" }],
    ['I think {"score": 1, "rationale": "perfect"} is fair.', { score: 1, rationale: "perfect" }],
    ["score: 6", { score: 0.6, rationale: "" }],
  ])("reads %s", (text, expected) => expect(parseVerdict(text)).toEqual(expected));

  it.each(["no verdict here", '{"score": "high"}', '{"score": -1}', '{"score": 250}', "{broken"])("rejects %s", (text) => expect(parseVerdict(text)).toBeUndefined());
});

type StubReply = { status?: number; content?: string; error?: string };

async function stubJudge(reply: (body: Record<string, unknown>) => StubReply | Promise<StubReply>): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", async () => {
      const out = await reply(JSON.parse(raw) as Record<string, unknown>);
      const status = out.status ?? 200;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(
        JSON.stringify(
          status >= 400
            ? { error: { message: out.error ?? "failed" } }
            : { id: "x", object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: out.content }, finish_reason: "stop" }] },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
