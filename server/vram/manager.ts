import type { BackendConfig } from "../config/backends";
import type { Config } from "../config/settings";
import { readLoadedModels, type LoadedModel } from "../backends/discovery";
import { loadModel, unloadModel } from "../backends/model-control";
import type { ModelRegistry } from "../backends/registry";
import type { Logger } from "../observability/logger";
import { recordModelLoad, recordModelResidency, recordModelUnload, recordVramBudget } from "../observability/metrics";
import { chooseVictims, type UnloadStrategy } from "./strategy";
import { GIB } from "./types";

// What is loaded, per backend, as the backend itself reports it (/api/ps) reconciled with what
// the router loaded and unloaded; and the step before a request: make room by the configured
// strategy, then load. Only Ollama backends can be managed (the others cannot say or be told).

export type ResidentModel = {
  model: string;
  backend: string;
  vramBytes: number;
  sizeBytes?: number;
  expiresAt?: string;
  loadedAt: number;
  lastUsedAt: number;
  /** Who loaded it: the router (a request or the pin) or someone else (another client, a restart). */
  source: "router" | "external";
  pinned: boolean;
};

type Entry = ResidentModel & { lastUse: number };

/** A load or unload the manager did or saw, newest last (GET /admin/vram, the console's VRAM page). */
export type VramEvent = {
  at: number;
  model: string;
  backend: string;
  kind: "load" | "unload";
  /** load: request | pinned | external; unload: the strategy (lru, largest) | expired. */
  reason: string;
  /** Only for loads the router timed. */
  durationMs?: number;
};

export const EVENT_LIMIT = 200;

export type BudgetSource = "configured" | "detected" | "none";

export type EnsureOutcome =
  | { action: "unmanaged"; reason: string }
  | { action: "resident" }
  | { action: "loaded"; unloaded: string[]; seconds: number }
  | { action: "load_failed"; unloaded: string[]; error: string }
  | { action: "cannot_fit"; neededBytes: number; budgetBytes: number };

const RECONCILE_MAX_AGE_MS = 1000;
// A model's memory in use is larger than its file (KV cache, buffers): the ratio when only the file size is known.
const FILE_TO_VRAM = 1.2;

export type ManagerDeps = {
  config: Config;
  logger: Logger;
  registry: ModelRegistry;
  /** A profile's measured VRAM need in GB, when one exists. */
  profiledVramGb?: (model: string) => number | undefined;
};

export class VramManager {
  private readonly tables = new Map<string, Map<string, Entry>>();
  private readonly reconciledAt = new Map<string, number>();
  private readonly locks = new Map<string, Promise<unknown>>();
  /** size_vram last seen per model: the best estimate the next time it must be loaded. */
  private readonly measured = new Map<string, number>();
  private readonly eventLog: VramEvent[] = [];
  private detectedTotalBytes?: number;
  private useSequence = 0;
  private reconciledOnce = false;

  constructor(private readonly deps: ManagerDeps) {}

  get strategy(): UnloadStrategy {
    return this.deps.config.ROUTER_VRAM_UNLOAD_STRATEGY as UnloadStrategy;
  }

  get pinnedModel(): string | undefined {
    return this.deps.config.ROUTER_PINNED_MODEL || undefined;
  }

  /** From the GPU sampler: the sum of every GPU's memory. */
  setDetectedTotal(bytes: number | undefined): void {
    this.detectedTotalBytes = bytes && bytes > 0 ? bytes : undefined;
    recordVramBudget(this.budget().bytes);
  }

  /** ROUTER_VRAM_MAX_TOTAL_GB, else 90% of the detected total, else none (nothing is unloaded). */
  budget(): { bytes?: number; source: BudgetSource } {
    const configured = this.deps.config.ROUTER_VRAM_MAX_TOTAL_GB;
    if (configured !== undefined) return { bytes: configured * GIB, source: "configured" };
    if (this.detectedTotalBytes !== undefined) return { bytes: this.detectedTotalBytes * 0.9, source: "detected" };
    return { source: "none" };
  }

  /** What routing may plan with: the budget less the pinned model, which never leaves. In GB. */
  routingBudgetGb(): number | undefined {
    const { bytes } = this.budget();
    if (bytes === undefined) return undefined;
    const pinned = this.resident().filter((entry) => entry.pinned).reduce((sum, entry) => sum + entry.vramBytes, 0);
    return Math.max(0, bytes - pinned) / GIB;
  }

  /**
   * For routing's "cannot fit" filter, in GB: size_vram last seen, else the file size plus room for
   * the KV cache. Empty without a budget: then sizes decide nothing.
   */
  knownVramGb(): ReadonlyMap<string, number> {
    if (this.budget().bytes === undefined) return new Map();
    const sizes = new Map<string, number>();
    for (const model of this.deps.registry.models()) {
      const bytes = this.measured.get(model.name) ?? (model.sizeBytes ? model.sizeBytes * FILE_TO_VRAM : undefined);
      if (bytes) sizes.set(model.name, bytes / GIB);
    }
    return sizes;
  }

  resident(): ResidentModel[] {
    return [...this.tables.values()].flatMap((table) => [...table.values()]).map((entry) => {
      const { lastUse, ...resident } = entry;
      void lastUse;
      return resident;
    });
  }

  /** The last EVENT_LIMIT loads and unloads, oldest first. */
  events(): VramEvent[] {
    return [...this.eventLog];
  }

  private record(event: Omit<VramEvent, "at">): void {
    this.eventLog.push({ at: Date.now(), ...event });
    if (this.eventLog.length > EVENT_LIMIT) this.eventLog.splice(0, this.eventLog.length - EVENT_LIMIT);
  }

  /** Re-reads /api/ps of every manageable backend. */
  async reconcileAll(): Promise<void> {
    await Promise.all(this.manageable().map((backend) => this.withLock(backend.name, () => this.reconcile(backend))));
    this.reconciledOnce = true;
    this.publishResidency();
  }

  /**
   * Before a request goes to `target`: when it is not resident and does not fit the budget, unload
   * others by the strategy (never the pinned model), then load it and time the load.
   */
  ensureCapacity(target: { model: string; backend: string }, signal?: AbortSignal): Promise<EnsureOutcome> {
    const backend = this.deps.registry.backends.find((candidate) => candidate.name === target.backend);
    if (!backend || backend.kind !== "ollama") return Promise.resolve({ action: "unmanaged", reason: "backend cannot load or unload models" });
    const budget = this.budget().bytes;
    if (budget === undefined) return Promise.resolve({ action: "unmanaged", reason: "no VRAM budget (set ROUTER_VRAM_MAX_TOTAL_GB or run where a GPU is detected)" });
    // A model resident by a fresh reading needs no lock: it must not wait behind another model's load.
    const resident = this.table(backend.name).get(target.model);
    if (resident && Date.now() - (this.reconciledAt.get(backend.name) ?? 0) <= RECONCILE_MAX_AGE_MS) {
      resident.lastUse = ++this.useSequence;
      resident.lastUsedAt = Date.now();
      return Promise.resolve({ action: "resident" });
    }
    return this.withLock(backend.name, () => this.makeRoomAndLoad(backend, target.model, budget, "request", signal));
  }

  /** Loads ROUTER_PINNED_MODEL (at start, and again whenever it is found missing). */
  async ensurePinned(): Promise<void> {
    const pinned = this.pinnedModel;
    if (!pinned) return;
    const model = this.deps.registry.find(pinned);
    if (!model) {
      this.deps.logger.warn("pinned model not found on any backend", { model: pinned });
      return;
    }
    const backend = this.deps.registry.backends.find((candidate) => candidate.name === model.backend);
    if (!backend || backend.kind !== "ollama") return;
    const budget = this.budget().bytes ?? Infinity;
    const outcome = await this.withLock(backend.name, () => this.makeRoomAndLoad(backend, pinned, budget, "pinned"));
    if (outcome.action === "load_failed") this.deps.logger.warn("could not load the pinned model", { model: pinned, error: outcome.error });
  }

  private async makeRoomAndLoad(backend: BackendConfig, model: string, budget: number, reason: "request" | "pinned", signal?: AbortSignal): Promise<EnsureOutcome> {
    const table = this.table(backend.name);
    if (Date.now() - (this.reconciledAt.get(backend.name) ?? 0) > RECONCILE_MAX_AGE_MS) await this.reconcile(backend);
    const existing = table.get(model);
    if (existing) {
      existing.lastUse = ++this.useSequence;
      existing.lastUsedAt = Date.now();
      return { action: "resident" };
    }
    const needed = this.estimateBytes(model);
    const used = [...table.values()].reduce((sum, entry) => sum + entry.vramBytes, 0);
    const excess = used + needed - budget;
    const unloaded: string[] = [];
    if (excess > 0) {
      if (!this.deps.config.ROUTER_VRAM_AUTO_UNLOAD_ENABLED) {
        this.deps.logger.warn("model does not fit the VRAM budget and auto-unload is off", { model, neededGb: gb(needed), usedGb: gb(used), budgetGb: gb(budget) });
      } else {
        const residents = [...table.values()].map((entry) => ({ model: entry.model, vramBytes: entry.vramBytes, lastUse: entry.lastUse, pinned: entry.pinned || entry.model === this.pinnedModel }));
        const victims = chooseVictims(residents, excess, this.strategy);
        if (victims.length === 0) {
          this.deps.logger.warn("model cannot fit the VRAM budget even after unloading every other model; sending it anyway", { model, neededGb: gb(needed), budgetGb: gb(budget) });
          return { action: "cannot_fit", neededBytes: needed, budgetBytes: budget };
        }
        for (const victim of victims) {
          const result = await unloadModel(backend, victim);
          if (!result.ok) {
            this.deps.logger.warn("could not unload a model to make room", { model: victim, error: result.error });
            continue;
          }
          table.delete(victim);
          unloaded.push(victim);
          recordModelUnload(victim, this.strategy);
          this.record({ model: victim, backend: backend.name, kind: "unload", reason: this.strategy });
        }
        this.deps.logger.info("unloaded models to make room", { model, unloaded: unloaded.join(","), strategy: this.strategy });
      }
    }
    const started = performance.now();
    const keepAlive = reason === "pinned" ? -1 : this.deps.config.ROUTER_MODEL_KEEP_ALIVE;
    const timeoutMs = this.deps.config.ROUTER_GENERATION_TIMEOUT * 1000;
    const result = await loadModel(backend, model, keepAlive, timeoutMs, signal);
    if (!result.ok) {
      this.publishResidency();
      return { action: "load_failed", unloaded, error: result.error };
    }
    const seconds = (performance.now() - started) / 1000;
    recordModelLoad(model, reason, seconds);
    this.record({ model, backend: backend.name, kind: "load", reason, durationMs: Math.round(seconds * 1000) });
    await this.reconcile(backend, { model });
    this.publishResidency();
    return { action: "loaded", unloaded, seconds };
  }

  /** /api/ps is the truth: models that appeared are added, models that vanished are dropped. */
  private async reconcile(backend: BackendConfig, justLoaded?: { model: string }): Promise<void> {
    const result = await readLoadedModels(backend);
    if (!result.ok) {
      this.deps.logger.debug("could not read loaded models", { backend: backend.name, error: result.error });
      return;
    }
    const table = this.table(backend.name);
    const now = Date.now();
    const seen = new Set<string>();
    for (const loaded of result.models) {
      seen.add(loaded.name);
      const vramBytes = loaded.vramBytes ?? 0;
      if (vramBytes > 0) this.measured.set(loaded.name, vramBytes);
      const entry = table.get(loaded.name);
      if (entry) {
        Object.assign(entry, residency(loaded));
        continue;
      }
      const ours = justLoaded?.model === loaded.name;
      if (!ours && this.reconciledOnce) {
        recordModelLoad(loaded.name, "external");
        this.record({ model: loaded.name, backend: backend.name, kind: "load", reason: "external" });
      }
      table.set(loaded.name, {
        model: loaded.name,
        backend: backend.name,
        ...residency(loaded),
        loadedAt: now,
        lastUsedAt: now,
        lastUse: ++this.useSequence,
        source: ours ? "router" : "external",
        pinned: loaded.name === this.pinnedModel,
      });
    }
    for (const model of [...table.keys()]) {
      if (seen.has(model)) continue;
      table.delete(model);
      recordModelUnload(model, "expired");
      this.record({ model, backend: backend.name, kind: "unload", reason: "expired" });
    }
    this.reconciledAt.set(backend.name, now);
  }

  private estimateBytes(model: string): number {
    const measured = this.measured.get(model);
    if (measured) return measured;
    const profiled = this.deps.profiledVramGb?.(model);
    if (profiled && profiled > 0) return profiled * GIB;
    const file = this.deps.registry.find(model)?.sizeBytes;
    if (file && file > 0) return file * FILE_TO_VRAM;
    return this.deps.config.ROUTER_VRAM_DEFAULT_ESTIMATE_GB * GIB;
  }

  private publishResidency(): void {
    recordModelResidency(new Map(this.resident().map((entry) => [entry.model, entry.vramBytes])));
  }

  private manageable(): BackendConfig[] {
    return this.deps.registry.backends.filter((backend) => backend.kind === "ollama");
  }

  private table(backend: string): Map<string, Entry> {
    return this.tables.get(backend) ?? this.tables.set(backend, new Map()).get(backend)!;
  }

  /** One load/unload sequence per backend at a time: two requests must not both evict for themselves. */
  private withLock<T>(backend: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(backend) ?? Promise.resolve();
    const next = previous.then(task, task);
    this.locks.set(backend, next.catch(() => undefined));
    return next;
  }
}

function residency(loaded: LoadedModel): Pick<ResidentModel, "vramBytes" | "sizeBytes" | "expiresAt"> {
  return { vramBytes: loaded.vramBytes ?? 0, sizeBytes: loaded.sizeBytes, expiresAt: loaded.expiresAt };
}

const gb = (bytes: number) => Math.round((bytes / GIB) * 100) / 100;
