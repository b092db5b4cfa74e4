import type { BackendConfig } from "../config/backends";
import type { Logger } from "../observability/logger";
import { setBackendState } from "../observability/metrics";
import { createAdapter } from "./adapters";
import { discoverModels, type DiscoveredModel } from "./discovery";
import { fetchModelDetails, parseParameterSize, sizeFromName, type Capability } from "./model-info";
import type { BackendAdapter } from "./types";

export type RegisteredModel = {
  name: string;
  backend: string;
  family?: string;
  quantization?: string;
  sizeBytes?: number;
  /** As the backend reports it ("8.0B"); undefined for OpenAI-compatible servers. */
  parameterSize?: string;
  parameterCountB?: number;
  /** Undefined when the backend cannot tell (OpenAI-compatible servers). */
  capabilities?: Capability[];
  contextLength?: number;
  /** False while the model's backend fails discovery; kept so an explicit request gets a clear error. */
  reachable: boolean;
};

type BackendState = { models: RegisteredModel[]; reachable: boolean; error?: string; refreshedAt?: number };

/**
 * The models every backend serves, refreshed at start and every polling interval, so models that
 * appear or vanish reach /v1/models and routing without a restart.
 */
export class ModelRegistry {
  private readonly states = new Map<string, BackendState>();
  private readonly adapters = new Map<string, BackendAdapter>();
  private inFlight?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private lastRefresh = 0;
  /** models() and its index by name, rebuilt after a backend's state changes (read on every request). */
  private merged?: { all: readonly RegisteredModel[]; byName: Map<string, RegisteredModel> };

  constructor(
    readonly backends: BackendConfig[],
    private readonly logger: Logger,
  ) {
    for (const backend of backends) {
      this.setState(backend.name, { models: [], reachable: false });
      this.adapters.set(backend.name, createAdapter(backend));
    }
  }

  start(intervalMs: number): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Re-discovers every backend; concurrent callers share one refresh. */
  refresh(): Promise<void> {
    this.inFlight ??= Promise.all(this.backends.map((backend) => this.refreshBackend(backend))).then(() => {
      this.lastRefresh = Date.now();
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Refreshes when the list is older than maxAgeMs (or was never loaded). */
  async ensureFresh(maxAgeMs: number): Promise<void> {
    if (Date.now() - this.lastRefresh > maxAgeMs) await this.refresh();
  }

  /**
   * A model by name. An unknown name refreshes the list first when it is older than maxAgeMs, or at
   * once when a backend's last discovery failed: a model that was just pulled, or one on a backend
   * that missed a poll, is found instead of answered 404 until the next poll.
   */
  async findFresh(name: string, maxAgeMs: number): Promise<RegisteredModel | undefined> {
    const known = this.find(name);
    if (known) return known;
    const missedPoll = [...this.states.values()].some((state) => !state.reachable);
    await this.ensureFresh(missedPoll ? -1 : maxAgeMs);
    return this.find(name);
  }

  /**
   * Every known model, first backend first. A name served by two backends appears once: the first
   * backend's, unless that one is unreachable and a later one is not (its copy serves meanwhile).
   */
  models(): readonly RegisteredModel[] {
    return this.index().all;
  }

  find(name: string): RegisteredModel | undefined {
    return this.index().byName.get(name);
  }

  private index(): { all: readonly RegisteredModel[]; byName: Map<string, RegisteredModel> } {
    if (this.merged) return this.merged;
    const byName = new Map<string, RegisteredModel>();
    for (const backend of this.backends) {
      for (const model of this.states.get(backend.name)?.models ?? []) {
        const seen = byName.get(model.name);
        if (!seen || (!seen.reachable && model.reachable)) byName.set(model.name, model);
      }
    }
    this.merged = { all: [...byName.values()], byName };
    return this.merged;
  }

  private setState(backendName: string, state: BackendState): void {
    this.states.set(backendName, state);
    this.merged = undefined;
  }

  /** Backends whose last discovery failed, with why (no URLs: clients may read this). */
  unreachable(): { name: string; error?: string }[] {
    return this.backends.flatMap((backend) => {
      const state = this.states.get(backend.name);
      return state && !state.reachable ? [{ name: backend.name, error: state.error }] : [];
    });
  }

  adapter(backendName: string): BackendAdapter {
    const adapter = this.adapters.get(backendName);
    if (!adapter) throw new Error(`unknown backend ${backendName}`);
    return adapter;
  }

  private async refreshBackend(backend: BackendConfig): Promise<void> {
    const previous = this.states.get(backend.name) ?? { models: [], reachable: false };
    const result = await discoverModels(backend);
    if (!result.ok) {
      if (previous.reachable) this.logger.warn("backend unreachable", { backend: backend.name, error: result.error });
      this.setState(backend.name, { ...previous, reachable: false, error: result.error, models: previous.models.map((model) => ({ ...model, reachable: false })) });
      setBackendState(backend.name, false, 0);
      return;
    }
    const known = new Map(previous.models.map((model) => [model.name, model]));
    const models = await Promise.all(result.models.map((model) => this.describe(backend, model, known.get(model.name))));
    const added = models.filter((model) => !known.has(model.name)).map((model) => model.name);
    const removed = previous.models.filter((model) => !models.some((m) => m.name === model.name)).map((model) => model.name);
    if (added.length || removed.length) this.logger.info("models changed", { backend: backend.name, added, removed });
    if (!previous.reachable && previous.refreshedAt) this.logger.info("backend reachable again", { backend: backend.name });
    this.setState(backend.name, { models, reachable: true, refreshedAt: Date.now() });
    setBackendState(backend.name, true, models.length);
  }

  private async describe(backend: BackendConfig, model: DiscoveredModel, known?: RegisteredModel): Promise<RegisteredModel> {
    // /api/show is asked once per model; sizes and capabilities do not change under a tag.
    const details = known?.capabilities !== undefined ? known : await fetchModelDetails(backend, model.name);
    return {
      name: model.name,
      backend: backend.name,
      family: model.family,
      quantization: model.quantization,
      sizeBytes: model.sizeBytes,
      parameterSize: model.parameterSize,
      parameterCountB: parseParameterSize(model.parameterSize) ?? sizeFromName(model.name),
      capabilities: details.capabilities,
      contextLength: details.contextLength,
      reachable: true,
    };
  }
}
