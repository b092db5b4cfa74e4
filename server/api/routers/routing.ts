import { z } from "zod";
import { routingSettingsPatch } from "../../config/live-settings";
import { explainPlayground, readConsoleRoutingSettings, saveRoutingSettings, whatIf } from "../../console/routing";
import { adminProcedure, createTRPCRouter } from "../trpc";

const message = z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string().max(100_000, "At most 100,000 characters") });
// Overrides are changed on the Models page, one model at a time.
const settingsPatch = routingSettingsPatch.omit({ overrides: true });

export const routingRouter = createTRPCRouter({
  settings: adminProcedure.input(z.object({}).optional()).query(({ ctx }) => readConsoleRoutingSettings(ctx.runtime)),
  save: adminProcedure.input(settingsPatch).mutation(({ ctx, input }) => saveRoutingSettings(ctx.runtime, input, "console")),
  playground: adminProcedure
    .input(z.object({ messages: z.array(message).min(1, "Type a prompt").max(200), settings: settingsPatch.optional() }))
    .query(({ ctx, input }) => explainPlayground(ctx.runtime, input)),
  whatIf: adminProcedure.input(z.object({ last: z.number().int().min(1).max(1000).default(200), settings: settingsPatch })).query(({ ctx, input }) => whatIf(ctx.runtime, input)),
});
