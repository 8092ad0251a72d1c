CREATE TABLE "odoo_unlinked_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"odoo_model" text NOT NULL,
	"odoo_id" integer NOT NULL,
	"name" text NOT NULL,
	"reason" text NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "odoo_unlinked_records" ADD CONSTRAINT "odoo_unlinked_records_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "odoo_unlinked_records_key" ON "odoo_unlinked_records" USING btree ("organisation_id","odoo_model","odoo_id");