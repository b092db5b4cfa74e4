import { describe, expect, it } from "vitest";
import { vramWarnings } from "./report";

const config = { ROUTER_VRAM_AUTO_UNLOAD_ENABLED: true, ROUTER_VRAM_UNLOAD_THRESHOLD_PCT: 85 };

describe("vramWarnings", () => {
  it.each([
    [undefined, []],
    [74.9, []],
    [75, ["NOTICE: VRAM > 75% - monitor usage"]],
    [85, ["WARNING: VRAM > 85% - consider unloading models", "Auto-unload threshold (85.0%) reached or exceeded"]],
    [96, ["CRITICAL: VRAM > 95% - immediate unload recommended", "Auto-unload threshold (85.0%) reached or exceeded"]],
  ])("at %s%%", (pct, expected) => {
    expect(vramWarnings(pct, config)).toEqual(expected);
  });

  it("names the configured threshold, and only with auto-unload on", () => {
    expect(vramWarnings(80, { ...config, ROUTER_VRAM_UNLOAD_THRESHOLD_PCT: 70 })).toEqual(["NOTICE: VRAM > 75% - monitor usage", "Auto-unload threshold (70.0%) reached or exceeded"]);
    expect(vramWarnings(80, { ROUTER_VRAM_AUTO_UNLOAD_ENABLED: false, ROUTER_VRAM_UNLOAD_THRESHOLD_PCT: 70 })).toEqual(["NOTICE: VRAM > 75% - monitor usage"]);
  });
});
