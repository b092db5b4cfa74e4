import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { ImportError } from "../../benchmarks/import-file";
import { AliasInputError, benchmarkSourceStatus, importBenchmarks, listAliases, listBenchmarks, matchReview, removeAlias, setAlias, syncBenchmarks } from "../../benchmarks/service";
import type { Runtime } from "../../runtime";
import { adminProcedure, createTRPCRouter } from "../trpc";

// The console's Benchmarks page: thin over server/benchmarks/service.ts, like /admin/benchmarks*.

/** The same limit as POST /admin/benchmarks/import. */
export const IMPORT_MAX_BYTES = 1024 * 1024;

const name = (field: string) => z.string({ error: `Enter a ${field}` }).trim().min(1, `Enter a ${field}`).max(256, "At most 256 characters");

const freshModels = (runtime: Runtime) => runtime.registry.ensureFresh(runtime.config.ROUTER_POLLING_INTERVAL * 1000);

async function refusingBadInput<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AliasInputError) throw new TRPCError({ code: "BAD_REQUEST", message: error.message, cause: error });
    throw error;
  }
}

export const benchmarksRouter = createTRPCRouter({
  /** The stored rows, one per model and source, a page at a time. */
  list: adminProcedure
    .input(z.object({ page: z.number().int().min(1).max(100_000).default(1), pageSize: z.number().int().min(1).max(200).default(25) }))
    .query(({ ctx, input }) => listBenchmarks(ctx.runtime.database, { limit: input.pageSize, offset: (input.page - 1) * input.pageSize })),
  sources: adminProcedure.input(z.object({}).optional()).query(({ ctx }) => benchmarkSourceStatus(ctx.runtime)),
  review: adminProcedure.input(z.object({}).optional()).query(async ({ ctx }) => {
    await freshModels(ctx.runtime);
    return matchReview(ctx.runtime);
  }),
  aliases: adminProcedure.input(z.object({}).optional()).query(({ ctx }) => listAliases(ctx.runtime.database)),
  /** Every configured source now; a source that fails is reported in the result, not thrown. */
  syncNow: adminProcedure.input(z.object({})).mutation(async ({ ctx }) => {
    await freshModels(ctx.runtime);
    return syncBenchmarks(ctx.runtime);
  }),
  /** An operator's file, read in the browser: stored whole, or refused whole with its problems. */
  import: adminProcedure
    .input(
      z.object({
        format: z.enum(["csv", "json"], { error: "Choose CSV or JSON" }),
        content: z
          .string({ error: "Choose a file" })
          .min(1, "The file is empty")
          .refine((text) => Buffer.byteLength(text, "utf8") <= IMPORT_MAX_BYTES, "The file is larger than 1 MiB"),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await freshModels(ctx.runtime);
      try {
        return { refused: false as const, ...(await importBenchmarks(ctx.runtime, input.content, input.format)) };
      } catch (error) {
        // A file with bad rows is an answer, not a failure: the form lists its problems next to the
        // file field (as a 4xx the browser would also log a console error for every refusal).
        if (error instanceof ImportError) return { refused: true as const, message: "Benchmark file refused, nothing was stored", problems: error.problems };
        throw error;
      }
    }),
  setAlias: adminProcedure
    .input(z.object({ model: name("model name"), benchmarkNames: z.array(name("benchmark name"), { error: "Enter a benchmark name" }).min(1, "Enter at least one benchmark name").max(10, "At most 10 names") }))
    .mutation(({ ctx, input }) => refusingBadInput(() => setAlias(ctx.runtime.database, input.model, input.benchmarkNames, "console"))),
  removeAlias: adminProcedure.input(z.object({ model: name("model name") })).mutation(async ({ ctx, input }) => {
    const removed = await refusingBadInput(() => removeAlias(ctx.runtime.database, input.model));
    if (!removed) throw new TRPCError({ code: "NOT_FOUND", message: `No alias for model ${input.model}` });
    return { removed: true, model: input.model };
  }),
});
