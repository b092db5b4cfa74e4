import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsoleSession, SESSION_COOKIE } from "../auth/sessions";
import { migrateDatabase, type DatabaseHandle } from "../db";
import { TEST_DATABASE_KINDS } from "../db/test-databases";
import { startHarness, type Harness } from "../gateway/test-harness";
import { closedPort } from "../test-ports";
import { createCaller } from "./root";
import { IMPORT_MAX_BYTES } from "./routers/benchmarks";
import { postTrpc } from "./test-trpc";
import { createTrpcContext } from "./trpc";

// The console's benchmarks procedures over a real fleet and database: sync with the bundled table
// (the remote sources point at a closed port, so nothing leaves the machine), file imports good
// and bad, and aliases. Invalid input is checked through tRPC's HTTP handler, as the browser sees it.

const HOST = "console.test:11436";
const UNMATCHED = "qwen2.5vl:7b";

describe.each(TEST_DATABASE_KINDS)("console benchmarks on $kind", ({ open }) => {
  let database: DatabaseHandle;
  let drop: () => Promise<void>;
  let harness: Harness;
  let headers: Record<string, string>;
  let caller: ReturnType<typeof createCaller>;

  /** A call the way the browser makes it: JSON over tRPC's fetch handler. */
  const post = (path: string, input: unknown) => postTrpc(harness.runtime, HOST, headers, path, input);
  const refusal = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      return error instanceof TRPCError ? error.code : String(error);
    }
    return "allowed";
  };

  beforeAll(async () => {
    ({ database, drop } = await open());
    await migrateDatabase(database);
    const closed = `http://127.0.0.1:${await closedPort()}`;
    harness = await startHarness({
      database,
      env: (url) => ({
        ROUTER_OLLAMA_URL: url,
        ROUTER_BENCHMARK_SOURCES: "huggingface,lmsys",
        ROUTER_BENCHMARK_HUGGINGFACE_URL: `${closed}/rows`,
        ROUTER_BENCHMARK_LMSYS_URL: `${closed}/arena`,
        ROUTER_BENCHMARK_BUNDLED: "true",
      }),
    });
    const { token } = await createConsoleSession(database, {});
    headers = { host: HOST, cookie: `${SESSION_COOKIE}=${token}`, origin: `http://${HOST}` };
    caller = createCaller(createTrpcContext(new Headers(headers), async () => harness.runtime));
  });
  afterAll(async () => {
    await harness?.close();
    await database?.close();
    await drop?.();
  });

  it("shows empty tables and no sync before the first one", async () => {
    const list = await caller.benchmarks.list({});
    expect([list.total, list.benchmarks, list.last_sync]).toEqual([0, [], null]);
    const status = await caller.benchmarks.sources();
    expect(status.lastRun).toBeNull();
    expect(status.sources.map((source) => [source.source, source.rows, source.lastRun])).toEqual([
      ["huggingface", 0, null],
      ["lmsys", 0, null],
      ["bundled", 0, null],
      ["file", 0, null],
    ]);
  });

  it("sync now stores the bundled table and reports each unreachable source, then pages the rows", async () => {
    const result = await caller.benchmarks.syncNow({});
    expect(result.status).toBe("completed");
    const outcome = Object.fromEntries(result.sources.map((source) => [source.source, source]));
    expect(outcome.huggingface.error).toBeTruthy();
    expect(outcome.lmsys.error).toBeTruthy();
    expect(outcome.bundled.error).toBeUndefined();
    expect(outcome.bundled.matched).toBeGreaterThan(1);
    expect(result.matched_models).toContain("qwen2.5-coder:14b");

    const first = await caller.benchmarks.list({ page: 1, pageSize: 1 });
    const second = await caller.benchmarks.list({ page: 2, pageSize: 1 });
    expect(first.total).toBe(outcome.bundled.matched);
    expect(first.benchmarks).toHaveLength(1);
    expect(second.benchmarks[0].ollama_name).not.toBe(first.benchmarks[0].ollama_name);
    const coder = (await caller.benchmarks.list({ pageSize: 200 })).benchmarks.find((row) => row.ollama_name === "qwen2.5-coder:14b");
    expect(coder).toMatchObject({ source: "bundled", matched_name: "Qwen/Qwen2.5-Coder-14B-Instruct" });
    expect(coder?.scores.coding).toBeGreaterThan(0);

    const status = await caller.benchmarks.sources();
    expect(status.lastRun?.status).toBe("completed");
    const bySource = Object.fromEntries(status.sources.map((source) => [source.source, source]));
    expect(bySource.bundled).toMatchObject({ rows: outcome.bundled.matched, lastRun: "ok", error: null });
    expect(bySource.huggingface).toMatchObject({ rows: 0, lastRun: "failed" });
    expect(bySource.huggingface.error).toBe(outcome.huggingface.error);
    expect(bySource.file).toMatchObject({ rows: 0, lastRun: null });

    const review = await caller.benchmarks.review();
    expect(review.find((row) => row.model === "qwen2.5-coder:14b")?.matches).toMatchObject([{ source: "bundled", benchmark_name: "Qwen/Qwen2.5-Coder-14B-Instruct" }]);
    expect(review.find((row) => row.model === UNMATCHED)?.matches).toEqual([]);
  });

  it("imports a good CSV and shows its rows; a file with bad rows is refused with its problems and stores nothing", async () => {
    const imported = await caller.benchmarks.import({ format: "csv", content: "model,mmlu_pro,humaneval\nllama3.1:8b,48.3,72.6\nmy-private-model,40,60\n" });
    expect(imported).toMatchObject({ refused: false, imported: 2, matched: [{ model: "llama3.1:8b" }], unmatched: ["my-private-model"] });
    const rows = (await caller.benchmarks.list({ pageSize: 200 })).benchmarks.filter((row) => row.source === "file");
    expect(rows.map((row) => row.ollama_name).sort()).toEqual(["llama3.1:8b", "my-private-model"]);
    expect((await caller.benchmarks.sources()).sources.find((source) => source.source === "file")?.rows).toBe(2);

    const json = await caller.benchmarks.import({ format: "json", content: JSON.stringify([{ model: "json-model", gpqa: 0.3 }]) });
    expect(json).toMatchObject({ refused: false, imported: 1 });

    const bad = await caller.benchmarks.import({ format: "csv", content: "model,mmlu_pro\nbad-one,250\nbad-two,abc\n" });
    expect(bad).toMatchObject({ refused: true, message: "Benchmark file refused, nothing was stored" });
    expect(bad.refused && bad.problems).toEqual(expect.arrayContaining(["row 1: 'mmlu_pro' must be a fraction (0..1) or a percentage (0..100)", "row 2: 'mmlu_pro' is not a number"]));
    const notJson = await caller.benchmarks.import({ format: "json", content: "model,mmlu\nx,1\n" });
    expect(notJson.refused && notJson.problems).toEqual(["the body is not valid JSON"]);
    const names = (await caller.benchmarks.list({ pageSize: 200 })).benchmarks.map((row) => row.ollama_name);
    expect(names).not.toContain("bad-one");

    const tooLarge = await post("benchmarks.import", { format: "csv", content: `model,mmlu\n${"x".repeat(IMPORT_MAX_BYTES)}` });
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body.error?.data.fieldErrors).toEqual({ content: "The file is larger than 1 MiB" });
    const noFormat = await post("benchmarks.import", { format: "xml", content: "a" });
    expect(noFormat.body.error?.data.fieldErrors?.format).toBe("Choose CSV or JSON");
  });

  it("sets an alias that the next sync uses, shows it in the review, and removes it", async () => {
    const invalid = await post("benchmarks.setAlias", { model: UNMATCHED, benchmarkNames: [] });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error?.data.fieldErrors).toEqual({ benchmarkNames: "Enter at least one benchmark name" });
    const blank = await post("benchmarks.setAlias", { model: " ", benchmarkNames: ["  "] });
    expect(blank.body.error?.data.fieldErrors).toEqual({ model: "Enter a model name", "benchmarkNames.0": "Enter a benchmark name" });

    expect(await caller.benchmarks.setAlias({ model: UNMATCHED, benchmarkNames: [" Qwen/Qwen2.5-14B-Instruct ", "Qwen/Qwen2.5-14B-Instruct"] })).toEqual({ model: UNMATCHED, benchmark_names: ["Qwen/Qwen2.5-14B-Instruct"] });
    expect(await caller.benchmarks.aliases()).toMatchObject([{ model: UNMATCHED, benchmark_names: ["Qwen/Qwen2.5-14B-Instruct"], updated_by: "console" }]);
    await caller.benchmarks.syncNow({});
    const row = (await caller.benchmarks.review()).find((entry) => entry.model === UNMATCHED);
    expect(row?.alias).toEqual(["Qwen/Qwen2.5-14B-Instruct"]);
    expect(row?.matches).toMatchObject([{ source: "bundled", benchmark_name: "Qwen/Qwen2.5-14B-Instruct" }]);

    expect(await caller.benchmarks.removeAlias({ model: UNMATCHED })).toEqual({ removed: true, model: UNMATCHED });
    expect(await caller.benchmarks.aliases()).toEqual([]);
    expect(await refusal(caller.benchmarks.removeAlias({ model: UNMATCHED }))).toBe("NOT_FOUND");
  });
});
