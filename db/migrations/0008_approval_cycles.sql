DROP INDEX "approval_decisions_step_unique";--> statement-breakpoint
DROP INDEX "approval_decisions_person_unique";--> statement-breakpoint
ALTER TABLE "approval_decisions" ADD COLUMN "cycle" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "milestones" ADD COLUMN "cycle" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX "change_orders_previous_revision_idx" ON "change_orders" USING btree ("previous_revision_id") WHERE "change_orders"."previous_revision_id" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "approval_decisions_step_unique" ON "approval_decisions" USING btree ("record_type","record_id","cycle","step");--> statement-breakpoint
CREATE UNIQUE INDEX "approval_decisions_person_unique" ON "approval_decisions" USING btree ("record_type","record_id","cycle","decided_by_id");