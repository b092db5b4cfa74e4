import type { Runtime } from "../runtime";
import { withClientKey } from "./client-key";
import { jsonResponse } from "./responses";

const DESCRIPTION = "Routes each request to the best available model, judged by prompt analysis and measured model quality.";

/** GET /v1/models: the virtual model first, then every real model (owned_by = its backend). */
export async function listModels(runtime: Runtime): Promise<Response> {
  const { config, registry } = runtime;
  await registry.ensureFresh(config.ROUTER_POLLING_INTERVAL * 1000);
  const created = Math.floor(runtime.startedAt.getTime() / 1000);
  const data = [
    { id: config.ROUTER_EXTERNAL_MODEL_NAME, object: "model", created, owned_by: "smarterrouter", description: DESCRIPTION, admin_auth_required: true },
    ...registry.models().map((model) => ({ id: model.name, object: "model", created, owned_by: model.backend })),
  ];
  return jsonResponse({ object: "list", data });
}

/** GET /v1/models behind the client API key check (ROUTER_REQUIRE_API_KEY). */
export function handleListModels(request: Request, runtime: Runtime): Promise<Response> {
  return withClientKey(request, runtime, "/v1/models", () => listModels(runtime));
}
