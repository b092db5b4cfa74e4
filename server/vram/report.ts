import type { Config } from "../config/settings";
import type { Runtime } from "../runtime";
import type { BudgetSource } from "./manager";
import type { SamplerState } from "./monitor";
import { GIB, type GpuVendor, type MemoryPool } from "./types";

// GET /admin/vram and the console's VRAM page: one object, GB rounded to 2 decimals, percentages
// to 1. Compared with the original it adds the per-GPU list, the loaded models with sizes and last
// use (from the backend, not guesses) and the budget's source.

export type VramReport = {
  monitoring: boolean;
  timestamp: string | null;
  samplers: SamplerState[];
  /** Why a vendor was not used or is unavailable (missing tool, garbage output). */
  notes: string[];
  total_gb: number | null;
  used_gb: number | null;
  free_gb: number | null;
  utilization_pct: number | null;
  gpus: {
    /** vendor + index, as the `gpu` label of smarterrouter_vram_*_bytes. */
    gpu: string;
    index: number;
    vendor: GpuVendor;
    name: string;
    memory_pool: MemoryPool;
    total_gb: number;
    used_gb: number;
    free_gb: number;
    memory_utilization_pct: number;
    gpu_utilization_pct: number | null;
  }[];
  budget: {
    max_gb: number | null;
    source: BudgetSource;
    allocated_gb: number;
    available_gb: number | null;
    utilization_pct: number | null;
    strategy: string;
    auto_unload: boolean;
    unload_threshold_pct: number;
    pinned_model: string | null;
  };
  loaded_models: {
    model: string;
    backend: string;
    vram_gb: number;
    vram_bytes: number;
    size_bytes: number | null;
    loaded_at: string;
    last_used_at: string;
    expires_at: string | null;
    source: "router" | "external";
    pinned: boolean;
  }[];
  history: {
    window_minutes: number;
    samples: { timestamp: string; total_gb: number; used_gb: number; utilization_pct: number; models: Record<string, number>; gpus: { gpu: string; total_gb: number; used_gb: number }[] }[];
  };
  /** Loads and unloads the manager did or saw, newest first. */
  events: { at: string; model: string; backend: string; kind: "load" | "unload"; reason: string; duration_ms: number | null }[];
  warnings: string[];
};

export const DEFAULT_HISTORY_MINUTES = 10;

/** The body of GET /admin/vram (also what the console renders). */
export function vramReport(runtime: Pick<Runtime, "vram" | "config">, historyMinutes = DEFAULT_HISTORY_MINUTES): VramReport {
  const { vram: monitor, config } = runtime;
  const latest = monitor.latest();
  const { manager } = monitor;
  const budget = manager.budget();
  const resident = manager.resident().sort((a, b) => a.backend.localeCompare(b.backend) || a.model.localeCompare(b.model));
  const allocated = resident.reduce((sum, entry) => sum + entry.vramBytes, 0);
  const hasGpus = latest !== undefined && latest.totalBytes > 0;
  const utilization = hasGpus ? (latest.usedBytes / latest.totalBytes) * 100 : undefined;
  const budgetUtilization = budget.bytes ? (allocated / budget.bytes) * 100 : undefined;
  const { states, notes } = monitor.samplerStatus();
  return {
    monitoring: monitor.enabled,
    timestamp: latest ? new Date(latest.at).toISOString() : null,
    samplers: states,
    notes: [...notes, ...states.filter((state) => !state.ok).map((state) => `${state.vendor} unavailable: ${state.reason}`)],
    total_gb: hasGpus ? gb(latest.totalBytes) : null,
    used_gb: hasGpus ? gb(latest.usedBytes) : null,
    free_gb: hasGpus ? gb(latest.totalBytes - latest.usedBytes) : null,
    utilization_pct: utilization === undefined ? null : pct(utilization),
    gpus: (latest?.gpus ?? []).map((gpu) => ({
      gpu: gpuId(gpu),
      index: gpu.index,
      vendor: gpu.vendor,
      name: gpu.name,
      memory_pool: gpu.pool,
      total_gb: gb(gpu.totalBytes),
      used_gb: gb(gpu.usedBytes),
      free_gb: gb(gpu.freeBytes),
      memory_utilization_pct: pct(gpu.totalBytes > 0 ? (gpu.usedBytes / gpu.totalBytes) * 100 : 0),
      gpu_utilization_pct: gpu.utilizationPct ?? null,
    })),
    budget: {
      max_gb: budget.bytes === undefined ? null : gb(budget.bytes),
      source: budget.source,
      allocated_gb: gb(allocated),
      available_gb: budget.bytes === undefined ? null : gb(Math.max(0, budget.bytes - allocated)),
      utilization_pct: budgetUtilization === undefined ? null : pct(budgetUtilization),
      strategy: manager.strategy,
      auto_unload: config.ROUTER_VRAM_AUTO_UNLOAD_ENABLED,
      unload_threshold_pct: config.ROUTER_VRAM_UNLOAD_THRESHOLD_PCT,
      pinned_model: manager.pinnedModel ?? null,
    },
    loaded_models: resident.map((entry) => ({
      model: entry.model,
      backend: entry.backend,
      vram_gb: gb(entry.vramBytes),
      vram_bytes: entry.vramBytes,
      size_bytes: entry.sizeBytes ?? null,
      loaded_at: new Date(entry.loadedAt).toISOString(),
      last_used_at: new Date(entry.lastUsedAt).toISOString(),
      expires_at: entry.expiresAt ?? null,
      source: entry.source,
      pinned: entry.pinned,
    })),
    history: {
      window_minutes: historyMinutes,
      samples: monitor.historySince(historyMinutes).map((sample) => ({
        timestamp: new Date(sample.at).toISOString(),
        total_gb: gb(sample.totalBytes),
        used_gb: gb(sample.usedBytes),
        utilization_pct: pct(sample.totalBytes > 0 ? (sample.usedBytes / sample.totalBytes) * 100 : 0),
        models: Object.fromEntries(Object.entries(sample.models).map(([model, bytes]) => [model, gb(bytes)])),
        gpus: sample.gpus.map((gpu) => ({ gpu: gpuId(gpu), total_gb: gb(gpu.totalBytes), used_gb: gb(gpu.usedBytes) })),
      })),
    },
    events: manager
      .events()
      .reverse()
      .map((event) => ({ at: new Date(event.at).toISOString(), model: event.model, backend: event.backend, kind: event.kind, reason: event.reason, duration_ms: event.durationMs ?? null })),
    warnings: vramWarnings(utilization ?? budgetUtilization, config),
  };
}

/** At 75/85/95% of the GPUs' memory (else of the budget), plus the configured unload threshold. */
export function vramWarnings(utilizationPct: number | undefined, config: Pick<Config, "ROUTER_VRAM_AUTO_UNLOAD_ENABLED" | "ROUTER_VRAM_UNLOAD_THRESHOLD_PCT">): string[] {
  if (utilizationPct === undefined) return [];
  const warnings: string[] = [];
  if (utilizationPct >= 95) warnings.push("CRITICAL: VRAM > 95% - immediate unload recommended");
  else if (utilizationPct >= 85) warnings.push("WARNING: VRAM > 85% - consider unloading models");
  else if (utilizationPct >= 75) warnings.push("NOTICE: VRAM > 75% - monitor usage");
  if (config.ROUTER_VRAM_AUTO_UNLOAD_ENABLED && utilizationPct >= config.ROUTER_VRAM_UNLOAD_THRESHOLD_PCT) {
    warnings.push(`Auto-unload threshold (${config.ROUTER_VRAM_UNLOAD_THRESHOLD_PCT.toFixed(1)}%) reached or exceeded`);
  }
  return warnings;
}

const gpuId = (gpu: { vendor: GpuVendor; index: number }) => `${gpu.vendor}${gpu.index}`;
const gb = (bytes: number) => Math.round((bytes / GIB) * 100) / 100;
const pct = (value: number) => Math.round(value * 10) / 10;
