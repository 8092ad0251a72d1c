CREATE TABLE "audit_pending" (
	"event_id" bigint PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_seals" (
	"chain_seq" bigint PRIMARY KEY NOT NULL,
	"event_id" bigint NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	"mac" text,
	"sealed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_seals" ADD CONSTRAINT "audit_seals_event_id_audit_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."audit_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_seals_event_unique" ON "audit_seals" USING btree ("event_id");--> statement-breakpoint
-- Issue 13 item 7 / issue 18 item 1: the chain leaves the insert path. Approvals no longer wait on one
-- global lock; each event is queued in audit_pending by this trigger and sealed shortly after commit by
-- the worker (server/modules/audit/audit-chain.ts), which holds the key the database never sees.
DROP TRIGGER IF EXISTS audit_events_chain ON audit_events;
--> statement-breakpoint
DROP FUNCTION IF EXISTS audit_events_chain();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_events_queue_seal() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_pending (event_id) VALUES (NEW.id);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_queue_seal AFTER INSERT ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_queue_seal();
--> statement-breakpoint
-- the old in-row chain carries over as the chain's prefix (no keyed seal: they predate the key)
INSERT INTO audit_seals (chain_seq, event_id, prev_hash, hash, mac)
SELECT chain_seq, id, prev_hash, hash, NULL FROM audit_events WHERE chain_seq IS NOT NULL;
--> statement-breakpoint
INSERT INTO audit_pending (event_id)
SELECT id FROM audit_events WHERE chain_seq IS NULL;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_seals_no_update BEFORE UPDATE OR DELETE ON audit_seals
FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals
FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
