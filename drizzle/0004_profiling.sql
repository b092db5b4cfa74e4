CREATE TABLE "profiling_answers" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "profiling_answers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"job_id" uuid NOT NULL,
	"model" text NOT NULL,
	"category" text NOT NULL,
	"prompt_id" text NOT NULL,
	"outcome" text NOT NULL,
	"score" real NOT NULL,
	"check_score" real,
	"judge_score" real,
	"judge_rationale" text,
	"judge_model" text,
	"answer" text,
	"error" text,
	"time_to_first_token_ms" real,
	"tokens_per_second" real,
	"duration_ms" real,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "profiling_answers_job_model_prompt_unique" UNIQUE("job_id","model","prompt_id")
);
--> statement-breakpoint
ALTER TABLE "profiling_jobs" DROP CONSTRAINT "profiling_jobs_status_valid";--> statement-breakpoint
ALTER TABLE "model_profiles" ADD COLUMN "load_time_ms" real;--> statement-breakpoint
ALTER TABLE "profiling_jobs" ADD COLUMN "force" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "profiling_answers" ADD CONSTRAINT "profiling_answers_job_id_profiling_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."profiling_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "profiling_answers_model_idx" ON "profiling_answers" USING btree ("model","created_at");--> statement-breakpoint
ALTER TABLE "profiling_jobs" ADD CONSTRAINT "profiling_jobs_status_valid" CHECK ("profiling_jobs"."status" in ('queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted'));