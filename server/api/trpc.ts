import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { findConsoleSession, isSameOrigin, sessionTokenFrom, type ConsoleSessionInfo } from "../auth/sessions";
import type { Runtime } from "../runtime";

// tRPC for the console. Every procedure except none is an adminProcedure: the session is checked
// here, on the server, for each call (middleware in front of Next is not enough), and mutations
// must come from the console's own origin.

export type TrpcContext = {
  headers: Headers;
  runtime: () => Promise<Runtime>;
};

export function createTrpcContext(headers: Headers, runtime: () => Promise<Runtime>): TrpcContext {
  return { headers, runtime };
}

const t = initTRPC.context<TrpcContext>().create({
  errorFormatter: ({ shape, error }) => ({
    ...shape,
    // Field-level messages, so forms can show each error next to its field.
    data: { ...shape.data, fieldErrors: error.cause instanceof ZodError ? fieldErrors(error.cause) : undefined },
  }),
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Signed in: the cookie names a live session; mutations also pass the Origin check. */
export const adminProcedure = t.procedure.use(async ({ ctx, type, next }) => {
  const token = sessionTokenFrom(ctx.headers.get("cookie"));
  if (!token) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to the console first" });
  const runtime = await ctx.runtime();
  const session: ConsoleSessionInfo | undefined = await findConsoleSession(runtime.database, token);
  if (!session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Your console session has expired or was revoked; sign in again" });
  if (type === "mutation" && !isSameOrigin(ctx.headers)) throw new TRPCError({ code: "FORBIDDEN", message: "Cross-origin request refused" });
  return next({ ctx: { runtime, session } });
});

function fieldErrors(error: ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) out[issue.path.join(".") || "_"] ??= issue.message;
  return out;
}
