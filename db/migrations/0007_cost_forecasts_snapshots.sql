CREATE TYPE "public"."forecast_method" AS ENUM('automatic', 'manual', 'committed_only', 'cpi');--> statement-breakpoint
CREATE TABLE "cost_forecasts" (
	"cost_code_id" uuid PRIMARY KEY NOT NULL,
	"project_id" uuid NOT NULL,
	"method" "forecast_method" DEFAULT 'automatic' NOT NULL,
	"manual_amount" numeric(14, 2),
	"earned_value_amount" numeric(14, 2),
	"reason" text,
	"set_by_id" uuid,
	"set_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cost_snapshots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"period" date NOT NULL,
	"kind" text NOT NULL,
	"taken_by_id" uuid,
	"taken_at" timestamp with time zone DEFAULT now() NOT NULL,
	"report" jsonb NOT NULL,
	"estimate_at_completion_amount" numeric(14, 2) NOT NULL,
	"revised_budget_amount" numeric(14, 2) NOT NULL,
	"revised_contract_amount" numeric(14, 2) NOT NULL,
	"actual_cost_amount" numeric(14, 2) NOT NULL,
	"billed_amount" numeric(14, 2) NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cost_forecasts" ADD CONSTRAINT "cost_forecasts_cost_code_id_cost_codes_id_fk" FOREIGN KEY ("cost_code_id") REFERENCES "public"."cost_codes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_forecasts" ADD CONSTRAINT "cost_forecasts_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_forecasts" ADD CONSTRAINT "cost_forecasts_set_by_id_users_id_fk" FOREIGN KEY ("set_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_snapshots" ADD CONSTRAINT "cost_snapshots_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_snapshots" ADD CONSTRAINT "cost_snapshots_taken_by_id_users_id_fk" FOREIGN KEY ("taken_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cost_snapshots_project_period_idx" ON "cost_snapshots" USING btree ("project_id","period");--> statement-breakpoint
CREATE UNIQUE INDEX "cost_snapshots_month_end_unique" ON "cost_snapshots" USING btree ("project_id","period") WHERE "cost_snapshots"."kind" = 'month_end';