CREATE TABLE "approval_authors" (
	"record_type" text NOT NULL,
	"record_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"noted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "approval_authors_record_type_record_id_user_id_pk" PRIMARY KEY("record_type","record_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "approval_record_types" (
	"record_type" text PRIMARY KEY NOT NULL,
	"table_name" text NOT NULL,
	"author_columns" text[] NOT NULL,
	"amount_column" text,
	"decided_states" text[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "approval_routes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"record_type" text NOT NULL,
	"record_id" uuid NOT NULL,
	"cycle" integer DEFAULT 1 NOT NULL,
	"step" integer NOT NULL,
	"step_name" text NOT NULL,
	"role" text NOT NULL,
	"routing_amount" numeric(14, 2) NOT NULL,
	"reason" text NOT NULL,
	"fixed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "approval_step_definitions" (
	"record_type" text NOT NULL,
	"step" integer NOT NULL,
	"step_name" text NOT NULL,
	"roles" text[] NOT NULL,
	"applies" text NOT NULL,
	"authors_may_act" boolean DEFAULT false NOT NULL,
	"awaits" text NOT NULL,
	"reaches" text NOT NULL,
	CONSTRAINT "approval_step_definitions_record_type_step_pk" PRIMARY KEY("record_type","step"),
	CONSTRAINT "approval_step_definitions_applies" CHECK ("approval_step_definitions"."applies" IN ('always', 'above_pm_limit', 'above_executive_limit'))
);
--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "materials_claimed_to_date_amount" numeric(14, 2) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "materials_reason" text;--> statement-breakpoint
ALTER TABLE "approval_authors" ADD CONSTRAINT "approval_authors_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_step_definitions" ADD CONSTRAINT "approval_step_definitions_record_type_approval_record_types_record_type_fk" FOREIGN KEY ("record_type") REFERENCES "public"."approval_record_types"("record_type") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "approval_routes_step_unique" ON "approval_routes" USING btree ("record_type","record_id","cycle","step");--> statement-breakpoint
CREATE UNIQUE INDEX "claims_one_release_per_stage" ON "claims" USING btree ("subcontract_id","retention_release_stage") WHERE "claims"."type" = 'retention_release' AND "claims"."status" <> 'rejected';--> statement-breakpoint
ALTER TABLE "change_orders" DROP COLUMN "approval_route";