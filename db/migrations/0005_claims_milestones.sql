CREATE TYPE "public"."claim_status" AS ENUM('draft', 'submitted', 'certified', 'approved', 'released', 'posted', 'paid', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."claim_type" AS ENUM('progress', 'retention_release');--> statement-breakpoint
CREATE TYPE "public"."deduction_kind" AS ENUM('back_charge', 'contra_charge');--> statement-breakpoint
CREATE TYPE "public"."retention_release_stage" AS ENUM('practical_completion', 'end_of_defects');--> statement-breakpoint
CREATE TYPE "public"."milestone_amount_basis" AS ENUM('fixed', 'percent');--> statement-breakpoint
CREATE TYPE "public"."milestone_status" AS ENUM('planned', 'completion_claimed', 'verified', 'released', 'invoiced', 'paid');--> statement-breakpoint
CREATE TABLE "claim_deductions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"claim_id" uuid NOT NULL,
	"kind" "deduction_kind" NOT NULL,
	"description" text NOT NULL,
	"reason" text NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	CONSTRAINT "claim_deductions_positive" CHECK ("claim_deductions"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "claim_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"claim_id" uuid NOT NULL,
	"sov_line_id" uuid NOT NULL,
	"scheduled_amount" numeric(14, 2) NOT NULL,
	"previous_certified_amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"claimed_to_date_amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"certified_to_date_amount" numeric(14, 2),
	"certify_reason" text,
	CONSTRAINT "claim_lines_certified_within_sov" CHECK ("claim_lines"."certified_to_date_amount" IS NULL OR ("claim_lines"."certified_to_date_amount" >= 0 AND "claim_lines"."certified_to_date_amount" <= "claim_lines"."scheduled_amount")),
	CONSTRAINT "claim_lines_claimed_non_negative" CHECK ("claim_lines"."claimed_to_date_amount" >= 0)
);
--> statement-breakpoint
CREATE TABLE "claims" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subcontract_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"reference" text NOT NULL,
	"type" "claim_type" DEFAULT 'progress' NOT NULL,
	"retention_release_stage" "retention_release_stage",
	"period_end" date NOT NULL,
	"status" "claim_status" DEFAULT 'draft' NOT NULL,
	"previous_revision_id" uuid,
	"materials_stored_to_date_amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"claimed_to_date_amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"certified_to_date_amount" numeric(14, 2),
	"completed_to_date_amount" numeric(14, 2),
	"retention_held_to_date_amount" numeric(14, 2),
	"retention_released_to_date_amount" numeric(14, 2),
	"retention_released_this_claim_amount" numeric(14, 2),
	"deductions_to_date_amount" numeric(14, 2),
	"net_to_date_amount" numeric(14, 2),
	"due_amount" numeric(14, 2),
	"rejection_reason" text,
	"created_by_id" uuid NOT NULL,
	"submitted_by_id" uuid,
	"submitted_at" timestamp with time zone,
	"certified_by_id" uuid,
	"certified_at" timestamp with time zone,
	"approved_by_id" uuid,
	"approved_at" timestamp with time zone,
	"released_by_id" uuid,
	"released_at" timestamp with time zone,
	"odoo_bill_id" integer,
	"odoo_bill_name" text,
	"odoo_bill_state" text,
	"odoo_payment_state" text,
	"odoo_bill_amount" numeric(14, 2),
	"sync_status" "sync_status" DEFAULT 'not_required' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "claims_release_stage_matches_type" CHECK (("claims"."type" = 'retention_release') = ("claims"."retention_release_stage" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "milestone_evidence" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"milestone_id" uuid NOT NULL,
	"title" text NOT NULL,
	"url" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "milestones" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"reference" text NOT NULL,
	"name" text NOT NULL,
	"planned_date" date NOT NULL,
	"amount_basis" "milestone_amount_basis" DEFAULT 'fixed' NOT NULL,
	"fixed_amount" numeric(14, 2),
	"percent_of_contract" numeric(7, 4),
	"odoo_sale_line_id" integer,
	"odoo_milestone_id" integer,
	"status" "milestone_status" DEFAULT 'planned' NOT NULL,
	"rejection_reason" text,
	"invoice_amount" numeric(14, 2),
	"retention_amount" numeric(14, 2),
	"created_by_id" uuid NOT NULL,
	"completion_claimed_by_id" uuid,
	"completion_claimed_at" timestamp with time zone,
	"verified_by_id" uuid,
	"verified_at" timestamp with time zone,
	"released_by_id" uuid,
	"released_at" timestamp with time zone,
	"odoo_invoice_id" integer,
	"odoo_invoice_name" text,
	"odoo_invoice_state" text,
	"odoo_payment_state" text,
	"sync_status" "sync_status" DEFAULT 'not_required' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "milestones_amount_basis_consistent" CHECK (("milestones"."amount_basis" = 'fixed' AND "milestones"."fixed_amount" IS NOT NULL AND "milestones"."fixed_amount" > 0) OR ("milestones"."amount_basis" = 'percent' AND "milestones"."percent_of_contract" > 0 AND "milestones"."percent_of_contract" <= 1))
);
--> statement-breakpoint
ALTER TABLE "claim_deductions" ADD CONSTRAINT "claim_deductions_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_lines" ADD CONSTRAINT "claim_lines_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_lines" ADD CONSTRAINT "claim_lines_sov_line_id_sov_lines_id_fk" FOREIGN KEY ("sov_line_id") REFERENCES "public"."sov_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_subcontract_id_subcontracts_id_fk" FOREIGN KEY ("subcontract_id") REFERENCES "public"."subcontracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_previous_revision_id_claims_id_fk" FOREIGN KEY ("previous_revision_id") REFERENCES "public"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_submitted_by_id_users_id_fk" FOREIGN KEY ("submitted_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_certified_by_id_users_id_fk" FOREIGN KEY ("certified_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_approved_by_id_users_id_fk" FOREIGN KEY ("approved_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_released_by_id_users_id_fk" FOREIGN KEY ("released_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "milestone_evidence" ADD CONSTRAINT "milestone_evidence_milestone_id_milestones_id_fk" FOREIGN KEY ("milestone_id") REFERENCES "public"."milestones"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "milestones" ADD CONSTRAINT "milestones_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "milestones" ADD CONSTRAINT "milestones_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "milestones" ADD CONSTRAINT "milestones_completion_claimed_by_id_users_id_fk" FOREIGN KEY ("completion_claimed_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "milestones" ADD CONSTRAINT "milestones_verified_by_id_users_id_fk" FOREIGN KEY ("verified_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "milestones" ADD CONSTRAINT "milestones_released_by_id_users_id_fk" FOREIGN KEY ("released_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "claim_deductions_claim_idx" ON "claim_deductions" USING btree ("claim_id");--> statement-breakpoint
CREATE UNIQUE INDEX "claim_lines_claim_sov_unique" ON "claim_lines" USING btree ("claim_id","sov_line_id");--> statement-breakpoint
CREATE INDEX "claim_lines_sov_idx" ON "claim_lines" USING btree ("sov_line_id");--> statement-breakpoint
CREATE UNIQUE INDEX "claims_number_revision_unique" ON "claims" USING btree ("subcontract_id","number","revision");--> statement-breakpoint
CREATE UNIQUE INDEX "claims_reference_revision_unique" ON "claims" USING btree ("reference","revision");--> statement-breakpoint
CREATE INDEX "claims_project_status_idx" ON "claims" USING btree ("project_id","status");--> statement-breakpoint
CREATE INDEX "claims_status_period_idx" ON "claims" USING btree ("status","period_end");--> statement-breakpoint
CREATE INDEX "claims_subcontract_idx" ON "claims" USING btree ("subcontract_id","number");--> statement-breakpoint
CREATE INDEX "claims_sync_idx" ON "claims" USING btree ("sync_status");--> statement-breakpoint
CREATE UNIQUE INDEX "milestones_project_number_unique" ON "milestones" USING btree ("project_id","number");--> statement-breakpoint
CREATE INDEX "milestones_status_date_idx" ON "milestones" USING btree ("status","planned_date");--> statement-breakpoint
CREATE INDEX "milestones_sync_idx" ON "milestones" USING btree ("sync_status");