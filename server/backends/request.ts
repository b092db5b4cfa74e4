import type { BackendConfig } from "../config/backends";
import { type BackendResult, fail, fetchError, httpError, ok } from "./errors";
import { backendRequest } from "./http";
import { postRequest, type BackendResponse } from "./http-client";

/** The name the backend knows the model by (the prefix is applied once, also for Ollama). */
export function backendModelName(backend: BackendConfig, model: string): string {
  return backend.modelPrefix && !model.startsWith(backend.modelPrefix) ? `${backend.modelPrefix}${model}` : model;
}

/** POSTs JSON; resolves with the response once a success status arrived, otherwise with the classified error. */
export async function postJson(backend: BackendConfig, path: string, body: unknown, signal: AbortSignal): Promise<BackendResult<BackendResponse>> {
  let response: BackendResponse;
  try {
    const { url, headers } = backendRequest(backend, path);
    response = await postRequest(url, { ...headers, "content-type": "application/json", accept: "application/json, text/event-stream, application/x-ndjson" }, JSON.stringify(body), signal);
  } catch (error) {
    return { ok: false, error: fetchError(error, signal, backend) };
  }
  if (!response.ok) return { ok: false, error: await httpError(response, backend) };
  return ok(response);
}

/** Reads a whole JSON body; a cut or invalid body is a protocol error (still a value: nothing was streamed yet). */
export async function readJson(response: BackendResponse, signal: AbortSignal, backend: BackendConfig): Promise<BackendResult<unknown>> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    const failure = fetchError(error, signal, backend);
    return failure.kind === "connect" ? fail("protocol", "the backend closed the connection mid-response") : { ok: false, error: failure };
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return fail("protocol", "invalid JSON from backend");
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

export const isVectorList = (value: unknown): value is number[][] =>
  Array.isArray(value) && value.every((row) => Array.isArray(row) && row.every((x) => typeof x === "number"));
