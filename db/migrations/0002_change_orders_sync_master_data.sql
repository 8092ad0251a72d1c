CREATE TYPE "public"."retention_cap_basis" AS ENUM('original', 'revised', 'fixed');--> statement-breakpoint
CREATE TYPE "public"."sync_outcome" AS ENUM('success', 'transient_error', 'ambiguous', 'business_error', 'configuration_error', 'crashed');--> statement-breakpoint
CREATE TYPE "public"."sync_status" AS ENUM('not_required', 'pending', 'synced', 'failed', 'blocked');--> statement-breakpoint
CREATE TYPE "public"."exception_category" AS ENUM('sync_failure', 'rule_breach', 'pull_mapping', 'reconciliation_drift');--> statement-breakpoint
CREATE TYPE "public"."exception_severity" AS ENUM('low', 'medium', 'high', 'critical');--> statement-breakpoint
CREATE TYPE "public"."exception_status" AS ENUM('open', 'resolved', 'dismissed');--> statement-breakpoint
CREATE TYPE "public"."approval_decision" AS ENUM('approved', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."budget_revision_kind" AS ENUM('transfer', 'approved_change');--> statement-breakpoint
CREATE TYPE "public"."change_order_kind" AS ENUM('client', 'commitment', 'internal');--> statement-breakpoint
CREATE TYPE "public"."change_order_reason" AS ENUM('client_instruction', 'design_change', 'unforeseen_condition', 'error_or_omission', 'other');--> statement-breakpoint
CREATE TYPE "public"."change_order_status" AS ENUM('draft', 'submitted', 'approved', 'rejected', 'void');--> statement-breakpoint
CREATE TABLE "partners" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"odoo_id" integer,
	"name" text NOT NULL,
	"vat" text,
	"ref" text,
	"is_vendor" boolean DEFAULT false NOT NULL,
	"is_customer" boolean DEFAULT false NOT NULL,
	"insurance_expires_on" date,
	"licence_expires_on" date,
	"bank_account_name" text,
	"bank_account_number" text,
	"odoo_write_date" timestamp with time zone,
	"last_pulled_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sov_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subcontract_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"description" text NOT NULL,
	"cost_code_id" uuid,
	"scheduled_amount" numeric(14, 2) NOT NULL,
	"odoo_purchase_line_id" integer,
	"analytic_distribution" jsonb,
	"change_order_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subcontracts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"vendor_id" uuid NOT NULL,
	"odoo_purchase_order_id" integer,
	"reference" text NOT NULL,
	"title" text NOT NULL,
	"odoo_state" text,
	"currency" char(3) DEFAULT 'GBP' NOT NULL,
	"retention_rate" numeric(7, 4) DEFAULT '0.0500' NOT NULL,
	"retention_materials_rate" numeric(7, 4) DEFAULT '0.0500' NOT NULL,
	"retention_reduced_rate" numeric(7, 4),
	"retention_reduced_after_percent" numeric(7, 4),
	"retention_cap_basis" "retention_cap_basis" DEFAULT 'revised' NOT NULL,
	"retention_cap_rate" numeric(7, 4) DEFAULT '0.0500' NOT NULL,
	"retention_cap_amount" numeric(14, 2),
	"odoo_write_date" timestamp with time zone,
	"last_pulled_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subcontracts_rates_valid" CHECK ("subcontracts"."retention_rate" BETWEEN 0 AND 1 AND "subcontracts"."retention_materials_rate" BETWEEN 0 AND 1 AND "subcontracts"."retention_cap_rate" BETWEEN 0 AND 1)
);
--> statement-breakpoint
CREATE TABLE "sync_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"record_type" text NOT NULL,
	"record_id" uuid NOT NULL,
	"operation" text NOT NULL,
	"odoo_model" text,
	"odoo_id" integer,
	"outcome" "sync_outcome" NOT NULL,
	"error_class" text,
	"error_name" text,
	"error_message" text,
	"http_status" integer,
	"duration_ms" integer NOT NULL,
	"attempt_number" integer NOT NULL,
	"correlation_id" uuid,
	"job_id" text,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"record_type" text NOT NULL,
	"record_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"odoo_model" text NOT NULL,
	"odoo_id" integer NOT NULL,
	"reference" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "worker_heartbeats" (
	"worker_id" text PRIMARY KEY NOT NULL,
	"process_id" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "exceptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"category" "exception_category" NOT NULL,
	"cause" text NOT NULL,
	"severity" "exception_severity" NOT NULL,
	"status" "exception_status" DEFAULT 'open' NOT NULL,
	"owner_role" text DEFAULT 'finance' NOT NULL,
	"assignee_id" uuid,
	"record_type" text NOT NULL,
	"record_id" text NOT NULL,
	"record_reference" text,
	"project_id" uuid,
	"amount_at_stake" numeric(14, 2),
	"title" text NOT NULL,
	"detail" text NOT NULL,
	"guidance" text NOT NULL,
	"error_name" text,
	"occurrences" integer DEFAULT 1 NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by_id" uuid,
	"resolution" text,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "approval_decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"record_type" text NOT NULL,
	"record_id" uuid NOT NULL,
	"step" integer NOT NULL,
	"step_name" text NOT NULL,
	"role" text NOT NULL,
	"decision" "approval_decision" NOT NULL,
	"decided_by_id" uuid NOT NULL,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	"comment" text
);
--> statement-breakpoint
CREATE TABLE "budget_revisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"cost_code_id" uuid NOT NULL,
	"change_order_id" uuid NOT NULL,
	"kind" "budget_revision_kind" NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "change_order_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"change_order_id" uuid NOT NULL,
	"title" text NOT NULL,
	"url" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "change_order_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"change_order_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"cost_code_id" uuid NOT NULL,
	"description" text NOT NULL,
	"quantity" numeric(14, 4) NOT NULL,
	"unit" text NOT NULL,
	"unit_cost_amount" numeric(14, 2) NOT NULL,
	"cost_amount" numeric(14, 2) NOT NULL,
	"sell_amount" numeric(14, 2)
);
--> statement-breakpoint
CREATE TABLE "change_orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"reference" text NOT NULL,
	"kind" "change_order_kind" NOT NULL,
	"title" text NOT NULL,
	"reason" "change_order_reason" NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"schedule_impact_days" integer DEFAULT 0 NOT NULL,
	"subcontract_id" uuid,
	"client_change_order_id" uuid,
	"previous_revision_id" uuid,
	"status" "change_order_status" DEFAULT 'draft' NOT NULL,
	"is_proceeding" boolean DEFAULT false NOT NULL,
	"cost_total_amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"sell_total_amount" numeric(14, 2),
	"routing_amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"approval_route" jsonb,
	"created_by_id" uuid NOT NULL,
	"submitted_by_id" uuid,
	"submitted_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"sync_status" "sync_status" DEFAULT 'not_required' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "change_orders_commitment_has_subcontract" CHECK (("change_orders"."kind" = 'commitment') = ("change_orders"."subcontract_id" IS NOT NULL)),
	CONSTRAINT "change_orders_schedule_impact_sane" CHECK ("change_orders"."schedule_impact_days" BETWEEN -3650 AND 3650)
);
--> statement-breakpoint
CREATE TABLE "contract_revisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"change_order_id" uuid NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "partners" ADD CONSTRAINT "partners_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sov_lines" ADD CONSTRAINT "sov_lines_subcontract_id_subcontracts_id_fk" FOREIGN KEY ("subcontract_id") REFERENCES "public"."subcontracts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sov_lines" ADD CONSTRAINT "sov_lines_cost_code_id_cost_codes_id_fk" FOREIGN KEY ("cost_code_id") REFERENCES "public"."cost_codes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subcontracts" ADD CONSTRAINT "subcontracts_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subcontracts" ADD CONSTRAINT "subcontracts_vendor_id_partners_id_fk" FOREIGN KEY ("vendor_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exceptions" ADD CONSTRAINT "exceptions_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exceptions" ADD CONSTRAINT "exceptions_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exceptions" ADD CONSTRAINT "exceptions_resolved_by_id_users_id_fk" FOREIGN KEY ("resolved_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_decisions" ADD CONSTRAINT "approval_decisions_decided_by_id_users_id_fk" FOREIGN KEY ("decided_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budget_revisions" ADD CONSTRAINT "budget_revisions_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budget_revisions" ADD CONSTRAINT "budget_revisions_cost_code_id_cost_codes_id_fk" FOREIGN KEY ("cost_code_id") REFERENCES "public"."cost_codes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budget_revisions" ADD CONSTRAINT "budget_revisions_change_order_id_change_orders_id_fk" FOREIGN KEY ("change_order_id") REFERENCES "public"."change_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_order_documents" ADD CONSTRAINT "change_order_documents_change_order_id_change_orders_id_fk" FOREIGN KEY ("change_order_id") REFERENCES "public"."change_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_order_lines" ADD CONSTRAINT "change_order_lines_change_order_id_change_orders_id_fk" FOREIGN KEY ("change_order_id") REFERENCES "public"."change_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_order_lines" ADD CONSTRAINT "change_order_lines_cost_code_id_cost_codes_id_fk" FOREIGN KEY ("cost_code_id") REFERENCES "public"."cost_codes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_orders" ADD CONSTRAINT "change_orders_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_orders" ADD CONSTRAINT "change_orders_subcontract_id_subcontracts_id_fk" FOREIGN KEY ("subcontract_id") REFERENCES "public"."subcontracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_orders" ADD CONSTRAINT "change_orders_client_change_order_id_change_orders_id_fk" FOREIGN KEY ("client_change_order_id") REFERENCES "public"."change_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_orders" ADD CONSTRAINT "change_orders_previous_revision_id_change_orders_id_fk" FOREIGN KEY ("previous_revision_id") REFERENCES "public"."change_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_orders" ADD CONSTRAINT "change_orders_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_orders" ADD CONSTRAINT "change_orders_submitted_by_id_users_id_fk" FOREIGN KEY ("submitted_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_revisions" ADD CONSTRAINT "contract_revisions_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_revisions" ADD CONSTRAINT "contract_revisions_change_order_id_change_orders_id_fk" FOREIGN KEY ("change_order_id") REFERENCES "public"."change_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "partners_odoo_id_unique" ON "partners" USING btree ("organisation_id","odoo_id");--> statement-breakpoint
CREATE INDEX "partners_name_idx" ON "partners" USING btree (lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "sov_lines_odoo_line_unique" ON "sov_lines" USING btree ("odoo_purchase_line_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sov_lines_change_order_unique" ON "sov_lines" USING btree ("change_order_id");--> statement-breakpoint
CREATE INDEX "sov_lines_subcontract_idx" ON "sov_lines" USING btree ("subcontract_id","line_no");--> statement-breakpoint
CREATE INDEX "sov_lines_cost_code_idx" ON "sov_lines" USING btree ("cost_code_id");--> statement-breakpoint
CREATE UNIQUE INDEX "subcontracts_odoo_po_unique" ON "subcontracts" USING btree ("odoo_purchase_order_id");--> statement-breakpoint
CREATE INDEX "subcontracts_project_idx" ON "subcontracts" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "subcontracts_vendor_idx" ON "subcontracts" USING btree ("vendor_id");--> statement-breakpoint
CREATE INDEX "sync_attempts_record_idx" ON "sync_attempts" USING btree ("record_type","record_id","id");--> statement-breakpoint
CREATE INDEX "sync_attempts_finished_idx" ON "sync_attempts" USING btree ("finished_at");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_links_record_purpose_unique" ON "sync_links" USING btree ("record_type","record_id","purpose");--> statement-breakpoint
CREATE INDEX "sync_links_odoo_idx" ON "sync_links" USING btree ("odoo_model","odoo_id");--> statement-breakpoint
CREATE UNIQUE INDEX "exceptions_open_per_cause_unique" ON "exceptions" USING btree ("record_type","record_id","cause") WHERE "exceptions"."status" = 'open';--> statement-breakpoint
CREATE INDEX "exceptions_queue_idx" ON "exceptions" USING btree ("status","category","first_seen_at");--> statement-breakpoint
CREATE INDEX "exceptions_project_idx" ON "exceptions" USING btree ("project_id");--> statement-breakpoint
CREATE UNIQUE INDEX "approval_decisions_step_unique" ON "approval_decisions" USING btree ("record_type","record_id","step");--> statement-breakpoint
CREATE UNIQUE INDEX "approval_decisions_person_unique" ON "approval_decisions" USING btree ("record_type","record_id","decided_by_id");--> statement-breakpoint
CREATE UNIQUE INDEX "budget_revisions_co_code_unique" ON "budget_revisions" USING btree ("change_order_id","cost_code_id");--> statement-breakpoint
CREATE INDEX "budget_revisions_code_idx" ON "budget_revisions" USING btree ("cost_code_id");--> statement-breakpoint
CREATE UNIQUE INDEX "change_order_lines_no_unique" ON "change_order_lines" USING btree ("change_order_id","line_no");--> statement-breakpoint
CREATE INDEX "change_order_lines_cost_code_idx" ON "change_order_lines" USING btree ("cost_code_id");--> statement-breakpoint
CREATE UNIQUE INDEX "change_orders_number_revision_unique" ON "change_orders" USING btree ("project_id","number","revision");--> statement-breakpoint
CREATE INDEX "change_orders_project_status_idx" ON "change_orders" USING btree ("project_id","status");--> statement-breakpoint
CREATE INDEX "change_orders_status_idx" ON "change_orders" USING btree ("status","submitted_at");--> statement-breakpoint
CREATE INDEX "change_orders_sync_idx" ON "change_orders" USING btree ("sync_status");--> statement-breakpoint
CREATE UNIQUE INDEX "contract_revisions_co_unique" ON "contract_revisions" USING btree ("change_order_id");--> statement-breakpoint
CREATE INDEX "contract_revisions_project_idx" ON "contract_revisions" USING btree ("project_id");