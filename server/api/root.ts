import { apiKeysRouter } from "./routers/api-keys";
import { benchmarksRouter } from "./routers/benchmarks";
import { decisionsRouter } from "./routers/decisions";
import { feedbackRouter } from "./routers/feedback";
import { modelsRouter } from "./routers/models";
import { overviewRouter } from "./routers/overview";
import { profilingRouter } from "./routers/profiling";
import { routingRouter } from "./routers/routing";
import { settingsRouter } from "./routers/settings";
import { vramRouter } from "./routers/vram";
import { createCallerFactory, createTRPCRouter } from "./trpc";

// One line per console area. A new area: add server/api/routers/<area>.ts (adminProcedure only)
// and register it here; the authorization test covers its procedures automatically.
export const appRouter = createTRPCRouter({
  overview: overviewRouter,
  models: modelsRouter,
  benchmarks: benchmarksRouter,
  routing: routingRouter,
  decisions: decisionsRouter,
  feedback: feedbackRouter,
  vram: vramRouter,
  profiling: profilingRouter,
  settings: settingsRouter,
  apiKeys: apiKeysRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
