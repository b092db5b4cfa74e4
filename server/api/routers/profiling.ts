import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { cancelJob, getProfileDetail, listJobs, ProfilingInputError, startProfilingJob } from "../../profiling/service";
import { adminProcedure, createTRPCRouter } from "../trpc";

const modelName = z.string().trim().min(1, "Model names cannot be empty").max(256);
const jobId = z.string().trim().min(1).max(64);

export const profilingRouter = createTRPCRouter({
  /** Queued and running jobs, newest first; the page polls this while one is active. */
  active: adminProcedure.input(z.object({}).optional()).query(({ ctx }) => listJobs(ctx.runtime, { limit: 50, offset: 0, active: true })),
  history: adminProcedure
    .input(z.object({ page: z.number().int().min(1).max(100_000).default(1), pageSize: z.number().int().min(1).max(100).default(20) }).optional())
    .query(({ ctx, input }) => {
      const { page, pageSize } = input ?? { page: 1, pageSize: 20 };
      return listJobs(ctx.runtime, { limit: pageSize, offset: (page - 1) * pageSize });
    }),
  start: adminProcedure
    .input(z.object({ models: z.array(modelName).min(1, "Choose at least one model, or profile all").max(500, "At most 500 models per job").optional(), force: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      try {
        return await startProfilingJob(ctx.runtime, input);
      } catch (error) {
        // Unknown model names and the like: the operator's input, so a 400 with the service's message.
        if (error instanceof ProfilingInputError) throw new TRPCError({ code: "BAD_REQUEST", message: error.message, cause: error });
        throw error;
      }
    }),
  cancel: adminProcedure.input(z.object({ id: jobId })).mutation(async ({ ctx, input }) => {
    if (!(await cancelJob(ctx.runtime, input.id))) throw new TRPCError({ code: "CONFLICT", message: "That job has already finished (or does not exist)" });
    return { cancelled: true };
  }),
  /** A model's profile and the answers of its latest profiling run, with the judge's scores and rationales. */
  answers: adminProcedure.input(z.object({ name: modelName })).query(async ({ ctx, input }) => {
    const detail = await getProfileDetail(ctx.runtime, input.name);
    if (!detail) return null;
    return {
      lastProfiled: detail.profile.lastProfiled?.toISOString() ?? null,
      answers: detail.answers.map(({ answer, createdAt, ...row }) => ({ ...row, answerPreview: answer?.slice(0, 400) ?? null, createdAt: createdAt.toISOString() })),
    };
  }),
});
