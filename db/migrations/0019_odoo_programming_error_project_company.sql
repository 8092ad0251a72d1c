ALTER TYPE "public"."sync_outcome" ADD VALUE 'programming_error' BEFORE 'crashed';--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "odoo_company_id" integer;