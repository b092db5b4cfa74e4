import { NextResponse, type NextRequest } from "next/server";
import { getConfig } from "@/server/config/env";
import { corsHeaders, corsPreflight } from "@/server/limits/cors";

// CORS for /v1/* (ROUTER_CORS_ALLOWED_ORIGINS; off when empty). Route handlers stay unaware of it.
export function proxy(request: NextRequest) {
  const allowed = getConfig().ROUTER_CORS_ALLOWED_ORIGINS;
  if (!allowed.length) return NextResponse.next();
  const preflight = corsPreflight(request, allowed);
  if (preflight) return preflight;
  const response = NextResponse.next();
  for (const [name, value] of Object.entries(corsHeaders(request, allowed))) response.headers.set(name, value);
  return response;
}

export const config = { matcher: ["/v1/:path*"] };
