-- Audit trail integrity: the chain is computed by the database, so no application path can skip it,
-- and no role (the application's included) can rewrite or remove history.
CREATE OR REPLACE FUNCTION audit_event_digest(e audit_events) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(
    e.chain_seq::text || '|' || coalesce(e.prev_hash, '\N') || '|' ||
    coalesce(e.actor_id::text, '\N') || '|' || coalesce(e.actor_role, '\N') || '|' ||
    e.action || '|' || e.entity_type || '|' || e.entity_id || '|' ||
    coalesce(e.from_state, '\N') || '|' || coalesce(e.to_state, '\N') || '|' ||
    coalesce(e.changed_fields::text, '\N') || '|' || coalesce(e.comment, '\N') || '|' ||
    coalesce(e.correlation_id::text, '\N') || '|' ||
    to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
  'UTF8')), 'hex')
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_events_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  last_row record;
BEGIN
  -- One writer at a time extends the chain; held until commit so chain order = commit order.
  PERFORM pg_advisory_xact_lock(724100117);
  SELECT chain_seq, hash INTO last_row FROM audit_events ORDER BY chain_seq DESC NULLS LAST LIMIT 1;
  NEW.chain_seq := coalesce(last_row.chain_seq, 0) + 1;
  NEW.prev_hash := coalesce(last_row.hash, 'GENESIS');
  NEW.hash := audit_event_digest(NEW);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_chain();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
