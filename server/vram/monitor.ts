import { trace } from "@opentelemetry/api";
import type { ModelRegistry } from "../backends/registry";
import type { Config } from "../config/settings";
import type { Logger } from "../observability/logger";
import { recordGpuSample } from "../observability/metrics";
import { VERSION } from "../version";
import { VramManager } from "./manager";
import { toolRunner, type ToolRunner } from "./run-tool";
import { detectSamplers, type SamplerChoice } from "./samplers";
import type { GpuSample, GpuVendor, Sampler } from "./types";

// The background VRAM job: every ROUTER_VRAM_MONITOR_INTERVAL seconds, one sample per GPU and per
// loaded model, kept as a bounded history, exported as gauges and as a `vram.sample` span. Created
// once per process (runtime.ts); start() samples before it returns, so the 90% budget is known
// from the first request on (the original read it before the first sample existed).

export type GpuReading = Required<Pick<GpuSample, "usedBytes" | "freeBytes">> & GpuSample;

export type VramSample = {
  at: number;
  gpus: GpuReading[];
  totalBytes: number;
  usedBytes: number;
  /** Resident models (all backends): name → size_vram bytes. */
  models: Record<string, number>;
};

export type SamplerState = { vendor: GpuVendor; ok: boolean; reason?: string };

export const HISTORY_LIMIT = 1000;

export type MonitorOptions = {
  config: Config;
  logger: Logger;
  registry: ModelRegistry;
  profiledVramGb?: (model: string) => number | undefined;
  run?: ToolRunner;
  sysfsRoot?: string;
  platform?: NodeJS.Platform;
  arch?: string;
};

export class VramMonitor {
  readonly manager: VramManager;
  private samplers: Sampler[] = [];
  private samplerStates: SamplerState[] = [];
  private detectionNotes: string[] = [];
  private readonly history: VramSample[] = [];
  private timer?: NodeJS.Timeout;
  private started?: Promise<void>;
  private lastLogAt = 0;

  constructor(private readonly options: MonitorOptions) {
    this.manager = new VramManager({ config: options.config, logger: options.logger, registry: options.registry, profiledVramGb: options.profiledVramGb });
  }

  get enabled(): boolean {
    return this.options.config.ROUTER_VRAM_MONITOR_ENABLED;
  }

  /** Detects the GPUs, takes the first sample, loads the pinned model, then samples on a timer. Idempotent. */
  start(): Promise<void> {
    this.started ??= this.startNow().catch((error: unknown) => this.options.logger.warn("VRAM monitor could not start", { error }));
    return this.started;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async startNow(): Promise<void> {
    const { config, logger } = this.options;
    if (this.enabled) {
      const detection = await detectSamplers(config.ROUTER_VRAM_SAMPLER as SamplerChoice, {
        run: this.options.run ?? toolRunner(),
        sysfsRoot: this.options.sysfsRoot,
        platform: this.options.platform ?? process.platform,
        arch: this.options.arch ?? process.arch,
        amdUnifiedMemoryGb: config.ROUTER_AMD_UNIFIED_MEMORY_GB,
        appleUnifiedMemoryGb: config.ROUTER_APPLE_UNIFIED_MEMORY_GB,
      });
      this.samplers = detection.samplers;
      this.detectionNotes = detection.notes;
      if (this.samplers.length === 0) logger.warn("No GPU found: VRAM is not sampled and the budget is only ROUTER_VRAM_MAX_TOTAL_GB", { tried: detection.notes.join("; ") });
      else logger.info("VRAM monitor started", { vendors: this.samplers.map((sampler) => sampler.vendor).join(",") });
    }
    await this.options.registry.refresh();
    await this.sampleNow();
    await this.manager.ensurePinned();
    if (this.enabled) {
      this.timer = setInterval(() => void this.tick().catch((error: unknown) => logger.warn("VRAM sample failed", { error })), config.ROUTER_VRAM_MONITOR_INTERVAL * 1000);
      this.timer.unref();
    }
  }

  /** What the timer does: sample, then reload the pinned model if something evicted it. */
  async tick(): Promise<void> {
    await this.sampleNow();
    await this.manager.ensurePinned();
  }

  /** One sample of every GPU and of what every backend has loaded. */
  async sampleNow(): Promise<VramSample> {
    const span = trace.getTracer("smarterrouter", VERSION).startSpan("vram.sample");
    try {
      const [outcomes] = await Promise.all([Promise.all(this.samplers.map(async (sampler) => ({ vendor: sampler.vendor, outcome: await sampler.sample() }))), this.manager.reconcileAll()]);
      this.samplerStates = outcomes.map(({ vendor, outcome }) => (outcome.ok ? { vendor, ok: true } : { vendor, ok: false, reason: outcome.reason }));
      const residentBytes = this.manager.resident().reduce((sum, entry) => sum + entry.vramBytes, 0);
      const gpus = outcomes.flatMap(({ outcome }) => (outcome.ok ? outcome.gpus : [])).map((gpu) => reading(gpu, residentBytes));
      const sample: VramSample = {
        at: Date.now(),
        gpus,
        totalBytes: gpus.reduce((sum, gpu) => sum + gpu.totalBytes, 0),
        usedBytes: gpus.reduce((sum, gpu) => sum + gpu.usedBytes, 0),
        models: Object.fromEntries(this.manager.resident().map((entry) => [entry.model, entry.vramBytes])),
      };
      if (gpus.length) this.manager.setDetectedTotal(sample.totalBytes);
      recordGpuSample(gpus);
      this.history.push(sample);
      if (this.history.length > HISTORY_LIMIT) this.history.splice(0, this.history.length - HISTORY_LIMIT);
      span.setAttributes({
        "smarterrouter.vram.gpu_count": gpus.length,
        "smarterrouter.vram.total_bytes": sample.totalBytes,
        "smarterrouter.vram.used_bytes": sample.usedBytes,
        "smarterrouter.vram.loaded_models": Object.keys(sample.models).length,
      });
      for (const gpu of gpus) {
        span.addEvent("gpu", { "gpu.index": gpu.index, "gpu.vendor": gpu.vendor, "hw.gpu.memory.limit": gpu.totalBytes, "hw.gpu.memory.usage": gpu.usedBytes });
      }
      this.logPeriodically(sample);
      return sample;
    } finally {
      span.end();
    }
  }

  latest(): VramSample | undefined {
    return this.history.at(-1);
  }

  /** Samples taken in the last `minutes`, oldest first. */
  historySince(minutes: number): VramSample[] {
    const since = Date.now() - minutes * 60_000;
    return this.history.filter((sample) => sample.at >= since);
  }

  samplerStatus(): { states: SamplerState[]; notes: string[] } {
    return { states: this.samplerStates, notes: this.detectionNotes };
  }

  private logPeriodically(sample: VramSample): void {
    const { config, logger } = this.options;
    if (sample.totalBytes <= 0 || Date.now() - this.lastLogAt < config.ROUTER_VRAM_LOG_INTERVAL * 1000) return;
    this.lastLogAt = Date.now();
    const pct = (sample.usedBytes / sample.totalBytes) * 100;
    const fields = { usedGb: round(sample.usedBytes / 1024 ** 3), totalGb: round(sample.totalBytes / 1024 ** 3), pct: round(pct), models: Object.keys(sample.models).join(",") };
    if (pct >= 95) logger.error("VRAM critical", fields);
    else if (pct >= config.ROUTER_VRAM_UNLOAD_THRESHOLD_PCT) logger.warn("VRAM high", fields);
    else logger.info("VRAM", fields);
  }
}

/** Fills what a tool could not say: free as total − used; Apple's used as the resident models' size. */
function reading(gpu: GpuSample, residentBytes: number): GpuReading {
  const usedBytes = gpu.usedBytes ?? Math.min(residentBytes, gpu.totalBytes);
  return { ...gpu, usedBytes, freeBytes: gpu.freeBytes ?? Math.max(0, gpu.totalBytes - usedBytes) };
}

const round = (value: number) => Math.round(value * 100) / 100;
