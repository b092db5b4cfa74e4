import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CATEGORIES, ConfigError, DEFAULT_FLEET_PATH, loadConfigFile, parseConfig, parseKeepAlive } from "./config";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));

function runCli(args: string[], untilLine?: RegExp): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (untilLine?.test(stdout)) child.kill("SIGTERM");
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("config", () => {
  it("ships a valid default fleet with a judge and an embedding model", () => {
    const config = loadConfigFile(DEFAULT_FLEET_PATH);
    expect(config.models.length).toBeGreaterThanOrEqual(7);
    expect(config.models.filter((m) => m.role === "judge").map((m) => m.name)).toEqual(["sim-judge"]);
    expect(config.models.find((m) => m.capabilities.includes("embedding"))?.embeddingDim).toBe(768);
    for (const model of config.models) expect(Object.keys(model.quality).sort()).toEqual([...CATEGORIES].sort());
  });

  it("fills defaults and lets a partial quality map fall back to general", () => {
    const config = parseConfig({ models: [{ name: "m", quality: { coding: 0.9, general: 0.3 } }] });
    expect(config).toMatchObject({ seed: 42, timeScale: 1, keepAlive: "5m", faults: [] });
    expect(config.models[0].quality).toMatchObject({ coding: 0.9, math: 0.3, general: 0.3 });
    expect(config.models[0].capabilities).toEqual(["completion"]);
  });

  it.each([
    [{ models: [{ name: "a", quality: { coding: 1.5 } }] }, /models\[a\]\.quality\.coding: Too big/],
    [{ models: [{ name: "a", tokensPerSec: 5 }] }, /models\[a\]: Unrecognized key: "tokensPerSec"/],
    [{ models: [{ name: "a" }, { name: "a" }] }, /duplicate model "a"/],
    [{ models: [{ name: "e", capabilities: ["embedding"] }] }, /models\[e\]\.embeddingDim: required/],
    [{ models: [{ name: "a", capabilities: ["telepathy"] }] }, /models\[a\]\.capabilities\.0/],
    [{ models: [] }, /models: Too small/],
    [{ keepAlive: "soon", models: [{ name: "a" }] }, /keepAlive: expected a duration/],
    [{ models: [{ name: "a" }], faults: [{ model: "a" }] }, /faults\.0: a fault needs one of/],
  ])("rejects %j with one clear line", (raw, message) => {
    let error: unknown;
    try {
      parseConfig(raw, "test.yaml");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^invalid simulator config \(test\.yaml\): /);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("\n");
  });

  it.each([
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["250ms", 250],
    [30, 30_000],
    ["0", 0],
    [0, 0],
    [-1, Infinity],
    ["-1m", Infinity],
  ])("parses keep_alive %j", (value, ms) => {
    expect(parseKeepAlive(value)).toBe(ms);
  });
});

describe("CLI", () => {
  it("exits 1 with one line for an invalid config file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-config-"));
    const path = join(dir, "fleet.yaml");
    writeFileSync(path, "models:\n  - name: broken\n    quality: { math: 3 }\n");
    const { code, stderr } = await runCli(["--config", path, "--port", "0"]);
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([expect.stringMatching(/invalid simulator config .*models\[broken\]\.quality\.math/)]);
  });

  it("binds port 0 and prints the real address", async () => {
    const { stdout } = await runCli(["--port", "0", "--speed", "max"], /listening/);
    expect(stdout).toMatch(/^simulated fleet listening on http:\/\/127\.0\.0\.1:(?!0\b)\d+ \(8 models\)$/m);
  });
});
