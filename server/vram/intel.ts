import { join } from "node:path";
import type { ToolRunner } from "./run-tool";
import { drmCards, readSysfsText } from "./sysfs";
import { MIB, type GpuSample, type Sampler, type SamplerOutcome } from "./types";

// Dedicated Intel GPUs (Arc, Data Center Flex/Max). xpu-smi first: `discovery -j` lists devices,
// `discovery -d N -j` gives memory_physical_size_byte, `stats -d N -j` gives
// XPUM_STATS_MEMORY_USED (MiB) and XPUM_STATS_GPU_UTILIZATION (%). Without xpu-smi, the xe/i915
// sysfs files. Integrated graphics have no memory of their own and are skipped.

export function parseXpuDiscovery(stdout: string): { ok: true; devices: { id: number; name: string }[] } | { ok: false; reason: string } {
  const body = json(stdout) as { device_list?: { device_id?: unknown; device_name?: unknown }[] } | undefined;
  if (!body || !Array.isArray(body.device_list)) return { ok: false, reason: "unexpected xpu-smi discovery output" };
  const devices = body.device_list.flatMap((device) =>
    typeof device.device_id === "number" ? [{ id: device.device_id, name: typeof device.device_name === "string" ? device.device_name : "Intel GPU" }] : [],
  );
  return devices.length ? { ok: true, devices } : { ok: false, reason: "xpu-smi found no GPUs" };
}

/** Total memory from `xpu-smi discovery -d N -j`. */
export function parseXpuDeviceTotal(stdout: string): number | undefined {
  const body = json(stdout) as Record<string, unknown> | undefined;
  const raw = body?.memory_physical_size_byte;
  const value = typeof raw === "string" || typeof raw === "number" ? Number(raw) : NaN;
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Used memory (bytes) and GPU utilisation from `xpu-smi stats -d N -j` (device level, else the sum of tiles). */
export function parseXpuStats(stdout: string): { usedBytes?: number; utilizationPct?: number; memoryUtilizationPct?: number } | undefined {
  const body = json(stdout) as { device_level?: Metric[]; tile_level?: { data_list?: Metric[] }[] } | undefined;
  if (!body) return undefined;
  const deviceLevel = Array.isArray(body.device_level) ? body.device_level : [];
  const tiles = Array.isArray(body.tile_level) ? body.tile_level.flatMap((tile) => (Array.isArray(tile.data_list) ? tile.data_list : [])) : [];
  const pick = (type: string, list: Metric[]) => list.filter((m) => m.metrics_type === type && typeof m.value === "number").map((m) => m.value as number);
  const usedDevice = pick("XPUM_STATS_MEMORY_USED", deviceLevel);
  const usedTiles = pick("XPUM_STATS_MEMORY_USED", tiles);
  const usedMib = usedDevice[0] ?? (usedTiles.length ? usedTiles.reduce((a, b) => a + b, 0) : undefined);
  return {
    usedBytes: usedMib === undefined ? undefined : usedMib * MIB,
    utilizationPct: pick("XPUM_STATS_GPU_UTILIZATION", deviceLevel)[0],
    memoryUtilizationPct: pick("XPUM_STATS_MEMORY_UTILIZATION", deviceLevel)[0],
  };
}

type Metric = { metrics_type?: unknown; value?: unknown };

async function sampleXpuSmi(run: ToolRunner): Promise<SamplerOutcome> {
  const discovery = await run("xpu-smi", ["discovery", "-j"]);
  if (!discovery.ok) return { ok: false, reason: discovery.error };
  const devices = parseXpuDiscovery(discovery.stdout);
  if (!devices.ok) return devices;
  const gpus: GpuSample[] = [];
  for (const device of devices.devices) {
    const [detail, stats] = await Promise.all([run("xpu-smi", ["discovery", "-d", String(device.id), "-j"]), run("xpu-smi", ["stats", "-d", String(device.id), "-j"])]);
    const parsed = stats.ok ? parseXpuStats(stats.stdout) : undefined;
    let total = detail.ok ? parseXpuDeviceTotal(detail.stdout) : undefined;
    // Older xpu-smi: derive the total from used and the memory utilisation.
    if (total === undefined && parsed?.usedBytes && parsed.memoryUtilizationPct) total = parsed.usedBytes / (parsed.memoryUtilizationPct / 100);
    if (total === undefined || parsed?.usedBytes === undefined) return { ok: false, reason: `xpu-smi gave no memory figures for device ${device.id}` };
    gpus.push({ index: device.id, vendor: "intel", name: device.name, pool: "vram", totalBytes: Math.round(total), usedBytes: parsed.usedBytes, utilizationPct: parsed.utilizationPct });
  }
  return { ok: true, gpus };
}

/** xe: device/tile0/vram_total + vram_used; i915 (DG2): device/lmem_total_bytes + lmem_avail_bytes. */
export async function readIntelSysfs(root = "/sys/class/drm"): Promise<SamplerOutcome> {
  const cards = await drmCards(root, "0x8086");
  if (typeof cards === "string") return { ok: false, reason: cards };
  const gpus: GpuSample[] = [];
  for (const { index, device } of cards) {
    const xeTotal = await readNumber(join(device, "tile0", "vram_total"));
    const lmemTotal = await readNumber(join(device, "lmem_total_bytes"));
    if (xeTotal) {
      const used = (await readNumber(join(device, "tile0", "vram_used"))) ?? 0;
      gpus.push({ index, vendor: "intel", name: `Intel Arc GPU (card ${index}, xe)`, pool: "vram", totalBytes: xeTotal, usedBytes: used });
    } else if (lmemTotal) {
      const available = await readNumber(join(device, "lmem_avail_bytes"));
      gpus.push({ index, vendor: "intel", name: `Intel Arc GPU (card ${index})`, pool: "vram", totalBytes: lmemTotal, usedBytes: available === undefined ? 0 : lmemTotal - available });
    }
  }
  return gpus.length ? { ok: true, gpus } : { ok: false, reason: "no dedicated Intel GPU in sysfs" };
}

export function intelSampler(options: { run: ToolRunner; sysfsRoot?: string }): Sampler {
  return {
    vendor: "intel",
    sample: async () => {
      const fromTool = await sampleXpuSmi(options.run);
      if (fromTool.ok) return fromTool;
      const fromSysfs = await readIntelSysfs(options.sysfsRoot);
      return fromSysfs.ok ? fromSysfs : { ok: false, reason: `${fromTool.reason}; ${fromSysfs.reason}` };
    },
  };
}

function json(stdout: string): unknown {
  try {
    const value: unknown = JSON.parse(stdout);
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

async function readNumber(path: string): Promise<number | undefined> {
  const text = await readSysfsText(path);
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}
