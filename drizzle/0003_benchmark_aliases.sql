CREATE TABLE "benchmark_aliases" (
	"model_name" text PRIMARY KEY NOT NULL,
	"benchmark_names" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
ALTER TABLE "model_benchmarks" DROP CONSTRAINT "model_benchmarks_source_valid";--> statement-breakpoint
ALTER TABLE "model_benchmarks" ADD CONSTRAINT "model_benchmarks_source_valid" CHECK ("model_benchmarks"."source" in ('huggingface', 'lmsys', 'artificial_analysis', 'file', 'bundled'));