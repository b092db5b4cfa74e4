// Summarises a V8 .cpuprofile: top self-time functions and self time grouped by package/area.
// Usage: npx tsx scripts/bench/profile-summary.ts <file>.cpuprofile [top=25] [lastSeconds]
// lastSeconds keeps only the final seconds of the profile (the load window, not startup).
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Coarse owner of a frame, so "Next's pipeline vs our handler vs JSON" can be read at a glance. */
function area(url: string, name: string): string {
  if (url === "") return name.startsWith("(") ? name : "(native/builtin)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  // Turbopack names chunks after their first module: node_modules_<pkg>_… is a bundled dependency.
  const chunk = /\.next\/server\/chunks\/(?:ssr\/)?([^/]+)$/.exec(url);
  if (chunk) {
    const bundled = /^node_modules_(@[^_]+_[^_.]+|[^_.]+)/.exec(chunk[1]);
    if (bundled) return `bundled ${bundled[1].replace("_", "/")}`;
    if (chunk[1].startsWith("server_") || chunk[1].startsWith("app_")) return "our code (server/, app/)";
    if (chunk[1].startsWith("[turbopack]")) return "turbopack runtime";
    return "other app chunks (mixed)";
  }
  if (url.includes(".next/server/")) return "app bundle (.next/server)";
  if (url.startsWith("node:")) return "node core";
  return url.replace(/^file:\/\/.*?\/(?=[^/]+\/[^/]+$)/, "");
}

const [file, topArg, lastArg] = process.argv.slice(2);
if (!file) throw new Error("usage: profile-summary.ts <file.cpuprofile> [top]");
const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<number, number>();
const from = lastArg === undefined ? Number.NEGATIVE_INFINITY : profile.endTime - Number(lastArg) * 1e6;
let clock = profile.startTime;
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  clock += delta;
  if (clock >= from) self.set(id, (self.get(id) ?? 0) + delta);
});
const total = [...self.values()].reduce((sum, value) => sum + value, 0);

const fns = new Map<string, number>();
const areas = new Map<string, number>();
for (const [id, micros] of self) {
  const node = byId.get(id);
  if (!node) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const key = `${functionName || "(anonymous)"}  ${url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/\.next\//, ".next/")}:${lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + micros);
  const owner = area(url, functionName);
  areas.set(owner, (areas.get(owner) ?? 0) + micros);
}
const pct = (micros: number): string => `${((micros / total) * 100).toFixed(1).padStart(5)}%`;
console.log(`total sampled ${(total / 1e6).toFixed(2)} s\n\nself time by area:`);
for (const [name, micros] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${pct(micros)}  ${name}`);
console.log("\ntop self-time functions:");
for (const [name, micros] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25))) console.log(`${pct(micros)}  ${name}`);
