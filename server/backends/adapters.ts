import type { BackendConfig } from "../config/backends";
import { createOllamaAdapter } from "./ollama";
import { createOpenAICompatibleAdapter } from "./openai-compatible";
import type { BackendAdapter } from "./types";

/** The adapter that speaks this backend's API. */
export function createAdapter(config: BackendConfig): BackendAdapter {
  switch (config.kind) {
    case "ollama":
      return createOllamaAdapter(config);
    case "llamacpp":
    case "openai":
      return createOpenAICompatibleAdapter(config);
  }
}
