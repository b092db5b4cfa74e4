import { z } from "zod";
import { DEFAULT_HISTORY_MINUTES, vramReport } from "../../vram/report";
import { adminProcedure, createTRPCRouter } from "../trpc";

// The console's VRAM page: the same report as GET /admin/vram, over a chosen history window.
export const vramRouter = createTRPCRouter({
  report: adminProcedure
    .input(z.object({ historyMinutes: z.number().int("Whole minutes").min(1, "At least 1 minute").max(1440, "At most 24 hours").default(DEFAULT_HISTORY_MINUTES) }))
    .query(({ ctx, input }) => vramReport(ctx.runtime, input.historyMinutes)),
});
