import type { ModelSpec } from "./config";
import { timer } from "./timing";

export interface LoadedModel {
  spec: ModelSpec;
  loadedAt: number;
  expiresAt: number; // Infinity = kept forever
  lastUsedAt: number;
  inUse: number;
}

/** Which models sit in (simulated) VRAM, with Ollama's keep-alive expiry and LRU eviction. */
export class FleetState {
  private readonly loaded = new Map<string, LoadedModel>();
  private readonly loading = new Map<string, Promise<void>>();

  constructor(
    private readonly now: () => number,
    private readonly timeScale: number,
    private readonly gpuVramGb: number | undefined,
  ) {}

  list(): LoadedModel[] {
    this.expire();
    return [...this.loaded.values()];
  }

  /**
   * Marks the model busy, loading it first when cold. Resolves to the nominal load time in ms
   * (what Ollama reports as load_duration). The model's own load time is scaled by timeScale;
   * `extraLoadMs` comes from a slow-load fault and is real time, so it still bites at timeScale 0.
   */
  async acquire(spec: ModelSpec, extraLoadMs: number, waitFor: (p: Promise<void>) => Promise<void>): Promise<number> {
    this.expire();
    let loadMs = extraLoadMs;
    if (!this.loaded.has(spec.name)) {
      let pending = this.loading.get(spec.name);
      if (!pending) {
        loadMs += spec.loadMs;
        this.makeRoom(spec);
        pending = timer(spec.loadMs * this.timeScale).then(() => {
          this.loading.delete(spec.name);
          const now = this.now();
          this.loaded.set(spec.name, { spec, loadedAt: now, expiresAt: Infinity, lastUsedAt: now, inUse: 0 });
        });
        this.loading.set(spec.name, pending);
      }
      await waitFor(pending);
    }
    if (extraLoadMs > 0) await waitFor(timer(extraLoadMs));
    const entry = this.loaded.get(spec.name);
    if (entry) {
      entry.inUse++;
      entry.lastUsedAt = this.now();
    }
    return loadMs;
  }

  /** Ends a request: the keep-alive clock starts now, as in Ollama. */
  release(name: string, keepAliveMs: number): void {
    const entry = this.loaded.get(name);
    if (!entry) return;
    entry.inUse = Math.max(0, entry.inUse - 1);
    entry.lastUsedAt = this.now();
    entry.expiresAt = this.now() + keepAliveMs;
    this.expire();
  }

  unload(name: string): void {
    this.loaded.delete(name);
  }

  clear(): void {
    this.loaded.clear();
  }

  private expire(): void {
    const now = this.now();
    for (const [name, entry] of this.loaded) {
      if (entry.inUse === 0 && entry.expiresAt <= now) this.loaded.delete(name);
    }
  }

  private makeRoom(spec: ModelSpec): void {
    if (this.gpuVramGb === undefined) return;
    const used = (): number => [...this.loaded.values()].reduce((sum, m) => sum + m.spec.vramGb, 0);
    const idle = [...this.loaded.values()].filter((m) => m.inUse === 0).sort((a, b) => a.lastUsedAt - b.lastUsedAt);
    while (used() + spec.vramGb > this.gpuVramGb && idle.length > 0) {
      const victim = idle.shift();
      if (victim) this.loaded.delete(victim.spec.name);
    }
  }
}
