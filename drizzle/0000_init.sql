CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"rate_limit_per_minute" integer,
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "benchmark_sync_runs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "benchmark_sync_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"status" text DEFAULT 'running' NOT NULL,
	"sources" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"models_count" integer DEFAULT 0 NOT NULL,
	"error" text,
	CONSTRAINT "benchmark_sync_runs_status_valid" CHECK ("benchmark_sync_runs"."status" in ('running', 'completed', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "console_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ip" text,
	"user_agent" text
);
--> statement-breakpoint
CREATE TABLE "model_benchmarks" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "model_benchmarks_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"model_name" text NOT NULL,
	"source" text NOT NULL,
	"matched_name" text,
	"mmlu" real,
	"humaneval" real,
	"math" real,
	"gpqa" real,
	"hellaswag" real,
	"winogrande" real,
	"truthfulqa" real,
	"mmlu_pro" real,
	"elo_rating" real,
	"throughput" real,
	"context_window" integer,
	"scores" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"extra" jsonb,
	"last_updated" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "model_benchmarks_model_source_unique" UNIQUE("model_name","source"),
	CONSTRAINT "model_benchmarks_source_valid" CHECK ("model_benchmarks"."source" in ('huggingface', 'lmsys', 'artificial_analysis', 'file'))
);
--> statement-breakpoint
CREATE TABLE "model_feedback" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "model_feedback_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"response_id" text,
	"model_name" text NOT NULL,
	"prompt_hash" text,
	"score" real NOT NULL,
	"category" text,
	"comment" text,
	"source" text DEFAULT 'api' NOT NULL,
	CONSTRAINT "model_feedback_score_range" CHECK ("model_feedback"."score" >= -1 and "model_feedback"."score" <= 1)
);
--> statement-breakpoint
CREATE TABLE "model_profiles" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "model_profiles_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"backend" text,
	"scores" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"score_provenance" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"speed" real,
	"avg_response_time_ms" real,
	"tokens_per_second" real,
	"time_to_first_token_ms" real,
	"vision" boolean DEFAULT false NOT NULL,
	"tool_calling" boolean DEFAULT false NOT NULL,
	"embeddings" boolean DEFAULT false NOT NULL,
	"parameter_count_b" real,
	"quantization" text,
	"family" text,
	"context_length" integer,
	"vram_required_gb" real,
	"vram_measured_at" timestamp with time zone,
	"first_seen" timestamp with time zone DEFAULT now() NOT NULL,
	"last_profiled" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "model_profiles_name_unique" UNIQUE("name"),
	CONSTRAINT "model_profiles_speed_range" CHECK ("model_profiles"."speed" is null or ("model_profiles"."speed" >= 0 and "model_profiles"."speed" <= 1))
);
--> statement-breakpoint
CREATE TABLE "profiling_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"models" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"progress" jsonb,
	"owner" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"heartbeat_at" timestamp with time zone,
	"error" text,
	CONSTRAINT "profiling_jobs_status_valid" CHECK ("profiling_jobs"."status" in ('queued', 'running', 'completed', 'failed', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "routing_decisions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "routing_decisions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"request_id" text,
	"response_id" text,
	"prompt_hash" text,
	"category" text,
	"complexity" real,
	"tier" text,
	"selected_model" text NOT NULL,
	"backend" text,
	"confidence" real,
	"reason" text,
	"candidates" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"fallback_count" integer DEFAULT 0 NOT NULL,
	"cache_hit" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'ok' NOT NULL,
	"error" text,
	"latency_ms" real,
	"ttft_ms" real,
	"prompt_tokens" integer,
	"completion_tokens" integer,
	"tokens_estimated" boolean DEFAULT false NOT NULL,
	"client_key_id" uuid,
	CONSTRAINT "routing_decisions_status_valid" CHECK ("routing_decisions"."status" in ('ok', 'error')),
	CONSTRAINT "routing_decisions_confidence_range" CHECK ("routing_decisions"."confidence" is null or ("routing_decisions"."confidence" >= 0 and "routing_decisions"."confidence" <= 1)),
	CONSTRAINT "routing_decisions_complexity_range" CHECK ("routing_decisions"."complexity" is null or ("routing_decisions"."complexity" >= 0 and "routing_decisions"."complexity" <= 1))
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
ALTER TABLE "routing_decisions" ADD CONSTRAINT "routing_decisions_client_key_id_api_keys_id_fk" FOREIGN KEY ("client_key_id") REFERENCES "public"."api_keys"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "benchmark_sync_runs_started_at_idx" ON "benchmark_sync_runs" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "console_sessions_expires_at_idx" ON "console_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "model_benchmarks_source_idx" ON "model_benchmarks" USING btree ("source");--> statement-breakpoint
CREATE INDEX "model_feedback_response_id_idx" ON "model_feedback" USING btree ("response_id");--> statement-breakpoint
CREATE INDEX "model_feedback_model_name_created_at_idx" ON "model_feedback" USING btree ("model_name","created_at");--> statement-breakpoint
CREATE INDEX "model_profiles_backend_idx" ON "model_profiles" USING btree ("backend");--> statement-breakpoint
CREATE INDEX "profiling_jobs_status_created_at_idx" ON "profiling_jobs" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "routing_decisions_created_at_idx" ON "routing_decisions" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "routing_decisions_response_id_idx" ON "routing_decisions" USING btree ("response_id");--> statement-breakpoint
CREATE INDEX "routing_decisions_prompt_hash_idx" ON "routing_decisions" USING btree ("prompt_hash");--> statement-breakpoint
CREATE INDEX "routing_decisions_selected_model_created_at_idx" ON "routing_decisions" USING btree ("selected_model","created_at");--> statement-breakpoint
CREATE INDEX "routing_decisions_client_key_id_idx" ON "routing_decisions" USING btree ("client_key_id");