import type { Runtime } from "../runtime";
import { attemptProbes } from "./attempt-telemetry";
import { runPlan } from "./attempts";
import { backendErrorResponse, gatewayHeaders, jsonResponse, unexpectedErrorResponse } from "./responses";
import { readJsonBody, requestIdFor } from "./request-input";
import { buildEmbeddingsResponse, parseEmbeddingsRequest } from "./wire/embeddings";
import { WireError } from "./wire/errors";
import { withRateLimit } from "./rate-limit";
import { arrivalOf } from "../observability/request-timing";

const MAX_INPUTS = 2048;
const MAX_INPUT_CHARS = 1_000_000;

/** POST /v1/embeddings: forwarded to the named model, ROUTER_DEFAULT_EMBEDDING_MODEL, or the first embedding model. */
export function handleEmbeddings(request: Request, runtime: Runtime): Promise<Response> {
  return withRateLimit(request, runtime, { scope: "client", endpoint: "/v1/embeddings" }, () => serveEmbeddings(request, runtime));
}

async function serveEmbeddings(request: Request, runtime: Runtime): Promise<Response> {
  const started = arrivalOf(request);
  const requestId = requestIdFor(request);
  const { config, registry } = runtime;
  try {
    const parsed = parseEmbeddingsRequest(await readJsonBody(request, config.ROUTER_MAX_BODY_BYTES), { maxInputs: MAX_INPUTS, maxChars: MAX_INPUT_CHARS });
    await registry.ensureFresh(config.ROUTER_POLLING_INTERVAL * 1000);
    const wanted = parsed.model && parsed.model !== config.ROUTER_EXTERNAL_MODEL_NAME && parsed.model !== "auto" ? parsed.model : config.ROUTER_DEFAULT_EMBEDDING_MODEL;
    const model = wanted ? await registry.findFresh(wanted, 5_000) : registry.models().find((m) => m.reachable && m.capabilities?.includes("embedding"));
    if (!model) {
      if (wanted) throw new WireError(404, `The model '${wanted}' does not exist`, "model", "model_not_found");
      throw new WireError(503, "No embedding model is available; name one in `model` or set ROUTER_DEFAULT_EMBEDDING_MODEL");
    }
    const target = { model: model.name, backend: model.backend };
    const probe = attemptProbes(runtime, "embeddings");
    const outcome = await runPlan([target], { clientSignal: request.signal, timeoutMs: config.ROUTER_GENERATION_TIMEOUT * 1000, probe }, async (t, signal) => {
      await runtime.vram.manager.ensureCapacity(t, signal);
      return registry.adapter(t.backend).embed({ model: t.model, input: parsed.input, dimensions: parsed.dimensions, keepAlive: config.ROUTER_MODEL_KEEP_ALIVE }, { signal });
    });
    if (!outcome.ok) {
      const status = outcome.error.kind === "timeout" ? 504 : outcome.error.kind === "http" && (outcome.error.status ?? 500) < 500 ? (outcome.error.status ?? 400) : 502;
      return backendErrorResponse(status, `Embeddings from ${model.name} failed: ${outcome.error.message}`, { requestId, retryAfterSeconds: outcome.error.retryAfterSeconds });
    }
    clearTimeout(outcome.timer);
    outcome.probe?.finish({ inputTokens: outcome.value.promptTokens });
    const backendMs = outcome.attempts.reduce((sum, attempt) => sum + attempt.ms, 0);
    const body = buildEmbeddingsResponse({ model: model.name, embeddings: outcome.value.embeddings, encoding: parsed.encoding_format, promptTokens: outcome.value.promptTokens });
    return jsonResponse(body, { headers: gatewayHeaders({ requestId, model: model.name, overheadMs: performance.now() - started - backendMs }) });
  } catch (error) {
    return unexpectedErrorResponse(error, { requestId, logger: runtime.logger, what: "embeddings request" });
  }
}
