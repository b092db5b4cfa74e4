import type { BackendConfig } from "../config/backends";
import { describeFetchError } from "./http";
import { backendModelName, postJson } from "./request";

// Loading and unloading models on purpose (the VRAM manager's hands). Only Ollama can be told:
// an empty /api/generate loads a model, the same with keep_alive 0 unloads it.

export type ControlResult = { ok: true } | { ok: false; error: string; unsupported?: boolean };

export function canControlModels(backend: BackendConfig): boolean {
  return backend.kind === "ollama";
}

/** Loads `model` and keeps it for `keepAlive` (Ollama's own syntax: -1, "5m", seconds). */
export function loadModel(backend: BackendConfig, model: string, keepAlive: string | number, timeoutMs: number, signal?: AbortSignal): Promise<ControlResult> {
  return generateEmpty(backend, model, keepAlive, timeoutMs, signal);
}

export function unloadModel(backend: BackendConfig, model: string, timeoutMs = 30_000): Promise<ControlResult> {
  return generateEmpty(backend, model, 0, timeoutMs);
}

async function generateEmpty(backend: BackendConfig, model: string, keepAlive: string | number, timeoutMs: number, callerSignal?: AbortSignal): Promise<ControlResult> {
  if (!canControlModels(backend)) return { ok: false, error: `${backend.kind} backends cannot load or unload models`, unsupported: true };
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
  try {
    const response = await postJson(backend, "/api/generate", { model: backendModelName(backend, model), keep_alive: keepAlive, stream: false }, signal);
    if (!response.ok) return { ok: false, error: response.error.message };
    await response.value.arrayBuffer();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: describeFetchError(error, timeoutMs) };
  }
}
