CREATE TABLE "document_blobs" (
	"sha256" char(64) PRIMARY KEY NOT NULL,
	"size_bytes" integer NOT NULL,
	"content_type" text NOT NULL,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "document_blobs_size" CHECK ("document_blobs"."size_bytes" > 0 AND "document_blobs"."size_bytes" <= 26214400 AND octet_length("document_blobs"."content") = "document_blobs"."size_bytes"),
	CONSTRAINT "document_blobs_hash" CHECK (encode(sha256("document_blobs"."content"), 'hex') = "document_blobs"."sha256")
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"record_type" text NOT NULL,
	"record_id" uuid NOT NULL,
	"kind" text DEFAULT 'other' NOT NULL,
	"blob_sha256" char(64) NOT NULL,
	"file_name" text NOT NULL,
	"uploaded_by_id" uuid NOT NULL,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	"removed_by_id" uuid,
	CONSTRAINT "documents_file_name" CHECK (length("documents"."file_name") BETWEEN 1 AND 200),
	CONSTRAINT "documents_removed_pair" CHECK (("documents"."removed_at" IS NULL) = ("documents"."removed_by_id" IS NULL))
);
--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_blob_sha256_document_blobs_sha256_fk" FOREIGN KEY ("blob_sha256") REFERENCES "public"."document_blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_uploaded_by_id_users_id_fk" FOREIGN KEY ("uploaded_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_removed_by_id_users_id_fk" FOREIGN KEY ("removed_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "documents_record_idx" ON "documents" USING btree ("record_type","record_id");--> statement-breakpoint
-- A document's bytes never change under their hash; a document row only ever gains its removal
-- (who and when): the record, the blob, the name and the uploader stay as they were uploaded.
CREATE FUNCTION documents_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'document_blobs' THEN
    RAISE EXCEPTION 'document content is written once and never changed' USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.id <> OLD.id OR NEW.organisation_id <> OLD.organisation_id OR NEW.record_type <> OLD.record_type
     OR NEW.record_id <> OLD.record_id OR NEW.blob_sha256 <> OLD.blob_sha256 OR NEW.file_name <> OLD.file_name
     OR NEW.kind <> OLD.kind OR NEW.uploaded_by_id <> OLD.uploaded_by_id OR NEW.uploaded_at <> OLD.uploaded_at
     OR (OLD.removed_at IS NOT NULL) THEN
    RAISE EXCEPTION 'a document is never rewritten; it can only be removed once' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER document_blobs_append_only BEFORE UPDATE ON document_blobs FOR EACH ROW EXECUTE FUNCTION documents_append_only();
--> statement-breakpoint
CREATE TRIGGER documents_append_only BEFORE UPDATE ON documents FOR EACH ROW EXECUTE FUNCTION documents_append_only();
