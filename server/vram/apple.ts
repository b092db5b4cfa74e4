import type { ToolRunner } from "./run-tool";
import { GIB, type Sampler, type SamplerOutcome } from "./types";

// Apple silicon: one unified memory. macOS lets the GPU wire about 75% of it by default, so that is
// the total unless ROUTER_APPLE_UNIFIED_MEMORY_GB says how much the GPU may use. The OS does not
// say how much the GPU holds: used is left to the monitor (the sum of resident models).

export const APPLE_GPU_SHARE = 0.75;

export function parseSysctlMemsize(stdout: string): number | undefined {
  const text = stdout.trim();
  return /^\d+$/.test(text) && Number(text) > 0 ? Number(text) : undefined;
}

export function appleSampler(options: { run: ToolRunner; unifiedMemoryGb?: number }): Sampler {
  return {
    vendor: "apple",
    sample: async (): Promise<SamplerOutcome> => {
      const chip = await options.run("sysctl", ["-n", "machdep.cpu.brand_string"]);
      const name = chip.ok && chip.stdout.trim() ? chip.stdout.trim() : "Apple silicon";
      if (options.unifiedMemoryGb !== undefined) {
        return { ok: true, gpus: [{ index: 0, vendor: "apple", name, pool: "unified", totalBytes: options.unifiedMemoryGb * GIB }] };
      }
      const memsize = await options.run("sysctl", ["-n", "hw.memsize"]);
      if (!memsize.ok) return { ok: false, reason: memsize.error };
      const bytes = parseSysctlMemsize(memsize.stdout);
      if (bytes === undefined) return { ok: false, reason: "sysctl hw.memsize printed no number" };
      return { ok: true, gpus: [{ index: 0, vendor: "apple", name, pool: "unified", totalBytes: Math.round(bytes * APPLE_GPU_SHARE) }] };
    },
  };
}
