import { z } from "zod";
import { readOverview } from "../../console/overview";
import { adminProcedure, createTRPCRouter } from "../trpc";

export const overviewRouter = createTRPCRouter({
  summary: adminProcedure.input(z.object({ windowMinutes: z.number().int().min(1).max(1440).default(15) })).query(({ ctx, input }) => readOverview(ctx.runtime, input)),
});
