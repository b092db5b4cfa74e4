ALTER TABLE "routing_decisions" ADD COLUMN "category_confidence" real;--> statement-breakpoint
ALTER TABLE "routing_decisions" ADD COLUMN "attempts" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "routing_decisions" ADD COLUMN "prompt" text;