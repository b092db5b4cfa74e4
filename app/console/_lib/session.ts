import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { findConsoleSession, SESSION_COOKIE } from "@/server/auth/sessions";
import { getRuntime } from "@/server/runtime";

/** Every console page calls this on the server: no live session, no page. */
export async function requireConsoleSession() {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  const runtime = await getRuntime();
  const session = token ? await findConsoleSession(runtime.database, token) : undefined;
  if (!session) redirect("/console/login");
  return session;
}
