// Which resident models to unload so that `excessBytes` more fit. Pure, so both strategies are
// table-tested. The original sorted largest-first for both settings ("lru" was never implemented).

export type UnloadStrategy = "lru" | "largest";

export type ResidentForUnload = {
  model: string;
  vramBytes: number;
  /** Larger = used more recently (a sequence, so two uses in one millisecond still order). */
  lastUse: number;
  pinned: boolean;
};

/**
 * The models to unload, in order: least recently used first (lru) or biggest first (largest),
 * never a pinned one. Empty when nothing needs to go, and also when even unloading every candidate
 * would not make room: then evicting would only hurt (Ollama can still run the model partly on CPU).
 */
export function chooseVictims(residents: readonly ResidentForUnload[], excessBytes: number, strategy: UnloadStrategy): string[] {
  if (excessBytes <= 0) return [];
  const candidates = residents.filter((resident) => !resident.pinned);
  const order =
    strategy === "lru"
      ? (a: ResidentForUnload, b: ResidentForUnload) => a.lastUse - b.lastUse || b.vramBytes - a.vramBytes
      : (a: ResidentForUnload, b: ResidentForUnload) => b.vramBytes - a.vramBytes || a.lastUse - b.lastUse;
  const victims: string[] = [];
  let freed = 0;
  for (const resident of [...candidates].sort(order)) {
    if (freed >= excessBytes) break;
    victims.push(resident.model);
    freed += resident.vramBytes;
  }
  return freed >= excessBytes ? victims : [];
}
