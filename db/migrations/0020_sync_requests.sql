CREATE TABLE "sync_requests" (
	"record_type" text NOT NULL,
	"record_id" uuid NOT NULL,
	"correlation_id" uuid,
	"attempt" integer DEFAULT 1 NOT NULL,
	"generation" integer DEFAULT 1 NOT NULL,
	"run_after" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_by" text,
	"claimed_at" timestamp with time zone,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_requests_record_type_record_id_pk" PRIMARY KEY("record_type","record_id")
);
--> statement-breakpoint
CREATE INDEX "sync_requests_due_idx" ON "sync_requests" USING btree ("record_type","run_after") WHERE claimed_by IS NULL;--> statement-breakpoint
CREATE INDEX "sync_requests_claimed_by_idx" ON "sync_requests" USING btree ("claimed_by") WHERE claimed_by IS NOT NULL;--> statement-breakpoint
-- Sync jobs queued by the previous engine (one graphile job keyed sync:<type>:<uuid> per record) become
-- sync requests; the jobs themselves stay and, run by the new engine, drain their record type.
DO $$
BEGIN
  IF to_regclass('graphile_worker.jobs') IS NOT NULL THEN
    INSERT INTO "sync_requests" ("record_type", "record_id", "run_after")
    SELECT split_part(key, ':', 2), split_part(key, ':', 3)::uuid, min(run_at)
    FROM graphile_worker.jobs
    WHERE task_identifier = 'sync_record' AND key ~ '^sync:[a-z_]+:[0-9a-f-]{36}$'
    GROUP BY 1, 2
    ON CONFLICT DO NOTHING;
  END IF;
END $$;
