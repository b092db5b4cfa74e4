import { amdSampler } from "./amd";
import { appleSampler } from "./apple";
import { intelSampler } from "./intel";
import { nvidiaSampler } from "./nvidia";
import type { ToolRunner } from "./run-tool";
import type { GpuVendor, Sampler, SamplerOutcome } from "./types";

export type SamplerChoice = GpuVendor | "auto" | "none";

export type SamplerDeps = {
  run: ToolRunner;
  sysfsRoot?: string;
  platform: NodeJS.Platform;
  arch: string;
  amdUnifiedMemoryGb?: number;
  appleUnifiedMemoryGb?: number;
};

function buildSampler(vendor: GpuVendor, deps: SamplerDeps): Sampler {
  switch (vendor) {
    case "nvidia":
      return nvidiaSampler(deps.run);
    case "amd":
      return amdSampler({ run: deps.run, sysfsRoot: deps.sysfsRoot, unifiedMemoryGb: deps.amdUnifiedMemoryGb });
    case "intel":
      return intelSampler({ run: deps.run, sysfsRoot: deps.sysfsRoot });
    case "apple":
      return appleSampler({ run: deps.run, unifiedMemoryGb: deps.appleUnifiedMemoryGb });
  }
}

export type Detection = { samplers: Sampler[]; first: Map<GpuVendor, SamplerOutcome>; notes: string[] };

/**
 * "auto" keeps every vendor whose tool (or sysfs) answers now, probed NVIDIA → AMD → Intel →
 * Apple (Apple only on macOS/arm64). A named vendor is kept even when it fails, so its
 * "unavailable" state shows in /admin/vram instead of silently sampling nothing.
 */
export async function detectSamplers(choice: SamplerChoice, deps: SamplerDeps): Promise<Detection> {
  if (choice === "none") return { samplers: [], first: new Map(), notes: ["GPU sampling is off (ROUTER_VRAM_SAMPLER=none)"] };
  const vendors: GpuVendor[] =
    choice !== "auto" ? [choice] : ["nvidia", "amd", "intel", ...(deps.platform === "darwin" && deps.arch === "arm64" ? (["apple"] as const) : [])];
  const first = new Map<GpuVendor, SamplerOutcome>();
  const samplers: Sampler[] = [];
  const notes: string[] = [];
  for (const vendor of vendors) {
    const sampler = buildSampler(vendor, deps);
    const outcome = await sampler.sample();
    first.set(vendor, outcome);
    if (outcome.ok || choice !== "auto") samplers.push(sampler);
    if (!outcome.ok) notes.push(`${vendor}: ${outcome.reason}`);
  }
  return { samplers, first, notes };
}
