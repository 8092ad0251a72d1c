ALTER TYPE "public"."role" ADD VALUE 'subcontractor';--> statement-breakpoint
CREATE TABLE "vendor_invitations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"vendor_id" uuid NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"token_sha256" char(64) NOT NULL,
	"invited_by_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"accepted_user_id" uuid,
	"revoked_at" timestamp with time zone,
	"revoked_by_id" uuid,
	CONSTRAINT "vendor_invitations_accepted" CHECK (("vendor_invitations"."accepted_at" IS NULL) = ("vendor_invitations"."accepted_user_id" IS NULL)),
	CONSTRAINT "vendor_invitations_expiry" CHECK ("vendor_invitations"."expires_at" > "vendor_invitations"."created_at")
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "vendor_id" uuid;--> statement-breakpoint
ALTER TABLE "partners" ADD COLUMN "is_active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "vendor_invoice_number" text;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "declared_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "declared_by_id" uuid;--> statement-breakpoint
ALTER TABLE "vendor_invitations" ADD CONSTRAINT "vendor_invitations_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vendor_invitations" ADD CONSTRAINT "vendor_invitations_vendor_id_partners_id_fk" FOREIGN KEY ("vendor_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vendor_invitations" ADD CONSTRAINT "vendor_invitations_invited_by_id_users_id_fk" FOREIGN KEY ("invited_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vendor_invitations" ADD CONSTRAINT "vendor_invitations_accepted_user_id_users_id_fk" FOREIGN KEY ("accepted_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vendor_invitations" ADD CONSTRAINT "vendor_invitations_revoked_by_id_users_id_fk" FOREIGN KEY ("revoked_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "vendor_invitations_token_unique" ON "vendor_invitations" USING btree ("token_sha256");--> statement-breakpoint
CREATE INDEX "vendor_invitations_vendor_idx" ON "vendor_invitations" USING btree ("vendor_id","created_at");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_vendor_id_partners_id_fk" FOREIGN KEY ("vendor_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_declared_by_id_users_id_fk" FOREIGN KEY ("declared_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "users_vendor_idx" ON "users" USING btree ("vendor_id") WHERE "users"."vendor_id" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_vendor_iff_subcontractor" CHECK (("users"."role"::text = 'subcontractor') = ("users"."vendor_id" IS NOT NULL));