CREATE TABLE "dual_control_kinds" (
	"kind" text PRIMARY KEY NOT NULL,
	"subject_table" text NOT NULL,
	"requester_roles" text[] NOT NULL,
	"confirmer_roles" text[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pending_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"payload" jsonb NOT NULL,
	"summary" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"requested_by_id" uuid NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by_id" uuid,
	"decided_at" timestamp with time zone,
	"comment" text,
	"applied_xact" bigint,
	CONSTRAINT "pending_changes_status" CHECK ("pending_changes"."status" IN ('pending', 'confirmed', 'rejected', 'cancelled')),
	CONSTRAINT "pending_changes_decided_pair" CHECK (("pending_changes"."decided_by_id" IS NULL) = ("pending_changes"."decided_at" IS NULL) AND ("pending_changes"."decided_by_id" IS NULL) = ("pending_changes"."status" = 'pending')),
	CONSTRAINT "pending_changes_second_person" CHECK ("pending_changes"."status" NOT IN ('confirmed', 'rejected') OR "pending_changes"."decided_by_id" <> "pending_changes"."requested_by_id"),
	CONSTRAINT "pending_changes_cancelled_by_requester" CHECK ("pending_changes"."status" <> 'cancelled' OR "pending_changes"."decided_by_id" = "pending_changes"."requested_by_id"),
	CONSTRAINT "pending_changes_applied_when_confirmed" CHECK (("pending_changes"."applied_xact" IS NOT NULL) = ("pending_changes"."status" = 'confirmed'))
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "must_change_password" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "pending_changes" ADD CONSTRAINT "pending_changes_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pending_changes" ADD CONSTRAINT "pending_changes_kind_dual_control_kinds_kind_fk" FOREIGN KEY ("kind") REFERENCES "public"."dual_control_kinds"("kind") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pending_changes" ADD CONSTRAINT "pending_changes_requested_by_id_users_id_fk" FOREIGN KEY ("requested_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pending_changes" ADD CONSTRAINT "pending_changes_decided_by_id_users_id_fk" FOREIGN KEY ("decided_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "pending_changes_one_open" ON "pending_changes" USING btree ("kind","subject_id") WHERE "pending_changes"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "pending_changes_org_status_idx" ON "pending_changes" USING btree ("organisation_id","status");