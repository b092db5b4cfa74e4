import type { BackendEntry, BackendKind, Config } from "./settings";

export type BackendConfig = {
  name: string;
  kind: BackendKind;
  /** Ollama and llama.cpp: the server root. OpenAI-compatible: the base URL including /v1. */
  url: string;
  apiKey?: string;
  modelPrefix: string;
  /** Ollama needs images inline: may the router download http(s) image URLs for it? */
  fetchImageUrls?: boolean;
  /** Extra request headers (the judge's HTTP-Referer / X-Title for OpenRouter-style servers). */
  headers?: Record<string, string>;
};

/**
 * The backends this router talks to. ROUTER_BACKENDS lists several; otherwise SmarterRouter's
 * single-provider settings (ROUTER_PROVIDER + its URL) describe one backend.
 */
export function configuredBackends(config: Config): BackendConfig[] {
  return listBackends(config).map((backend) => (backend.kind === "ollama" ? { ...backend, fetchImageUrls: config.ROUTER_FETCH_IMAGE_URLS } : backend));
}

function listBackends(config: Config): BackendConfig[] {
  if (config.ROUTER_BACKENDS) {
    return config.ROUTER_BACKENDS.map((entry: BackendEntry) => ({
      name: entry.name,
      kind: entry.kind,
      url: entry.url.replace(/\/+$/, ""),
      apiKey: entry.apiKey,
      modelPrefix: entry.modelPrefix ?? config.ROUTER_MODEL_PREFIX,
    }));
  }
  const prefix = config.ROUTER_MODEL_PREFIX;
  switch (config.ROUTER_PROVIDER) {
    case "ollama":
      return [{ name: "ollama", kind: "ollama", url: config.ROUTER_OLLAMA_URL, modelPrefix: prefix }];
    case "llamacpp":
      return [
        {
          name: "llamacpp",
          kind: "llamacpp",
          url: config.ROUTER_LLAMA_CPP_URL ?? config.ROUTER_OPENAI_BASE_URL?.replace(/\/v1$/, "") ?? "http://localhost:8080",
          apiKey: config.ROUTER_OPENAI_API_KEY,
          modelPrefix: prefix,
        },
      ];
    case "openai":
      return [
        {
          name: "openai",
          kind: "openai",
          url: config.ROUTER_OPENAI_BASE_URL ?? "https://api.openai.com/v1",
          apiKey: config.ROUTER_OPENAI_API_KEY,
          modelPrefix: prefix,
        },
      ];
  }
}

/** A URL safe to show: credentials and query strings removed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    parsed.search = "";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return "(invalid url)";
  }
}
