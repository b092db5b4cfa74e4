// Next calls register() once per server process before it serves requests.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { bootServer } = await import("./server/boot");
    await bootServer(); // validates the configuration first (one clear line and exit when it is bad)
    const { startTracingFromConfig } = await import("./instrumentation.node");
    startTracingFromConfig();
  }
}
