import type { ToolRunner } from "./run-tool";
import { MIB, type GpuSample, type Sampler, type SamplerOutcome } from "./types";

export const NVIDIA_SMI_ARGS = ["--query-gpu=index,name,memory.total,memory.used,memory.free,utilization.gpu", "--format=csv,noheader,nounits"] as const;

/**
 * `nvidia-smi --query-gpu=index,name,memory.total,memory.used,memory.free,utilization.gpu
 * --format=csv,noheader,nounits`: one GPU a line, memory in MiB. A field the card does not support
 * reads "[N/A]" or "[Not Supported]". The name is everything between the index and the last four
 * fields, in case it contains a comma.
 */
export function parseNvidiaSmi(stdout: string): SamplerOutcome {
  const lines = stdout.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  if (lines.length === 0) return { ok: false, reason: "nvidia-smi printed no GPUs" };
  const gpus: GpuSample[] = [];
  for (const line of lines) {
    const fields = line.split(",").map((field) => field.trim());
    if (fields.length < 6) return { ok: false, reason: `unexpected nvidia-smi output: ${line.slice(0, 80)}` };
    const [indexText, ...rest] = fields;
    const [totalText, usedText, freeText, utilText] = rest.slice(-4);
    const index = Number(indexText);
    const total = number(totalText);
    const used = number(usedText);
    if (!Number.isInteger(index) || index < 0 || total === undefined || total <= 0 || used === undefined) {
      return { ok: false, reason: `unexpected nvidia-smi output: ${line.slice(0, 80)}` };
    }
    const free = number(freeText);
    gpus.push({
      index,
      vendor: "nvidia",
      name: rest.slice(0, -4).join(",") || "NVIDIA GPU",
      pool: "vram",
      totalBytes: total * MIB,
      usedBytes: used * MIB,
      ...(free !== undefined ? { freeBytes: free * MIB } : {}),
      utilizationPct: number(utilText),
    });
  }
  return { ok: true, gpus };
}

export function nvidiaSampler(run: ToolRunner): Sampler {
  return {
    vendor: "nvidia",
    sample: async () => {
      const result = await run("nvidia-smi", NVIDIA_SMI_ARGS);
      return result.ok ? parseNvidiaSmi(result.stdout) : { ok: false, reason: result.error };
    },
  };
}

/** "[N/A]", "[Not Supported]" and other garbage → undefined. */
function number(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}
