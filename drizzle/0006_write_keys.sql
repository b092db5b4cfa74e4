ALTER TABLE "model_feedback" ADD COLUMN "write_key" uuid;--> statement-breakpoint
ALTER TABLE "routing_decisions" ADD COLUMN "write_key" uuid;--> statement-breakpoint
CREATE UNIQUE INDEX "model_feedback_write_key_idx" ON "model_feedback" USING btree ("write_key");--> statement-breakpoint
CREATE UNIQUE INDEX "routing_decisions_write_key_idx" ON "routing_decisions" USING btree ("write_key");