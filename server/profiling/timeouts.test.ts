import { describe, expect, it } from "vitest";
import { loadTimeoutMs, promptTimeoutMs, type TimeoutSettings } from "./timeouts";

const settings: TimeoutSettings = {
  ROUTER_PROFILE_TIMEOUT: 90,
  ROUTER_PROFILE_WARMUP_DISK_SPEED_MBPS: 50,
  ROUTER_PROFILE_WARMUP_MAX_TIMEOUT: 1800,
  ROUTER_PROFILE_ADAPTIVE_TIMEOUT_MIN: 30,
  ROUTER_PROFILE_ADAPTIVE_TIMEOUT_MAX: 1800,
  ROUTER_PROFILE_ADAPTIVE_SAFETY_FACTOR: 2,
};

describe("load timeout", () => {
  it.each([
    ["a 5 GB model at 50 MB/s: 90 s + 100 s × 2", { sizeBytes: 5e9 }, 290_000],
    ["a size from the parameter count (8B ≈ 4.8 GB)", { parameterCountB: 8 }, 282_000],
    ["an unknown size: the base only", {}, 90_000],
    ["a 200 GB model: capped by the warm-up maximum", { sizeBytes: 200e9 }, 1_800_000],
  ])("%s", (_name, model, expected) => expect(loadTimeoutMs(model, settings)).toBe(expected));
});

describe("prompt timeout", () => {
  it.each([
    ["nothing measured yet: the base timeout", undefined, 500, 90_000],
    ["fast model: the adaptive minimum", { timeToFirstTokenMs: 100, tokensPerSecond: 100 }, 500, 30_000],
    ["slow model: (1 s + 500 / 5 tok/s) × 2", { timeToFirstTokenMs: 1000, tokensPerSecond: 5 }, 500, 202_000],
    ["very slow model: the adaptive maximum", { timeToFirstTokenMs: 1000, tokensPerSecond: 0.1 }, 500, 1_800_000],
    ["a zero speed counts as unmeasured", { timeToFirstTokenMs: 0, tokensPerSecond: 0 }, 500, 90_000],
  ])("%s", (_name, measured, maxTokens, expected) => expect(promptTimeoutMs(measured, maxTokens, settings)).toBe(expected));
});
