import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// The layering rules of DESIGN.md §3 must fail the lint, not just be written down.
const eslint = new ESLint();

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((message) => message.severity === 2).map((message) => message.ruleId ?? "");
}

describe("dependency rules", () => {
  it.each([
    ["server/routing/score.ts", 'import { db } from "@/server/db";\nexport const x = db;\n', "no-restricted-imports"],
    ["server/routing/score.ts", "export const f = () => fetch('http://x');\n", "no-restricted-globals"],
    ["server/routing/score.ts", "export const p = process.env.ROUTER_PORT;\n", "no-restricted-properties"],
    ["app/health/route.ts", 'import { getDatabase } from "@/server/db";\nexport const g = getDatabase;\n', "no-restricted-imports"],
    ["server/gateway/handler.ts", "export const p = process.env.X;\n", "no-restricted-properties"],
    ["server/profiling/judge.ts", "export const f = () => fetch('http://judge');\n", "no-restricted-globals"],
    ["server/gateway/handler.ts", 'import { Counter } from "prom-client";\nexport const c = Counter;\n', "no-restricted-imports"],
    ["server/runtime.ts", 'import { NodeSDK } from "@opentelemetry/sdk-node";\nexport const s = NodeSDK;\n', "no-restricted-imports"],
  ])("%s: %s is rejected", async (file, code, rule) => {
    expect(await ruleIds(file, code)).toContain(rule);
  });

  it.each([
    ["server/config/env.ts", "export const p = process.env.ROUTER_PORT;\n"],
    ["server/backends/ollama.ts", "export const f = () => fetch('http://x');\n"],
    ["server/observability/metrics.ts", 'import { Counter } from "prom-client";\nexport const c = Counter;\n'],
  ])("%s may do what it owns", async (file, code) => {
    expect(await ruleIds(file, code)).toEqual([]);
  });
});
