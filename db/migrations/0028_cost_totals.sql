CREATE TABLE "cost_code_totals" (
	"project_id" uuid NOT NULL,
	"cost_code_id" uuid,
	"ob" numeric(18, 2) DEFAULT '0' NOT NULL,
	"bt" numeric(18, 2) DEFAULT '0' NOT NULL,
	"aco" numeric(18, 2) DEFAULT '0' NOT NULL,
	"pbc" numeric(18, 2) DEFAULT '0' NOT NULL,
	"proceeding" numeric(18, 2) DEFAULT '0' NOT NULL,
	"pcc" numeric(18, 2) DEFAULT '0' NOT NULL,
	"cc" numeric(18, 2) DEFAULT '0' NOT NULL,
	"cc_from_cos" numeric(18, 2) DEFAULT '0' NOT NULL,
	"cc_lines" integer DEFAULT 0 NOT NULL,
	"ac" numeric(18, 2) DEFAULT '0' NOT NULL,
	"dc" numeric(18, 2) DEFAULT '0' NOT NULL,
	"ac_lines" integer DEFAULT 0 NOT NULL,
	"method" "forecast_method" DEFAULT 'automatic' NOT NULL,
	"manual_amount" numeric(14, 2),
	"earned_value_amount" numeric(14, 2),
	"ftc" numeric(18, 2) DEFAULT '0' NOT NULL,
	"uncommitted" numeric(18, 2) DEFAULT '0' NOT NULL,
	"is_automatic" boolean DEFAULT true NOT NULL,
	CONSTRAINT "cost_code_totals_key" UNIQUE NULLS NOT DISTINCT("project_id","cost_code_id")
);
--> statement-breakpoint
CREATE TABLE "project_cost_totals" (
	"project_id" uuid PRIMARY KEY NOT NULL,
	"ob" numeric(18, 2) DEFAULT '0' NOT NULL,
	"bt" numeric(18, 2) DEFAULT '0' NOT NULL,
	"aco" numeric(18, 2) DEFAULT '0' NOT NULL,
	"pbc" numeric(18, 2) DEFAULT '0' NOT NULL,
	"proceeding" numeric(18, 2) DEFAULT '0' NOT NULL,
	"pcc" numeric(18, 2) DEFAULT '0' NOT NULL,
	"cc" numeric(18, 2) DEFAULT '0' NOT NULL,
	"ac" numeric(18, 2) DEFAULT '0' NOT NULL,
	"dc" numeric(18, 2) DEFAULT '0' NOT NULL,
	"ftc" numeric(18, 2) DEFAULT '0' NOT NULL,
	"uncommitted" numeric(18, 2) DEFAULT '0' NOT NULL,
	"automatic_codes" integer DEFAULT 0 NOT NULL,
	"approved_client_changes" numeric(18, 2) DEFAULT '0' NOT NULL,
	"billed" numeric(18, 2) DEFAULT '0' NOT NULL,
	"retention_receivable" numeric(18, 2) DEFAULT '0' NOT NULL,
	"certified" numeric(18, 2) DEFAULT '0' NOT NULL,
	"retention_payable" numeric(18, 2) DEFAULT '0' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cost_code_totals" ADD CONSTRAINT "cost_code_totals_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_code_totals" ADD CONSTRAINT "cost_code_totals_cost_code_id_cost_codes_id_fk" FOREIGN KEY ("cost_code_id") REFERENCES "public"."cost_codes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_cost_totals" ADD CONSTRAINT "project_cost_totals_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cost_code_totals_code_idx" ON "cost_code_totals" USING btree ("cost_code_id");--> statement-breakpoint
CREATE INDEX "exceptions_open_project_idx" ON "exceptions" USING btree ("project_id") WHERE "exceptions"."status" = 'open';