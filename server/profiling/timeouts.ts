import type { Config } from "../config/settings";

// Profiling timeouts that follow the model: loading is bounded by how long its weights take to read
// from disk, and each prompt by the speed measured on the prompts before it.

export type TimeoutSettings = Pick<
  Config,
  | "ROUTER_PROFILE_TIMEOUT"
  | "ROUTER_PROFILE_WARMUP_DISK_SPEED_MBPS"
  | "ROUTER_PROFILE_WARMUP_MAX_TIMEOUT"
  | "ROUTER_PROFILE_ADAPTIVE_TIMEOUT_MIN"
  | "ROUTER_PROFILE_ADAPTIVE_TIMEOUT_MAX"
  | "ROUTER_PROFILE_ADAPTIVE_SAFETY_FACTOR"
>;

export type MeasuredSpeed = { timeToFirstTokenMs: number; tokensPerSecond: number };

// A Q4 model needs about 0.6 GB per billion parameters when the backend does not report its size.
const BYTES_PER_PARAMETER_Q4 = 0.6;

/** Warm-up (load) timeout: the base prompt timeout plus reading the weights at the assumed disk speed, with the safety factor. */
export function loadTimeoutMs(model: { sizeBytes?: number; parameterCountB?: number }, settings: TimeoutSettings): number {
  const bytes = model.sizeBytes ?? (model.parameterCountB ?? 0) * 1e9 * BYTES_PER_PARAMETER_Q4;
  const readSeconds = bytes / 1e6 / settings.ROUTER_PROFILE_WARMUP_DISK_SPEED_MBPS;
  const seconds = settings.ROUTER_PROFILE_TIMEOUT + readSeconds * settings.ROUTER_PROFILE_ADAPTIVE_SAFETY_FACTOR;
  return Math.round(Math.min(settings.ROUTER_PROFILE_WARMUP_MAX_TIMEOUT, seconds) * 1000);
}

/**
 * Per-prompt timeout: before anything is measured, ROUTER_PROFILE_TIMEOUT; after, the time the
 * measured speed needs for `maxTokens` times the safety factor, within the adaptive bounds.
 */
export function promptTimeoutMs(measured: MeasuredSpeed | undefined, maxTokens: number, settings: TimeoutSettings): number {
  if (!measured || measured.tokensPerSecond <= 0) return Math.round(settings.ROUTER_PROFILE_TIMEOUT * 1000);
  const expectedSeconds = measured.timeToFirstTokenMs / 1000 + maxTokens / measured.tokensPerSecond;
  const seconds = Math.min(settings.ROUTER_PROFILE_ADAPTIVE_TIMEOUT_MAX, Math.max(settings.ROUTER_PROFILE_ADAPTIVE_TIMEOUT_MIN, expectedSeconds * settings.ROUTER_PROFILE_ADAPTIVE_SAFETY_FACTOR));
  return Math.round(seconds * 1000);
}
