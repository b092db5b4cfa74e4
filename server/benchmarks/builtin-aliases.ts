import { parseModelName } from "./name-match";

// Names that no rule can connect: Ollama's `deepseek-r1:14b` is DeepSeek's Qwen-14B distillation.
// Operator aliases (the benchmark_aliases table) replace these.

const R1_DISTILLS: Record<string, string> = {
  "1.5": "Qwen-1.5B",
  "7": "Qwen-7B",
  "8": "Llama-8B",
  "14": "Qwen-14B",
  "32": "Qwen-32B",
  "70": "Llama-70B",
};

export function builtinAliases(modelName: string): string[] | undefined {
  const parsed = parseModelName(modelName);
  if (parsed.family === "deepseek" && parsed.specialties.join() === "r1" && parsed.extras.length === 0 && parsed.sizeB !== undefined) {
    const distill = R1_DISTILLS[String(parsed.sizeB)];
    if (distill) return [`deepseek-ai/DeepSeek-R1-Distill-${distill}`, `DeepSeek R1 Distill ${distill.replace("-", " ")}`];
  }
  return undefined;
}
