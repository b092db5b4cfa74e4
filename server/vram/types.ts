// What the samplers report. Bytes everywhere; GB only at the edges (gauges with _gb names, JSON).

export const GPU_VENDORS = ["nvidia", "amd", "intel", "apple"] as const;
export type GpuVendor = (typeof GPU_VENDORS)[number];

/** Which memory the GPU computes from: its own VRAM, an APU's GTT pool, or Apple's unified memory. */
export type MemoryPool = "vram" | "gtt" | "unified";

export type GpuSample = {
  /** The tool's own index (nvidia-smi index, cardN, xpu-smi device id). */
  index: number;
  vendor: GpuVendor;
  name: string;
  pool: MemoryPool;
  totalBytes: number;
  /** Undefined when the platform cannot tell (Apple): the monitor fills it from resident models. */
  usedBytes?: number;
  /** As the tool reports it (NVIDIA keeps some memory reserved); else total − used. */
  freeBytes?: number;
  utilizationPct?: number;
};

/** A sampler either read its GPUs or says why not; it never throws. */
export type SamplerOutcome = { ok: true; gpus: GpuSample[] } | { ok: false; reason: string };

export type Sampler = { vendor: GpuVendor; sample: () => Promise<SamplerOutcome> };

export const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;
