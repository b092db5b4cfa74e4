// Measures the prompt classifier on a labelled JSONL file ({id, source, prompt, label} per line).
// Usage: npx tsx scripts/eval-routing.ts [file.jsonl] [--errors]
// Default file: ../shared/eval/routing-dev.jsonl relative to the repository root.

import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { analyzePrompt } from "../server/routing/analyze";
import { TASK_CATEGORIES, type TaskCategory } from "../server/routing/categories";

type Row = { id: string; source: string; prompt: string; label: string };

const TIMING_RUNS = 3;

const MERGED_GROUPS: Record<TaskCategory, string> = {
  math: "math+reasoning",
  reasoning: "math+reasoning",
  extraction: "extraction+factual+general",
  factual: "extraction+factual+general",
  general: "extraction+factual+general",
  coding: "coding",
  creative: "creative",
};

function main() {
  const args = process.argv.slice(2);
  const showErrors = args.includes("--errors");
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const file = path.resolve(args.find((arg) => !arg.startsWith("--")) ?? path.join(repoRoot, "..", "shared", "eval", "routing-dev.jsonl"));
  if (!fs.existsSync(file)) {
    console.error(`Evaluation file not found: ${file}\nPass a JSONL file of {id, source, prompt, label} lines.`);
    process.exit(2);
  }
  const rows = readRows(file);
  if (rows.length === 0) {
    console.error(`No usable rows in ${file}.`);
    process.exit(2);
  }

  for (const row of rows) analyzePrompt(requestFor(row.prompt)); // warm the JIT: a server analyses many prompts
  const predictions: TaskCategory[] = [];
  const timesMs: number[] = [];
  for (const row of rows) {
    const request = requestFor(row.prompt);
    predictions.push(analyzePrompt(request).category);
    // Best of three runs: the figure is the analysis cost, not a GC pause or a busy neighbour.
    let best = Infinity;
    for (let run = 0; run < TIMING_RUNS; run++) {
      const started = performance.now();
      analyzePrompt(request);
      best = Math.min(best, performance.now() - started);
    }
    timesMs.push(best);
  }

  const labels = [...new Set([...TASK_CATEGORIES, ...rows.map((row) => row.label)])];
  let exact = 0;
  let merged = 0;
  rows.forEach((row, index) => {
    const predicted = predictions[index] as TaskCategory;
    if (predicted === row.label) exact++;
    if (MERGED_GROUPS[predicted] === MERGED_GROUPS[row.label as TaskCategory]) merged++;
  });

  console.log(`file: ${file}`);
  console.log(`N = ${rows.length}`);
  console.log(`accuracy (7 labels):    ${percent(exact, rows.length)}`);
  console.log(`accuracy (merged):      ${percent(merged, rows.length)}   groups {math+reasoning} {extraction+factual+general} {coding} {creative}`);
  console.log("");
  console.log(`${"label".padEnd(12)} ${"support".padStart(7)} ${"predicted".padStart(9)} ${"precision".padStart(9)} ${"recall".padStart(7)} ${"accuracy".padStart(8)}`);
  for (const label of labels) {
    const support = rows.filter((row) => row.label === label).length;
    const predicted = predictions.filter((prediction) => prediction === label).length;
    const truePositive = rows.filter((row, index) => row.label === label && predictions[index] === label).length;
    const trueNegative = rows.filter((row, index) => row.label !== label && predictions[index] !== label).length;
    console.log(
      `${label.padEnd(12)} ${String(support).padStart(7)} ${String(predicted).padStart(9)} ${ratio(truePositive, predicted).padStart(9)} ${ratio(truePositive, support).padStart(7)} ${ratio(truePositive + trueNegative, rows.length).padStart(8)}`,
    );
  }

  console.log("\nconfusion matrix (rows: label, columns: predicted)");
  const width = 11;
  console.log(`${"".padEnd(12)}${labels.map((label) => label.slice(0, width - 1).padStart(width)).join("")}`);
  for (const label of labels) {
    const cells = labels.map((predicted) => rows.filter((row, index) => row.label === label && predictions[index] === predicted).length);
    if (cells.every((cell) => cell === 0)) continue;
    console.log(`${label.padEnd(12)}${cells.map((cell) => String(cell).padStart(width)).join("")}`);
  }

  const sorted = [...timesMs].sort((a, b) => a - b);
  console.log(`\nanalysis time per prompt (best of ${TIMING_RUNS}): p50 ${quantile(sorted, 0.5).toFixed(3)} ms, p99 ${quantile(sorted, 0.99).toFixed(3)} ms, max ${sorted[sorted.length - 1]?.toFixed(3)} ms`);

  if (showErrors) {
    console.log("\nmisclassified:");
    rows.forEach((row, index) => {
      if (predictions[index] !== row.label) console.log(`${row.id}\t${row.label} → ${predictions[index]}\t${row.prompt.slice(0, 110).replace(/\s+/g, " ")}`);
    });
  }
}

function readRows(file: string): Row[] {
  const rows: Row[] = [];
  fs.readFileSync(file, "utf8")
    .split(/\r?\n/)
    .forEach((line, index) => {
      if (!line.trim()) return;
      try {
        const value: unknown = JSON.parse(line);
        if (isRow(value)) rows.push(value);
        else console.warn(`line ${index + 1}: missing prompt or label, skipped`);
      } catch {
        console.warn(`line ${index + 1}: not JSON, skipped`);
      }
    });
  return rows;
}

function isRow(value: unknown): value is Row {
  if (typeof value !== "object" || value === null) return false;
  const row = value as Record<string, unknown>;
  if (typeof row.prompt !== "string" || typeof row.label !== "string") return false;
  row.id = typeof row.id === "string" ? row.id : String(row.id ?? "");
  row.source = typeof row.source === "string" ? row.source : "";
  return true;
}

function requestFor(prompt: string) {
  return { messages: [{ role: "user" as const, content: prompt }], hasTools: false };
}

function percent(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(1)}% (${part}/${whole})`;
}

function ratio(part: number, whole: number): string {
  return whole === 0 ? "-" : (part / whole).toFixed(2);
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

main();
