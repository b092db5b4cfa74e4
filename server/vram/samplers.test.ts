import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { amdSampler, parseRocmSmiJson, readAmdSysfs } from "./amd";
import { appleSampler } from "./apple";
import { intelSampler, parseXpuStats } from "./intel";
import { nvidiaSampler, parseNvidiaSmi } from "./nvidia";
import type { ToolRunner } from "./run-tool";
import { detectSamplers } from "./samplers";
import { GIB, MIB } from "./types";

// Recorded outputs of the real tools (fixtures/), parsed as the monitor does.

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");

/** A runner answering from a table "command args…" → stdout; anything else is a missing tool. */
function fakeRunner(outputs: Record<string, string | { fail: string }>): ToolRunner {
  return (command, args) => {
    const key = [command, ...args].join(" ");
    const hit = Object.entries(outputs).find(([prefix]) => key.startsWith(prefix))?.[1];
    if (hit === undefined) return Promise.resolve({ ok: false, missing: true, error: `${command} not found on PATH` });
    if (typeof hit !== "string") return Promise.resolve({ ok: false, missing: false, error: hit.fail });
    return Promise.resolve({ ok: true, stdout: hit });
  };
}

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function sysfs(cards: Record<string, Record<string, string>>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "sysfs-"));
  dirs.push(root);
  for (const [card, files] of Object.entries(cards)) {
    for (const [file, content] of Object.entries(files)) {
      const path = join(root, card, "device", file);
      await mkdir(join(path, ".."), { recursive: true });
      await writeFile(path, `${content}\n`);
    }
  }
  return root;
}

describe("nvidia-smi", () => {
  it("reads every GPU of a two-GPU machine, memory in MiB", () => {
    const outcome = parseNvidiaSmi(fixture("nvidia-smi-two-rtx4090.txt"));
    expect(outcome).toEqual({
      ok: true,
      gpus: [
        { index: 0, vendor: "nvidia", name: "NVIDIA GeForce RTX 4090", pool: "vram", totalBytes: 24564 * MIB, usedBytes: 18233 * MIB, freeBytes: 5970 * MIB, utilizationPct: 97 },
        { index: 1, vendor: "nvidia", name: "NVIDIA GeForce RTX 4090", pool: "vram", totalBytes: 24564 * MIB, usedBytes: 1035 * MIB, freeBytes: 23168 * MIB, utilizationPct: 3 },
      ],
    });
  });

  it("reads an H100 (80 GB, memory reserved beside used and free)", () => {
    const outcome = parseNvidiaSmi(fixture("nvidia-smi-h100.txt"));
    expect(outcome.ok && outcome.gpus[0]).toMatchObject({ name: "NVIDIA H100 80GB HBM3", totalBytes: 81559 * MIB, usedBytes: 62123 * MIB, freeBytes: 18956 * MIB, utilizationPct: 100 });
  });

  it("reads the output recorded on a real, idle H100", () => {
    const outcome = parseNvidiaSmi(fixture("nvidia-smi-h100-idle-recorded.txt"));
    expect(outcome).toEqual({
      ok: true,
      gpus: [{ index: 0, vendor: "nvidia", name: "NVIDIA H100 80GB HBM3", pool: "vram", totalBytes: 81559 * MIB, usedBytes: 0, freeBytes: 81079 * MIB, utilizationPct: 0 }],
    });
  });

  it("leaves out a utilisation the card does not report", () => {
    const outcome = parseNvidiaSmi(fixture("nvidia-smi-t4-no-util.txt"));
    expect(outcome.ok && outcome.gpus[0]).toMatchObject({ name: "Tesla T4", totalBytes: 15360 * MIB, usedBytes: 0, utilizationPct: undefined });
  });

  it.each([
    ["a driver error", fixture("nvidia-smi-no-driver.txt")],
    ["nothing", ""],
    ["the wrong columns", "0, NVIDIA A100, lots, some, few, 5\n"],
  ])("calls %s unavailable instead of crashing", (_name, stdout) => {
    const outcome = parseNvidiaSmi(stdout);
    expect(outcome.ok).toBe(false);
  });

  it("reports a missing or failing tool as unavailable", async () => {
    expect(await nvidiaSampler(fakeRunner({})).sample()).toEqual({ ok: false, reason: "nvidia-smi not found on PATH" });
    const failing = fakeRunner({ "nvidia-smi": { fail: "nvidia-smi failed: NVIDIA-SMI has failed" } });
    expect(await nvidiaSampler(failing).sample()).toMatchObject({ ok: false, reason: expect.stringContaining("NVIDIA-SMI has failed") });
  });
});

describe("AMD", () => {
  it("reads rocm-smi JSON of two discrete GPUs (VRAM pool)", () => {
    const outcome = parseRocmSmiJson(fixture("rocm-smi-two-mi210.json"));
    expect(outcome.ok && outcome.gpus).toEqual([
      { index: 0, vendor: "amd", name: "AMD Instinct MI210", pool: "vram", totalBytes: 68702699520, usedBytes: 21474836480, utilizationPct: 12 },
      { index: 1, vendor: "amd", name: "AMD Instinct MI210", pool: "vram", totalBytes: 68702699520, usedBytes: 11177984, utilizationPct: 0 },
    ]);
  });

  it("treats an APU with a 4 GiB carve-out as its GTT pool (the original reported 4 GB)", () => {
    const outcome = parseRocmSmiJson(fixture("rocm-smi-strix-halo-apu.json"));
    expect(outcome.ok && outcome.gpus[0]).toMatchObject({ pool: "gtt", totalBytes: 64 * GIB, usedBytes: 21 * GIB, name: "AMD Radeon Graphics (APU)" });
  });

  it("uses ROUTER_AMD_UNIFIED_MEMORY_GB as the APU's total when set", () => {
    const outcome = parseRocmSmiJson(fixture("rocm-smi-strix-halo-apu.json"), 96);
    expect(outcome.ok && outcome.gpus[0]).toMatchObject({ pool: "gtt", totalBytes: 96 * GIB });
  });

  it.each([["not JSON", "ERROR: GPU[0] : Unable to get memory"], ["no cards", '{"system": {"Driver version": "6.8.5"}}'], ["no VRAM figures", '{"card0": {"GPU use (%)": "0"}}']])(
    "calls rocm-smi output with %s unavailable",
    (_name, stdout) => {
      expect(parseRocmSmiJson(stdout).ok).toBe(false);
    },
  );

  it("falls back to sysfs when rocm-smi is missing, reading an APU's GTT and skipping other vendors", async () => {
    const root = await sysfs({
      card0: { vendor: "0x8086", mem_info_vram_total: "0" },
      card1: {
        vendor: "0x1002",
        product_name: "AMD Radeon 780M",
        mem_info_vram_total: String(512 * MIB),
        mem_info_vram_used: String(100 * MIB),
        mem_info_gtt_total: String(16 * GIB),
        mem_info_gtt_used: String(2 * GIB),
        gpu_busy_percent: "7",
      },
    });
    const outcome = await amdSampler({ run: fakeRunner({}), sysfsRoot: root }).sample();
    expect(outcome).toEqual({
      ok: true,
      gpus: [{ index: 1, vendor: "amd", name: "AMD Radeon 780M (APU)", pool: "gtt", totalBytes: 16 * GIB, usedBytes: 2 * GIB + 100 * MIB, utilizationPct: 7 }],
    });
  });

  it("reads a discrete card from sysfs", async () => {
    const root = await sysfs({ card0: { vendor: "0x1002", mem_info_vram_total: String(24 * GIB), mem_info_vram_used: String(3 * GIB), mem_info_gtt_total: String(32 * GIB), mem_info_gtt_used: "0" } });
    const outcome = await readAmdSysfs(root);
    expect(outcome.ok && outcome.gpus[0]).toMatchObject({ pool: "vram", totalBytes: 24 * GIB, usedBytes: 3 * GIB });
  });

  it("is unavailable with neither rocm-smi nor an AMD card, saying both", async () => {
    const root = await sysfs({ card0: { vendor: "0x10de" } });
    const outcome = await amdSampler({ run: fakeRunner({ "rocm-smi": "garbage" }), sysfsRoot: root }).sample();
    expect(outcome).toEqual({ ok: false, reason: "rocm-smi printed something that is not JSON; no AMD GPU in sysfs" });
  });
});

describe("Intel", () => {
  const run = fakeRunner({
    "xpu-smi discovery -d 0 -j": fixture("xpu-smi-discovery-d0.json"),
    "xpu-smi discovery -j": fixture("xpu-smi-discovery.json"),
    "xpu-smi stats -d 0 -j": fixture("xpu-smi-stats-d0.json"),
  });

  it("reads xpu-smi discovery and stats", async () => {
    expect(await intelSampler({ run, sysfsRoot: "/nonexistent" }).sample()).toEqual({
      ok: true,
      gpus: [{ index: 0, vendor: "intel", name: "Intel(R) Data Center GPU Flex 170", pool: "vram", totalBytes: 17079205888, usedBytes: 5120.5 * MIB, utilizationPct: 41 }],
    });
  });

  it("ignores garbage stats", () => {
    expect(parseXpuStats("Error: Level Zero not initialised")).toBeUndefined();
  });

  it("falls back to xe sysfs files", async () => {
    const root = await sysfs({ card0: { vendor: "0x8086", "tile0/vram_total": String(16 * GIB), "tile0/vram_used": String(GIB) } });
    const outcome = await intelSampler({ run: fakeRunner({}), sysfsRoot: root }).sample();
    expect(outcome.ok && outcome.gpus[0]).toMatchObject({ index: 0, vendor: "intel", totalBytes: 16 * GIB, usedBytes: GIB });
  });

  it("skips integrated graphics (no memory of its own)", async () => {
    const root = await sysfs({ card0: { vendor: "0x8086" } });
    expect((await intelSampler({ run: fakeRunner({}), sysfsRoot: root }).sample()).ok).toBe(false);
  });
});

describe("Apple silicon", () => {
  it("takes 75% of unified memory from sysctl", async () => {
    const run = fakeRunner({ "sysctl -n hw.memsize": "68719476736\n", "sysctl -n machdep.cpu.brand_string": "Apple M2 Max\n" });
    expect(await appleSampler({ run }).sample()).toEqual({ ok: true, gpus: [{ index: 0, vendor: "apple", name: "Apple M2 Max", pool: "unified", totalBytes: 48 * GIB }] });
  });

  it("uses ROUTER_APPLE_UNIFIED_MEMORY_GB as the GPU's share, as documented", async () => {
    const outcome = await appleSampler({ run: fakeRunner({}), unifiedMemoryGb: 100 }).sample();
    expect(outcome.ok && outcome.gpus[0].totalBytes).toBe(100 * GIB);
  });

  it("is unavailable when sysctl prints no number", async () => {
    expect((await appleSampler({ run: fakeRunner({ "sysctl -n hw.memsize": "unknown oid" }) }).sample()).ok).toBe(false);
  });
});

describe("detection", () => {
  const base = { sysfsRoot: "/nonexistent", platform: "linux" as const, arch: "x64" };

  it("auto keeps only the vendors whose tool answers", async () => {
    const detection = await detectSamplers("auto", { ...base, run: fakeRunner({ "nvidia-smi": fixture("nvidia-smi-two-rtx4090.txt") }) });
    expect(detection.samplers.map((sampler) => sampler.vendor)).toEqual(["nvidia"]);
    expect(detection.notes.join("\n")).toContain("rocm-smi not found on PATH");
  });

  it("auto with no tools finds nothing, and says why", async () => {
    const detection = await detectSamplers("auto", { ...base, run: fakeRunner({}) });
    expect(detection.samplers).toEqual([]);
    expect(detection.notes).toHaveLength(3);
  });

  it("a named vendor is kept even when it fails, so its state shows", async () => {
    const detection = await detectSamplers("nvidia", { ...base, run: fakeRunner({ "nvidia-smi": "garbage" }) });
    expect(detection.samplers.map((sampler) => sampler.vendor)).toEqual(["nvidia"]);
    expect(detection.first.get("nvidia")?.ok).toBe(false);
  });

  it("none samples nothing", async () => {
    expect((await detectSamplers("none", { ...base, run: fakeRunner({ "nvidia-smi": fixture("nvidia-smi-h100.txt") }) })).samplers).toEqual([]);
  });
});
