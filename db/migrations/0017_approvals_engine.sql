-- One approvals engine in the database (issue 13). The route definitions of server/modules/approvals/
-- approvals.ts are written into approval_record_types / approval_step_definitions (a test fails when
-- they disagree); ONE generic guard checks every decision, route and decided state against them.
-- It replaces the per-workflow copies of 0003, 0006, 0011 and 0013.

INSERT INTO approval_record_types (record_type, table_name, author_columns, amount_column, decided_states) VALUES
  ('change_order', 'change_orders', ARRAY['created_by_id', 'submitted_by_id'], 'routing_amount', ARRAY['approved']),
  ('claim', 'claims', ARRAY['created_by_id', 'submitted_by_id'], 'due_amount', ARRAY['certified', 'approved', 'released', 'posted', 'paid']),
  ('milestone', 'milestones', ARRAY['created_by_id', 'completion_claimed_by_id'], NULL, ARRAY['completion_claimed', 'verified', 'released', 'invoiced', 'paid']);
--> statement-breakpoint
INSERT INTO approval_step_definitions (record_type, step, step_name, roles, applies, authors_may_act, awaits, reaches) VALUES
  ('change_order', 1, 'qs_review', ARRAY['quantity_surveyor'], 'always', false, 'submitted', 'approved'),
  ('change_order', 2, 'pm_approval', ARRAY['project_manager'], 'always', false, 'submitted', 'approved'),
  ('change_order', 3, 'executive_approval', ARRAY['executive'], 'above_pm_limit', false, 'submitted', 'approved'),
  ('change_order', 4, 'second_executive_approval', ARRAY['executive'], 'above_executive_limit', false, 'submitted', 'approved'),
  ('claim', 1, 'certify', ARRAY['quantity_surveyor'], 'always', true, 'submitted', 'certified'),
  ('claim', 2, 'approve', ARRAY['project_manager'], 'always', false, 'certified', 'approved'),
  ('claim', 3, 'executive_approve', ARRAY['executive'], 'above_pm_limit', false, 'certified', 'approved'),
  ('claim', 4, 'release', ARRAY['finance'], 'always', false, 'approved', 'released'),
  ('milestone', 1, 'claim_completion', ARRAY['project_manager'], 'always', true, 'planned', 'completion_claimed'),
  ('milestone', 2, 'verify', ARRAY['quantity_surveyor'], 'always', false, 'completion_claimed', 'verified'),
  ('milestone', 3, 'release', ARRAY['finance'], 'always', false, 'verified', 'released');
--> statement-breakpoint
-- The per-workflow copies go: the hand-written self-approval trigger, the CO-only "approved needs
-- decisions" trigger, and the step-name/cycle CHECKs (the definitions table now says both).
DROP TRIGGER IF EXISTS approval_decisions_no_self_approval ON approval_decisions;
--> statement-breakpoint
DROP FUNCTION IF EXISTS approval_decisions_no_self_approval();
--> statement-breakpoint
DROP TRIGGER IF EXISTS change_orders_approval_needs_decisions ON change_orders;
--> statement-breakpoint
DROP FUNCTION IF EXISTS change_orders_approval_needs_decisions();
--> statement-breakpoint
ALTER TABLE approval_decisions DROP CONSTRAINT IF EXISTS approval_decisions_step_names;
--> statement-breakpoint
ALTER TABLE approval_decisions DROP CONSTRAINT IF EXISTS approval_decisions_single_cycle;
--> statement-breakpoint
-- approval_route (jsonb) moved to approval_routes; the freeze keeps its other columns.
CREATE OR REPLACE FUNCTION change_orders_freeze_decided() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status IN ('approved', 'void') AND (
       NEW.status IS DISTINCT FROM OLD.status OR NEW.cost_total_amount IS DISTINCT FROM OLD.cost_total_amount
       OR NEW.sell_total_amount IS DISTINCT FROM OLD.sell_total_amount OR NEW.kind IS DISTINCT FROM OLD.kind
       OR NEW.title IS DISTINCT FROM OLD.title OR NEW.subcontract_id IS DISTINCT FROM OLD.subcontract_id
       OR NEW.project_id IS DISTINCT FROM OLD.project_id OR NEW.routing_amount IS DISTINCT FROM OLD.routing_amount) THEN
    RAISE EXCEPTION 'change order % is %: it cannot be edited (raise a new change order instead)', OLD.reference, OLD.status
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
-- DOMAIN §3: the routing amount is the largest of |net cost|, the gross movement (Σ positive lines)
-- and |sell change| of a client CO. Open COs are re-routed on it; the database keeps it honest on
-- the totals it can see (the lines' sum is re-checked when a route is fixed).
UPDATE change_orders co SET routing_amount = greatest(
    abs(co.cost_total_amount),
    coalesce((SELECT sum(l.cost_amount) FROM change_order_lines l WHERE l.change_order_id = co.id AND l.cost_amount > 0), 0),
    CASE WHEN co.kind = 'client' THEN abs(coalesce(co.sell_total_amount, 0)) ELSE 0 END)
  WHERE co.status IN ('draft', 'submitted', 'rejected');
--> statement-breakpoint
ALTER TABLE change_orders ADD CONSTRAINT change_orders_routing_covers_totals
  CHECK (routing_amount >= abs(cost_total_amount) AND (kind <> 'client' OR routing_amount >= abs(coalesce(sell_total_amount, 0)))) NOT VALID;
--> statement-breakpoint
-- The record a decision or route is about, as jsonb, with its organisation's limits.
CREATE OR REPLACE FUNCTION approval_subject(p_type text, p_id uuid) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
  t approval_record_types;
  rec jsonb;
BEGIN
  SELECT * INTO t FROM approval_record_types WHERE record_type = p_type;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'approval refused: % is not an approvable record type', p_type USING ERRCODE = 'check_violation';
  END IF;
  EXECUTE format('SELECT to_jsonb(r) FROM %I r WHERE r.id = $1', t.table_name) INTO rec USING p_id;
  IF rec IS NULL THEN
    RAISE EXCEPTION 'approval refused: % % does not exist', p_type, p_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN rec || jsonb_build_object(
    '_cycle', coalesce((rec->>'cycle')::int, 1),
    '_amount', CASE WHEN t.amount_column IS NULL THEN NULL ELSE abs(coalesce((rec->>t.amount_column)::numeric, 0)) END,
    '_authors', (SELECT coalesce(jsonb_agg(rec->>c) FILTER (WHERE rec->>c IS NOT NULL), '[]'::jsonb) FROM unnest(t.author_columns) AS c),
    '_limits', (SELECT to_jsonb(o) FROM organisations o
                 WHERE o.id = coalesce((rec->>'organisation_id')::uuid, (SELECT p.organisation_id FROM projects p WHERE p.id = (rec->>'project_id')::uuid)))
  );
END
$$;
--> statement-breakpoint
-- A route row names a defined step, a role the step allows, and an amount at least the record's.
CREATE OR REPLACE FUNCTION approval_routes_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  d approval_step_definitions;
  rec jsonb;
BEGIN
  SELECT * INTO d FROM approval_step_definitions WHERE record_type = NEW.record_type AND step = NEW.step;
  IF NOT FOUND OR d.step_name <> NEW.step_name OR NOT (NEW.role = ANY (d.roles)) THEN
    RAISE EXCEPTION 'route refused: step % "%" for a % is not in its definition', NEW.step, NEW.step_name, NEW.role
      USING ERRCODE = 'check_violation';
  END IF;
  rec := approval_subject(NEW.record_type, NEW.record_id);
  IF rec->'_amount' <> 'null'::jsonb AND NEW.routing_amount < (rec->>'_amount')::numeric THEN
    RAISE EXCEPTION 'route refused: routing amount % is below the record''s %', NEW.routing_amount, rec->>'_amount'
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.record_type = 'change_order' AND NEW.routing_amount < (
       SELECT coalesce(sum(cost_amount), 0) FROM change_order_lines WHERE change_order_id = NEW.record_id AND cost_amount > 0) THEN
    RAISE EXCEPTION 'route refused: routing amount % is below the gross budget movement of its lines', NEW.routing_amount
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER approval_routes_guard BEFORE INSERT ON approval_routes
FOR EACH ROW EXECUTE FUNCTION approval_routes_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION approval_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER approval_routes_append_only BEFORE UPDATE OR DELETE ON approval_routes
FOR EACH ROW EXECUTE FUNCTION approval_append_only();
--> statement-breakpoint
CREATE TRIGGER approval_authors_append_only BEFORE UPDATE OR DELETE ON approval_authors
FOR EACH ROW EXECUTE FUNCTION approval_append_only();
--> statement-breakpoint
CREATE TRIGGER approval_definitions_frozen BEFORE INSERT OR UPDATE OR DELETE ON approval_step_definitions
FOR EACH STATEMENT EXECUTE FUNCTION approval_append_only();
--> statement-breakpoint
CREATE TRIGGER approval_record_types_frozen BEFORE INSERT OR UPDATE OR DELETE ON approval_record_types
FOR EACH STATEMENT EXECUTE FUNCTION approval_append_only();
--> statement-breakpoint
-- THE decision guard, for every record type: the step is on the record's fixed route for this cycle,
-- the route holds every step its amount needs under the organisation's limits, earlier steps are
-- approved and none rejected, the decider holds the step's role now, and is no author (creator,
-- submitter, any editor) unless the step allows it. One step per person is the unique index.
CREATE OR REPLACE FUNCTION approval_decisions_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  rec jsonb;
  d approval_step_definitions;
  r approval_routes;
  route_amount numeric;
  missing text;
  pending text;
  decider_role text;
BEGIN
  rec := approval_subject(NEW.record_type, NEW.record_id);
  IF NOT (NEW.cycle = (rec->>'_cycle')::int OR (NEW.decision = 'rejected' AND NEW.cycle = (rec->>'_cycle')::int - 1)) THEN
    RAISE EXCEPTION 'decision on % % filed under cycle %, but its current cycle is %', NEW.record_type, NEW.record_id, NEW.cycle, rec->>'_cycle'
      USING ERRCODE = 'check_violation';
  END IF;
  SELECT * INTO r FROM approval_routes
    WHERE record_type = NEW.record_type AND record_id = NEW.record_id AND cycle = NEW.cycle AND step = NEW.step;
  IF NOT FOUND OR r.step_name <> NEW.step_name THEN
    RAISE EXCEPTION 'decision refused: step % "%" is not on the fixed route of % %', NEW.step, NEW.step_name, NEW.record_type, NEW.record_id
      USING ERRCODE = 'check_violation';
  END IF;
  SELECT * INTO d FROM approval_step_definitions WHERE record_type = NEW.record_type AND step = NEW.step;
  SELECT max(routing_amount) INTO route_amount FROM approval_routes
    WHERE record_type = NEW.record_type AND record_id = NEW.record_id AND cycle = NEW.cycle;
  SELECT string_agg(sd.step_name, ', ' ORDER BY sd.step) INTO missing FROM approval_step_definitions sd
    WHERE sd.record_type = NEW.record_type
      AND (sd.applies = 'always'
           OR (sd.applies = 'above_pm_limit' AND route_amount > (rec->'_limits'->>'pm_limit_amount')::numeric)
           OR (sd.applies = 'above_executive_limit' AND route_amount > (rec->'_limits'->>'executive_limit_amount')::numeric))
      AND NOT EXISTS (SELECT 1 FROM approval_routes ar WHERE ar.record_type = NEW.record_type AND ar.record_id = NEW.record_id
                        AND ar.cycle = NEW.cycle AND ar.step = sd.step);
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'decision refused: the route of % % lacks % required by its amount %', NEW.record_type, NEW.record_id, missing, route_amount
      USING ERRCODE = 'check_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM approval_decisions ad WHERE ad.record_type = NEW.record_type AND ad.record_id = NEW.record_id
               AND ad.cycle = NEW.cycle AND ad.decision = 'rejected') THEN
    RAISE EXCEPTION 'decision refused: % % was rejected in this cycle', NEW.record_type, NEW.record_id USING ERRCODE = 'check_violation';
  END IF;
  SELECT string_agg(ar.step_name, ', ' ORDER BY ar.step) INTO pending FROM approval_routes ar
    WHERE ar.record_type = NEW.record_type AND ar.record_id = NEW.record_id AND ar.cycle = NEW.cycle AND ar.step < NEW.step
      AND NOT EXISTS (SELECT 1 FROM approval_decisions ad WHERE ad.record_type = ar.record_type AND ad.record_id = ar.record_id
                        AND ad.cycle = ar.cycle AND ad.step = ar.step AND ad.decision = 'approved');
  IF pending IS NOT NULL THEN
    RAISE EXCEPTION 'decision refused: earlier steps of % % are not approved (%)', NEW.record_type, NEW.record_id, pending
      USING ERRCODE = 'check_violation';
  END IF;
  IF NOT d.authors_may_act AND (
       rec->'_authors' ? NEW.decided_by_id::text
       OR EXISTS (SELECT 1 FROM approval_authors aa WHERE aa.record_type = NEW.record_type AND aa.record_id = NEW.record_id AND aa.user_id = NEW.decided_by_id)) THEN
    RAISE EXCEPTION 'self-approval refused: an author or editor of % % cannot decide on it', NEW.record_type, NEW.record_id
      USING ERRCODE = 'check_violation';
  END IF;
  SELECT role::text INTO decider_role FROM users WHERE id = NEW.decided_by_id;
  IF decider_role IS DISTINCT FROM r.role OR NEW.role <> r.role THEN
    RAISE EXCEPTION 'decision refused: step % of % % is for a %, not a %', NEW.step, NEW.record_type, NEW.record_id, r.role, coalesce(decider_role, 'unknown user')
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER approval_decisions_guard BEFORE INSERT ON approval_decisions
FOR EACH ROW EXECUTE FUNCTION approval_decisions_guard();
--> statement-breakpoint
-- A record reaches a decided state only with an approving decision, in its current cycle, for every
-- route step that leads there (checked at commit: the service moves the status and writes the
-- decision in one transaction). Generic: the record type is the trigger's argument.
CREATE OR REPLACE FUNCTION approval_decided_state_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  t approval_record_types;
  new_rank int;
  old_rank int;
  cyc int;
  missing text;
BEGIN
  SELECT * INTO t FROM approval_record_types WHERE record_type = TG_ARGV[0];
  new_rank := array_position(t.decided_states, NEW.status::text);
  old_rank := CASE WHEN TG_OP = 'INSERT' THEN 0 ELSE coalesce(array_position(t.decided_states, OLD.status::text), 0) END;
  IF new_rank IS NULL OR new_rank <= old_rank THEN
    RETURN NULL;
  END IF;
  cyc := coalesce((to_jsonb(NEW)->>'cycle')::int, 1);
  IF NOT EXISTS (SELECT 1 FROM approval_routes WHERE record_type = t.record_type AND record_id = NEW.id AND cycle = cyc) THEN
    IF EXISTS (SELECT 1 FROM approval_step_definitions sd WHERE sd.record_type = t.record_type
                 AND array_position(t.decided_states, sd.reaches) > old_rank AND array_position(t.decided_states, sd.reaches) <= new_rank) THEN
      RAISE EXCEPTION '% % cannot become %: it has no approval route', t.record_type, NEW.id, NEW.status USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
  END IF;
  SELECT string_agg(ar.step_name, ', ' ORDER BY ar.step) INTO missing
    FROM approval_routes ar JOIN approval_step_definitions sd ON sd.record_type = ar.record_type AND sd.step = ar.step
    WHERE ar.record_type = t.record_type AND ar.record_id = NEW.id AND ar.cycle = cyc
      AND array_position(t.decided_states, sd.reaches) > old_rank AND array_position(t.decided_states, sd.reaches) <= new_rank
      AND NOT EXISTS (SELECT 1 FROM approval_decisions ad WHERE ad.record_type = ar.record_type AND ad.record_id = ar.record_id
                        AND ad.cycle = ar.cycle AND ad.step = ar.step AND ad.decision = 'approved');
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION '% % cannot be approved to %: no approving decision for %', t.record_type, NEW.id, NEW.status, missing
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER change_orders_decided_state_guard AFTER INSERT OR UPDATE OF status ON change_orders
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION approval_decided_state_guard('change_order');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER claims_decided_state_guard AFTER INSERT OR UPDATE OF status ON claims
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION approval_decided_state_guard('claim');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER milestones_decided_state_guard AFTER INSERT OR UPDATE OF status ON milestones
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION approval_decided_state_guard('milestone');
--> statement-breakpoint
-- Records in flight keep working: their routes are fixed now from the definitions (routing amount,
-- organisation limits), and their creators and submitters become authors.
INSERT INTO approval_routes (record_type, record_id, cycle, step, step_name, role, routing_amount, reason)
SELECT 'change_order', co.id, 1, sd.step, sd.step_name, sd.roles[1], co.routing_amount, 'fixed when the approvals engine was installed'
FROM change_orders co JOIN projects p ON p.id = co.project_id JOIN organisations o ON o.id = p.organisation_id
JOIN approval_step_definitions sd ON sd.record_type = 'change_order'
WHERE co.status = 'submitted'
  AND (sd.applies = 'always' OR (sd.applies = 'above_pm_limit' AND co.routing_amount > o.pm_limit_amount)
       OR (sd.applies = 'above_executive_limit' AND co.routing_amount > o.executive_limit_amount));
--> statement-breakpoint
INSERT INTO approval_routes (record_type, record_id, cycle, step, step_name, role, routing_amount, reason)
SELECT 'claim', c.id, 1, sd.step, sd.step_name, sd.roles[1], abs(coalesce(c.due_amount, 0)), 'fixed when the approvals engine was installed'
FROM claims c JOIN projects p ON p.id = c.project_id JOIN organisations o ON o.id = p.organisation_id
JOIN approval_step_definitions sd ON sd.record_type = 'claim'
WHERE c.status IN ('certified', 'approved')
  AND (sd.applies = 'always' OR (sd.applies = 'above_pm_limit' AND c.status = 'certified' AND abs(coalesce(c.due_amount, 0)) > o.pm_limit_amount));
--> statement-breakpoint
INSERT INTO approval_routes (record_type, record_id, cycle, step, step_name, role, routing_amount, reason)
SELECT 'milestone', m.id, m.cycle, sd.step, sd.step_name, sd.roles[1], coalesce(m.fixed_amount, 0), 'fixed when the approvals engine was installed'
FROM milestones m JOIN approval_step_definitions sd ON sd.record_type = 'milestone'
WHERE m.status IN ('completion_claimed', 'verified');
--> statement-breakpoint
INSERT INTO approval_authors (record_type, record_id, user_id, kind)
SELECT 'change_order', id, created_by_id, 'creator' FROM change_orders
UNION ALL SELECT 'change_order', id, submitted_by_id, 'submitter' FROM change_orders WHERE submitted_by_id IS NOT NULL
UNION ALL SELECT 'claim', id, created_by_id, 'creator' FROM claims
UNION ALL SELECT 'claim', id, submitted_by_id, 'submitter' FROM claims WHERE submitted_by_id IS NOT NULL
UNION ALL SELECT 'milestone', id, created_by_id, 'creator' FROM milestones
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- DOMAIN §4 materials on site: the claimed figure is kept apart from the certified one; certified
-- materials never exceed what was claimed (existing claims: claimed = what they hold today).
UPDATE claims SET materials_claimed_to_date_amount = materials_stored_to_date_amount WHERE materials_claimed_to_date_amount < materials_stored_to_date_amount;
--> statement-breakpoint
ALTER TABLE claims ADD CONSTRAINT claims_materials_within_claimed
  CHECK (type = 'retention_release' OR materials_stored_to_date_amount <= materials_claimed_to_date_amount) NOT VALID;
