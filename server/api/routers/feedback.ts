import { z } from "zod";
import { listFeedback } from "../../console/feedback";
import { adminProcedure, createTRPCRouter } from "../trpc";

export const feedbackRouter = createTRPCRouter({
  list: adminProcedure
    .input(z.object({ page: z.number().int().min(1).max(100_000).default(1), pageSize: z.number().int().min(1).max(200).default(25) }))
    .query(({ ctx, input }) => listFeedback(ctx.runtime, input)),
});
