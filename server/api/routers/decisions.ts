import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { listDecisions, readDecision } from "../../console/decisions";
import { DECISION_STATUSES } from "../../db/schema/routing-decisions";
import { TASK_CATEGORIES } from "../../routing/categories";
import { adminProcedure, createTRPCRouter } from "../trpc";

export const decisionsRouter = createTRPCRouter({
  list: adminProcedure
    .input(
      z.object({
        page: z.number().int().min(1).max(100_000).default(1),
        pageSize: z.number().int().min(1).max(200).default(25),
        from: z.coerce.date().optional(),
        to: z.coerce.date().optional(),
        model: z.string().trim().max(256).optional(),
        category: z.enum(TASK_CATEGORIES).optional(),
        outcome: z.enum(DECISION_STATUSES).optional(),
        fallback: z.boolean().optional(),
      }),
    )
    .query(({ ctx, input }) => listDecisions(ctx.runtime, { ...input, model: input.model || undefined })),
  detail: adminProcedure.input(z.object({ id: z.number().int().positive() })).query(async ({ ctx, input }) => {
    const decision = await readDecision(ctx.runtime, input.id);
    if (!decision) throw new TRPCError({ code: "NOT_FOUND", message: `No decision ${input.id}` });
    return decision;
  }),
});
