CREATE TYPE "public"."pull_run_status" AS ENUM('running', 'succeeded', 'partial', 'failed');--> statement-breakpoint
CREATE TABLE "analytic_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"odoo_id" integer NOT NULL,
	"project_id" uuid NOT NULL,
	"cost_code_id" uuid,
	"date" date NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"cost_amount" numeric(14, 2) NOT NULL,
	"odoo_move_line_id" integer,
	"odoo_move_id" integer,
	"odoo_purchase_line_id" integer,
	"odoo_write_date" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "odoo_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"url" text NOT NULL,
	"database" text NOT NULL,
	"login" text NOT NULL,
	"auth_method" text NOT NULL,
	"secret_ciphertext" text NOT NULL,
	"secret_iv" text NOT NULL,
	"secret_tag" text NOT NULL,
	"secret_last4" text NOT NULL,
	"mappings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"detected_version" text,
	"detected_transport" text,
	"last_tested_at" timestamp with time zone,
	"last_test_ok" boolean,
	"last_test_message" text,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "odoo_connections_organisation_id_unique" UNIQUE("organisation_id")
);
--> statement-breakpoint
CREATE TABLE "pull_cursors" (
	"odoo_model" text PRIMARY KEY NOT NULL,
	"last_write_date" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pull_run_records" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"pull_run_id" uuid NOT NULL,
	"record_type" text NOT NULL,
	"record_id" uuid,
	"odoo_model" text NOT NULL,
	"odoo_id" integer NOT NULL,
	"action" text NOT NULL,
	"changed_fields" jsonb,
	"message" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pull_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"trigger" text NOT NULL,
	"triggered_by_id" uuid,
	"status" "pull_run_status" DEFAULT 'running' NOT NULL,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "odoo_customer_id" integer;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "odoo_write_date" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "last_pulled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "analytic_lines" ADD CONSTRAINT "analytic_lines_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytic_lines" ADD CONSTRAINT "analytic_lines_cost_code_id_cost_codes_id_fk" FOREIGN KEY ("cost_code_id") REFERENCES "public"."cost_codes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "odoo_connections" ADD CONSTRAINT "odoo_connections_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pull_run_records" ADD CONSTRAINT "pull_run_records_pull_run_id_pull_runs_id_fk" FOREIGN KEY ("pull_run_id") REFERENCES "public"."pull_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pull_runs" ADD CONSTRAINT "pull_runs_triggered_by_id_users_id_fk" FOREIGN KEY ("triggered_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "analytic_lines_odoo_id_unique" ON "analytic_lines" USING btree ("odoo_id");--> statement-breakpoint
CREATE INDEX "analytic_lines_project_code_idx" ON "analytic_lines" USING btree ("project_id","cost_code_id","date");--> statement-breakpoint
CREATE INDEX "pull_run_records_record_idx" ON "pull_run_records" USING btree ("record_type","record_id","id");--> statement-breakpoint
CREATE INDEX "pull_run_records_run_idx" ON "pull_run_records" USING btree ("pull_run_id");--> statement-breakpoint
CREATE INDEX "pull_runs_started_idx" ON "pull_runs" USING btree ("started_at");