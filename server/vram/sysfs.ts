import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** A sysfs file's text, trimmed; undefined when it cannot be read. */
export async function readSysfsText(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, "utf8")).trim();
  } catch {
    return undefined;
  }
}

/**
 * The DRM cards of one PCI vendor (e.g. "0x1002" AMD, "0x8086" Intel) under `root`
 * (/sys/class/drm): each card's index and its device folder. An error string when `root` cannot be read.
 */
export async function drmCards(root: string, vendor: string): Promise<{ index: number; device: string }[] | string> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return `${root} is not readable`;
  }
  const cards: { index: number; device: string }[] = [];
  for (const entry of entries.filter((name) => /^card\d+$/.test(name))) {
    const device = join(root, entry, "device");
    if ((await readSysfsText(join(device, "vendor"))) === vendor) cards.push({ index: Number(entry.slice(4)), device });
  }
  return cards;
}
