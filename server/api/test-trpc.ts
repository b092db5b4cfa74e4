// Test-only: a tRPC mutation the way the browser sends it (JSON over the fetch handler), so tests
// see the HTTP status and the error body with its fieldErrors.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { Runtime } from "../runtime";
import { appRouter } from "./root";
import { createTrpcContext } from "./trpc";

export type TrpcHttpAnswer = { status: number; body: { error?: { message: string; data: { code: string; fieldErrors?: Record<string, string> } } } };

export async function postTrpc(runtime: Runtime, host: string, headers: Record<string, string>, path: string, input: unknown): Promise<TrpcHttpAnswer> {
  const request = new Request(`http://${host}/api/trpc/${path}`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(input) });
  const response = await fetchRequestHandler({ endpoint: "/api/trpc", req: request, router: appRouter, createContext: () => createTrpcContext(request.headers, async () => runtime) });
  return { status: response.status, body: (await response.json()) as TrpcHttpAnswer["body"] };
}
