CREATE TABLE "compliance_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"vendor_id" uuid NOT NULL,
	"document_id" uuid NOT NULL,
	"type" text NOT NULL,
	"expires_on" date NOT NULL,
	"status" text DEFAULT 'submitted' NOT NULL,
	"submitted_by_id" uuid NOT NULL,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reviewed_by_id" uuid,
	"reviewed_at" timestamp with time zone,
	"rejection_reason" text,
	"pending_change_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "compliance_documents_type" CHECK ("compliance_documents"."type" IN ('insurance', 'licence', 'tax')),
	CONSTRAINT "compliance_documents_status" CHECK ("compliance_documents"."status" IN ('submitted', 'accepted', 'rejected')),
	CONSTRAINT "compliance_documents_review" CHECK (("compliance_documents"."status" = 'submitted') = ("compliance_documents"."reviewed_by_id" IS NULL AND "compliance_documents"."reviewed_at" IS NULL)),
	CONSTRAINT "compliance_documents_rejection_reason" CHECK (("compliance_documents"."status" = 'rejected') = ("compliance_documents"."rejection_reason" IS NOT NULL AND length(btrim("compliance_documents"."rejection_reason")) > 0)),
	CONSTRAINT "compliance_documents_accepted_change" CHECK (("compliance_documents"."status" = 'accepted') = ("compliance_documents"."pending_change_id" IS NOT NULL)),
	CONSTRAINT "compliance_documents_reviewer_not_submitter" CHECK ("compliance_documents"."reviewed_by_id" <> "compliance_documents"."submitted_by_id")
);
--> statement-breakpoint
ALTER TABLE "partners" ADD COLUMN "tax_certificate_expires_on" date;--> statement-breakpoint
ALTER TABLE "partners" ADD COLUMN "compliance_sync_status" "sync_status" DEFAULT 'not_required' NOT NULL;--> statement-breakpoint
ALTER TABLE "partners" ADD COLUMN "odoo_compliance_tagged" boolean;--> statement-breakpoint
ALTER TABLE "compliance_documents" ADD CONSTRAINT "compliance_documents_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_documents" ADD CONSTRAINT "compliance_documents_vendor_id_partners_id_fk" FOREIGN KEY ("vendor_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_documents" ADD CONSTRAINT "compliance_documents_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_documents" ADD CONSTRAINT "compliance_documents_submitted_by_id_users_id_fk" FOREIGN KEY ("submitted_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_documents" ADD CONSTRAINT "compliance_documents_reviewed_by_id_users_id_fk" FOREIGN KEY ("reviewed_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_documents" ADD CONSTRAINT "compliance_documents_pending_change_id_pending_changes_id_fk" FOREIGN KEY ("pending_change_id") REFERENCES "public"."pending_changes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "compliance_documents_document_unique" ON "compliance_documents" USING btree ("document_id");--> statement-breakpoint
CREATE INDEX "compliance_documents_vendor_idx" ON "compliance_documents" USING btree ("vendor_id","submitted_at");