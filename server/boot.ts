import { ConfigError, isBuildPhase } from "./config/env";
import { getRuntime } from "./runtime";

/**
 * Start-up for the server process: validate configuration, open and migrate the database.
 * A failure here ends the process with one clear line instead of serving a broken router.
 */
export async function bootServer(): Promise<void> {
  if (isBuildPhase()) return;
  try {
    await getRuntime();
  } catch (error) {
    const lines = error instanceof ConfigError ? error.problems : [`Start-up failed: ${describe(error)}`];
    for (const line of lines) process.stderr.write(`smarterrouter: ${line}\n`);
    process.exit(1);
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
