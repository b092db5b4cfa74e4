import { describe, expect, it } from "vitest";
import { selectModels } from "./select";
import type { ModelCandidate, RoutingInput } from "./types";

const input = (overrides: Partial<RoutingInput> = {}): RoutingInput => ({ lastUser: "hello there", context: "", imageCount: 0, hasTools: false, jsonMode: false, ...overrides });
const model = (name: string, parameterCountB: number, capabilities?: string[], reachable = true): ModelCandidate => ({ name, backend: "b", parameterCountB, capabilities, reachable });

const fleet = [
  model("small:3b", 3, ["completion", "tools"]),
  model("mid:8b", 8, ["completion"]),
  model("big:14b", 14, ["completion", "tools"]),
  model("eyes:7b", 7, ["completion", "vision"]),
  model("embed:latest", 0.1, ["embedding"]),
];

describe("selectModels", () => {
  it("never offers an embedding model for chat, even when capabilities are unknown", () => {
    const names = selectModels(input(), [...fleet, model("nomic-embed-text:latest", 0.1)]).ranked.map((m) => m.name);
    expect(names).not.toContain("embed:latest");
    expect(names).not.toContain("nomic-embed-text:latest");
  });

  it.each([
    ["images need vision", input({ imageCount: 1 }), ["eyes:7b"]],
    ["tools need tool calling", input({ hasTools: true }), ["small:3b", "big:14b"]],
  ])("%s", (_name, request, allowed) => {
    const decision = selectModels(request, fleet);
    expect(decision.ranked.map((m) => m.name).sort()).toEqual([...allowed].sort());
    expect(decision.excluded.length).toBe(fleet.length - allowed.length);
  });

  it("leaves out models whose backend is unreachable", () => {
    const decision = selectModels(input(), [model("gone:70b", 70, ["completion"], false), ...fleet]);
    expect(decision.ranked.map((m) => m.name)).not.toContain("gone:70b");
    expect(decision.excluded).toContainEqual({ name: "gone:70b", reason: "backend unreachable" });
  });

  it("prefers larger models for hard prompts and smaller ones for simple prompts", () => {
    const hard = input({ lastUser: Array.from({ length: 40 }, (_, i) => `${i + 1}. Prove step ${i} of the theorem and explain why it holds.`).join("\n") });
    expect(selectModels(hard, fleet).tier).toBe("hard");
    expect(selectModels(hard, fleet).ranked[0].name).toBe("big:14b");
    expect(selectModels(input({ lastUser: "hi" }), fleet).ranked[0].name).not.toBe("big:14b");
  });

  it("explains an empty choice", () => {
    const decision = selectModels(input({ imageCount: 2 }), [model("text:8b", 8, ["completion"])]);
    expect(decision.ranked).toEqual([]);
    expect(decision.reason).toBe("no model can serve this request");
  });
});
