import { join } from "node:path";
import type { ToolRunner } from "./run-tool";
import { drmCards, readSysfsText as readText } from "./sysfs";
import { GIB, type GpuSample, type Sampler, type SamplerOutcome } from "./types";

export const ROCM_SMI_ARGS = ["--showmeminfo", "vram", "gtt", "--showuse", "--showproductname", "--json"] as const;

// An APU has a small BIOS carve-out as "VRAM" and computes from the GTT pool (system memory the
// GPU may map). The original called anything under 4 GB an APU and missed 4 GiB carve-outs
// (Strix Halo); here it is a small carve-out *and* a GTT pool much larger than it.
const APU_MAX_CARVE_OUT = 4 * GIB;

type AmdMemory = { index: number; name?: string; vramTotal: number; vramUsed: number; gttTotal?: number; gttUsed?: number; utilizationPct?: number };

export type AmdOptions = { run: ToolRunner; sysfsRoot?: string; unifiedMemoryGb?: number };

export function isApu(memory: Pick<AmdMemory, "vramTotal" | "gttTotal">): boolean {
  return memory.gttTotal !== undefined && memory.vramTotal <= APU_MAX_CARVE_OUT && memory.gttTotal >= 2 * memory.vramTotal;
}

/** One card's memory as a sample: the GTT pool for an APU (or the configured unified size), else VRAM. */
export function amdSample(memory: AmdMemory, unifiedMemoryGb?: number): GpuSample {
  const apu = unifiedMemoryGb !== undefined || isApu(memory);
  const common = { index: memory.index, vendor: "amd" as const, utilizationPct: memory.utilizationPct };
  if (!apu) return { ...common, name: memory.name ?? "AMD GPU", pool: "vram", totalBytes: memory.vramTotal, usedBytes: memory.vramUsed };
  const totalBytes = unifiedMemoryGb !== undefined ? unifiedMemoryGb * GIB : (memory.gttTotal ?? 0);
  const usedBytes = (memory.gttUsed ?? 0) + memory.vramUsed;
  return { ...common, name: `${memory.name ?? "Radeon Graphics"} (APU)`, pool: "gtt", totalBytes, usedBytes: Math.min(usedBytes, totalBytes) };
}

/**
 * `rocm-smi --showmeminfo vram gtt --showuse --showproductname --json`: an object keyed "card0",
 * "card1", … whose values are strings, memory in bytes ("VRAM Total Memory (B)"). Other keys
 * ("system") are ignored.
 */
export function parseRocmSmiJson(stdout: string, unifiedMemoryGb?: number): SamplerOutcome {
  let body: unknown;
  try {
    body = JSON.parse(stdout);
  } catch {
    return { ok: false, reason: "rocm-smi printed something that is not JSON" };
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { ok: false, reason: "unexpected rocm-smi JSON" };
  const gpus: GpuSample[] = [];
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const card = /^card(\d+)$/.exec(key);
    if (!card || typeof value !== "object" || value === null) continue;
    const fields = value as Record<string, unknown>;
    const vramTotal = bytes(fields["VRAM Total Memory (B)"]);
    const vramUsed = bytes(fields["VRAM Total Used Memory (B)"]);
    if (vramTotal === undefined || vramUsed === undefined) return { ok: false, reason: `rocm-smi reported no VRAM for ${key}` };
    const name = text(fields["Card Series"]) ?? text(fields["Card series"]) ?? text(fields["Card SKU"]);
    const memory: AmdMemory = {
      index: Number(card[1]),
      name,
      vramTotal,
      vramUsed,
      gttTotal: bytes(fields["GTT Total Memory (B)"]),
      gttUsed: bytes(fields["GTT Total Used Memory (B)"]),
      utilizationPct: bytes(fields["GPU use (%)"]),
    };
    gpus.push(amdSample(memory, unifiedMemoryGb));
  }
  if (gpus.length === 0) return { ok: false, reason: "rocm-smi reported no GPUs" };
  return { ok: true, gpus: gpus.sort((a, b) => a.index - b.index) };
}

/** The amdgpu driver's files under /sys/class/drm/cardN/device (vendor 0x1002). */
export async function readAmdSysfs(root = "/sys/class/drm", unifiedMemoryGb?: number): Promise<SamplerOutcome> {
  const cards = await drmCards(root, "0x1002");
  if (typeof cards === "string") return { ok: false, reason: cards };
  const gpus: GpuSample[] = [];
  for (const { index, device } of cards) {
    const vramTotal = bytes(await readText(join(device, "mem_info_vram_total")));
    if (vramTotal === undefined) continue;
    const memory: AmdMemory = {
      index,
      name: (await readText(join(device, "product_name")))?.slice(0, 40) || undefined,
      vramTotal,
      vramUsed: bytes(await readText(join(device, "mem_info_vram_used"))) ?? 0,
      gttTotal: bytes(await readText(join(device, "mem_info_gtt_total"))),
      gttUsed: bytes(await readText(join(device, "mem_info_gtt_used"))),
      utilizationPct: bytes(await readText(join(device, "gpu_busy_percent"))),
    };
    gpus.push(amdSample(memory, unifiedMemoryGb));
  }
  if (gpus.length === 0) return { ok: false, reason: "no AMD GPU in sysfs" };
  return { ok: true, gpus: gpus.sort((a, b) => a.index - b.index) };
}

/** rocm-smi when it works, else sysfs (the amdgpu driver is there even without ROCm). */
export function amdSampler(options: AmdOptions): Sampler {
  return {
    vendor: "amd",
    sample: async () => {
      const result = await options.run("rocm-smi", ROCM_SMI_ARGS);
      const fromTool = result.ok ? parseRocmSmiJson(result.stdout, options.unifiedMemoryGb) : { ok: false as const, reason: result.error };
      if (fromTool.ok) return fromTool;
      const fromSysfs = await readAmdSysfs(options.sysfsRoot, options.unifiedMemoryGb);
      return fromSysfs.ok ? fromSysfs : { ok: false, reason: `${fromTool.reason}; ${fromSysfs.reason}` };
    },
  };
}

function bytes(value: unknown): number | undefined {
  const raw = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : undefined;
  if (raw === undefined || !/^\d+(\.\d+)?$/.test(raw)) return undefined;
  return Number(raw);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() && value.trim() !== "N/A" ? value.trim() : undefined;
}
