import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { listConsoleModels, readConsoleModel, setModelOverride } from "../../console/models";
import { adminProcedure, createTRPCRouter } from "../trpc";

const modelName = z.string().trim().min(1).max(256);

export const modelsRouter = createTRPCRouter({
  list: adminProcedure.input(z.object({}).optional()).query(({ ctx }) => listConsoleModels(ctx.runtime)),
  detail: adminProcedure.input(z.object({ name: modelName })).query(async ({ ctx, input }) => {
    const detail = await readConsoleModel(ctx.runtime, input.name);
    if (!detail) throw new TRPCError({ code: "NOT_FOUND", message: `No model named ${input.name}` });
    return detail;
  }),
  setEnabled: adminProcedure.input(z.object({ name: modelName, enabled: z.boolean() })).mutation(({ ctx, input }) => setModelOverride(ctx.runtime, input.name, { disabled: !input.enabled }, "console")),
  setPinned: adminProcedure.input(z.object({ name: modelName, pinned: z.boolean() })).mutation(({ ctx, input }) => setModelOverride(ctx.runtime, input.name, { pinned: input.pinned }, "console")),
  adjustScore: adminProcedure
    .input(
      z.object({
        name: modelName,
        adjustment: z.number({ error: "Enter a number between -1 and 1" }).min(-1, "At least -1").max(1, "At most 1"),
        reason: z.string().trim().max(500, "At most 500 characters"),
      }).refine((value) => value.adjustment === 0 || value.reason.length >= 3, { path: ["reason"], message: "Say why (at least 3 characters)" }),
    )
    .mutation(({ ctx, input }) => setModelOverride(ctx.runtime, input.name, { scoreAdjustment: input.adjustment, reason: input.reason || undefined }, "console")),
});
