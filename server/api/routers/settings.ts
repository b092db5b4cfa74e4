import { z } from "zod";
import { readEffectiveSettings } from "../../console/settings-view";
import { adminProcedure, createTRPCRouter } from "../trpc";

export const settingsRouter = createTRPCRouter({
  effective: adminProcedure.input(z.object({}).optional()).query(({ ctx }) => readEffectiveSettings(ctx.runtime)),
});
