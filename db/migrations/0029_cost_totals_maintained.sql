-- The portfolio over maintained sums (issue 18 item 3). cost_code_totals holds DOMAIN §7's sums per
-- cost code (plus one row per project for what is on no code) and project_cost_totals their column
-- sums per project with the project figures of the portfolio. Both are written only here: by
-- triggers on the source rows, in the transaction that writes them, and by cost_totals_rebuild().
-- cost_totals_verify() compares every stored figure with a full aggregation of history.
--
-- Locking: every maintaining trigger first locks the project_cost_totals rows of the projects it
-- touches, in project id order, then the code rows. So a project's cost-affecting writes serialise on
-- its totals row until their transaction ends (approvals already serialised on the project's budget
-- rows), and two transactions that each touch one project cannot deadlock on these rows.

-- FTC of DOMAIN §7 (mirrors costReportCte in server/modules/cost/cost-report.sql.ts and
-- cost-report.calc.ts; the tests compare all three): locked = CC + DC + PCC, pb = RB + PBC.
CREATE OR REPLACE FUNCTION cost_effective_method(p_method forecast_method, p_manual numeric, p_ev numeric, p_ac numeric)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN p_method = 'cpi' AND coalesce(p_ev, 0) > 0 AND p_ac > 0 THEN 'cpi'
    WHEN p_method = 'cpi' OR (p_method = 'manual' AND p_manual IS NULL) THEN 'automatic'
    ELSE p_method::text
  END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cost_ftc(p_method forecast_method, p_manual numeric, p_ev numeric, p_pb numeric, p_locked numeric, p_ac numeric)
RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE cost_effective_method(p_method, p_manual, p_ev, p_ac)
    WHEN 'committed_only' THEN 0
    WHEN 'manual' THEN p_manual
    WHEN 'cpi' THEN round(greatest(p_pb - p_locked, 0) * p_ac / p_ev, 2)
    ELSE greatest(p_pb - p_locked, 0)
  END
$$;
--> statement-breakpoint
-- A change to the sums of one (project, cost code) row; cost_totals_apply adds a set of them.
CREATE TYPE cost_totals_delta AS (
  project_id uuid, cost_code_id uuid, ob numeric, bt numeric, aco numeric, pbc numeric, proceeding numeric,
  pcc numeric, cc numeric, cc_from_cos numeric, cc_lines integer, ac numeric, dc numeric, ac_lines integer
);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cost_totals_lock(p_projects uuid[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM 1 FROM project_cost_totals WHERE project_id = ANY (p_projects) ORDER BY project_id FOR UPDATE;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cost_totals_apply(p_deltas cost_totals_delta[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  touched uuid[];
BEGIN
  IF coalesce(cardinality(p_deltas), 0) = 0 THEN RETURN; END IF;
  SELECT array_agg(DISTINCT d.project_id) INTO touched FROM unnest(p_deltas) AS d;
  PERFORM cost_totals_lock(touched);
  INSERT INTO cost_code_totals AS t
    (project_id, cost_code_id, ob, bt, aco, pbc, proceeding, pcc, cc, cc_from_cos, cc_lines, ac, dc, ac_lines,
     method, manual_amount, earned_value_amount)
  SELECT d.project_id, d.cost_code_id, d.ob, d.bt, d.aco, d.pbc, d.proceeding, d.pcc, d.cc, d.cc_from_cos, d.cc_lines,
         d.ac, d.dc, d.ac_lines, coalesce(f.method, 'automatic'), f.manual_amount, f.earned_value_amount
  FROM (
    SELECT d.project_id, d.cost_code_id,
           sum(coalesce(d.ob, 0)) AS ob, sum(coalesce(d.bt, 0)) AS bt, sum(coalesce(d.aco, 0)) AS aco,
           sum(coalesce(d.pbc, 0)) AS pbc, sum(coalesce(d.proceeding, 0)) AS proceeding, sum(coalesce(d.pcc, 0)) AS pcc,
           sum(coalesce(d.cc, 0)) AS cc, sum(coalesce(d.cc_from_cos, 0)) AS cc_from_cos, sum(coalesce(d.cc_lines, 0))::int AS cc_lines,
           sum(coalesce(d.ac, 0)) AS ac, sum(coalesce(d.dc, 0)) AS dc, sum(coalesce(d.ac_lines, 0))::int AS ac_lines
    FROM unnest(p_deltas) AS d
    GROUP BY d.project_id, d.cost_code_id
  ) AS d
  LEFT JOIN cost_forecasts f ON f.cost_code_id = d.cost_code_id
  WHERE d.ob <> 0 OR d.bt <> 0 OR d.aco <> 0 OR d.pbc <> 0 OR d.proceeding <> 0 OR d.pcc <> 0 OR d.cc <> 0
     OR d.cc_from_cos <> 0 OR d.cc_lines <> 0 OR d.ac <> 0 OR d.dc <> 0 OR d.ac_lines <> 0
  ORDER BY d.project_id, d.cost_code_id
  ON CONFLICT ON CONSTRAINT cost_code_totals_key DO UPDATE SET
    ob = t.ob + excluded.ob, bt = t.bt + excluded.bt, aco = t.aco + excluded.aco, pbc = t.pbc + excluded.pbc,
    proceeding = t.proceeding + excluded.proceeding, pcc = t.pcc + excluded.pcc, cc = t.cc + excluded.cc,
    cc_from_cos = t.cc_from_cos + excluded.cc_from_cos, cc_lines = t.cc_lines + excluded.cc_lines,
    ac = t.ac + excluded.ac, dc = t.dc + excluded.dc, ac_lines = t.ac_lines + excluded.ac_lines;
END
$$;
--> statement-breakpoint
-- Derived figures of a code row, and the guard: only the maintaining triggers (nested: trigger depth
-- 2 or more, which includes foreign-key cascades) and cost_totals_rebuild() write these tables.
CREATE OR REPLACE FUNCTION cost_totals_written_by_maintenance() RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT pg_trigger_depth() >= 2 OR coalesce(current_setting('plumbline.cost_totals_rebuild', true), '') = 'on'
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cost_code_totals_derive() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT cost_totals_written_by_maintenance() THEN
    RAISE EXCEPTION 'cost totals are maintained by triggers: write the source rows, or run cost_totals_rebuild()'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  NEW.ftc := cost_ftc(NEW.method, NEW.manual_amount, NEW.earned_value_amount,
                      NEW.ob + NEW.bt + NEW.aco + NEW.pbc, NEW.cc + NEW.dc + NEW.pcc, NEW.ac);
  NEW.uncommitted := greatest(NEW.ob + NEW.bt + NEW.aco - NEW.cc, 0);
  NEW.is_automatic := NEW.cost_code_id IS NOT NULL
    AND cost_effective_method(NEW.method, NEW.manual_amount, NEW.earned_value_amount, NEW.ac) = 'automatic';
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cost_code_totals_derive BEFORE INSERT OR UPDATE OR DELETE ON cost_code_totals
  FOR EACH ROW EXECUTE FUNCTION cost_code_totals_derive();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION project_cost_totals_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT cost_totals_written_by_maintenance() THEN
    RAISE EXCEPTION 'cost totals are maintained by triggers: write the source rows, or run cost_totals_rebuild()'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
--> statement-breakpoint
CREATE TRIGGER project_cost_totals_guard BEFORE INSERT OR UPDATE OR DELETE ON project_cost_totals
  FOR EACH ROW EXECUTE FUNCTION project_cost_totals_guard();
--> statement-breakpoint
-- A code row's change rolls up into its project's row (the project row is already locked).
CREATE OR REPLACE FUNCTION cost_code_totals_roll_up() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF coalesce(current_setting('plumbline.cost_totals_rebuild', true), '') = 'on' THEN RETURN NULL; END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE project_cost_totals SET
      ob = ob - OLD.ob, bt = bt - OLD.bt, aco = aco - OLD.aco, pbc = pbc - OLD.pbc, proceeding = proceeding - OLD.proceeding,
      pcc = pcc - OLD.pcc, cc = cc - OLD.cc, ac = ac - OLD.ac, dc = dc - OLD.dc, ftc = ftc - OLD.ftc,
      uncommitted = uncommitted - OLD.uncommitted, automatic_codes = automatic_codes - OLD.is_automatic::int
    WHERE project_id = OLD.project_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE project_cost_totals SET
      ob = ob + NEW.ob, bt = bt + NEW.bt, aco = aco + NEW.aco, pbc = pbc + NEW.pbc, proceeding = proceeding + NEW.proceeding,
      pcc = pcc + NEW.pcc, cc = cc + NEW.cc, ac = ac + NEW.ac, dc = dc + NEW.dc, ftc = ftc + NEW.ftc,
      uncommitted = uncommitted + NEW.uncommitted, automatic_codes = automatic_codes + NEW.is_automatic::int
    WHERE project_id = NEW.project_id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cost_code_totals_roll_up AFTER INSERT OR UPDATE OR DELETE ON cost_code_totals
  FOR EACH ROW EXECUTE FUNCTION cost_code_totals_roll_up();
--> statement-breakpoint

-- ── Sources per code ──────────────────────────────────────────────────────────────────────────────

-- projects: their totals row exists from the start
CREATE OR REPLACE FUNCTION cost_totals_projects() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO project_cost_totals (project_id) SELECT id FROM new_rows ORDER BY id ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cost_totals_projects_insert AFTER INSERT ON projects
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_projects();
--> statement-breakpoint
-- cost codes: OB (a code moved to another project leaves its old row and starts a new one)
CREATE OR REPLACE FUNCTION cost_totals_cost_codes() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  d cost_totals_delta[] := '{}';
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    d := d || ARRAY(SELECT ROW(n.project_id, n.id, n.original_budget_amount, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)::cost_totals_delta FROM new_rows n);
  END IF;
  IF TG_OP = 'UPDATE' THEN
    d := d || ARRAY(SELECT ROW(o.project_id, o.id, -o.original_budget_amount, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)::cost_totals_delta FROM old_rows o);
  END IF;
  PERFORM cost_totals_apply(d);
  IF TG_OP = 'INSERT' THEN
    -- every code has its row, even before it has history (the report lists codes, not rows)
    PERFORM cost_totals_lock(ARRAY(SELECT DISTINCT project_id FROM new_rows));
    INSERT INTO cost_code_totals (project_id, cost_code_id)
    SELECT n.project_id, n.id FROM new_rows n ORDER BY n.project_id, n.id ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cost_totals_cost_codes_insert AFTER INSERT ON cost_codes
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_cost_codes();
--> statement-breakpoint
CREATE TRIGGER cost_totals_cost_codes_update AFTER UPDATE ON cost_codes
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_cost_codes();
--> statement-breakpoint
-- forecasts: copied onto the code's row (no row = automatic)
CREATE OR REPLACE FUNCTION cost_totals_cost_forecasts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM cost_totals_lock(ARRAY(SELECT DISTINCT c.project_id FROM old_rows o JOIN cost_codes c ON c.id = o.cost_code_id));
    UPDATE cost_code_totals t SET method = 'automatic', manual_amount = NULL, earned_value_amount = NULL
    FROM old_rows o WHERE t.cost_code_id = o.cost_code_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM cost_totals_lock(ARRAY(SELECT DISTINCT c.project_id FROM new_rows n JOIN cost_codes c ON c.id = n.cost_code_id));
    UPDATE cost_code_totals t SET method = n.method, manual_amount = n.manual_amount, earned_value_amount = n.earned_value_amount
    FROM new_rows n WHERE t.cost_code_id = n.cost_code_id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cost_totals_cost_forecasts_insert AFTER INSERT ON cost_forecasts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_cost_forecasts();
--> statement-breakpoint
CREATE TRIGGER cost_totals_cost_forecasts_update AFTER UPDATE ON cost_forecasts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_cost_forecasts();
--> statement-breakpoint
CREATE TRIGGER cost_totals_cost_forecasts_delete AFTER DELETE ON cost_forecasts
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_cost_forecasts();
--> statement-breakpoint
-- budget revisions: BT (transfers) and ACO (approved changes), on the code's project
CREATE OR REPLACE FUNCTION cost_totals_budget_revisions() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  d cost_totals_delta[] := '{}';
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    d := d || ARRAY(
      SELECT ROW(c.project_id, n.cost_code_id, 0,
                 CASE WHEN n.kind = 'transfer' THEN n.amount ELSE 0 END,
                 CASE WHEN n.kind = 'approved_change' THEN n.amount ELSE 0 END, 0, 0, 0, 0, 0, 0, 0, 0, 0)::cost_totals_delta
      FROM new_rows n JOIN cost_codes c ON c.id = n.cost_code_id);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    d := d || ARRAY(
      SELECT ROW(c.project_id, o.cost_code_id, 0,
                 CASE WHEN o.kind = 'transfer' THEN -o.amount ELSE 0 END,
                 CASE WHEN o.kind = 'approved_change' THEN -o.amount ELSE 0 END, 0, 0, 0, 0, 0, 0, 0, 0, 0)::cost_totals_delta
      FROM old_rows o JOIN cost_codes c ON c.id = o.cost_code_id);
  END IF;
  PERFORM cost_totals_apply(d);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cost_totals_budget_revisions_insert AFTER INSERT ON budget_revisions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_budget_revisions();
--> statement-breakpoint
CREATE TRIGGER cost_totals_budget_revisions_update AFTER UPDATE ON budget_revisions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_budget_revisions();
--> statement-breakpoint
CREATE TRIGGER cost_totals_budget_revisions_delete AFTER DELETE ON budget_revisions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_budget_revisions();
--> statement-breakpoint
-- pending changes: lines of COs in draft or submitted (PBC; proceeding; PCC = commitment COs)
CREATE OR REPLACE FUNCTION cost_totals_pending_delta(p_sign int, p_code uuid, p_amount numeric, p_status change_order_status,
                                                     p_proceeding boolean, p_kind change_order_kind)
RETURNS cost_totals_delta LANGUAGE sql STABLE AS $$
  SELECT ROW(c.project_id, p_code, 0, 0, 0, p_sign * p_amount,
             CASE WHEN p_proceeding THEN p_sign * p_amount ELSE 0 END,
             CASE WHEN p_kind = 'commitment' THEN p_sign * p_amount ELSE 0 END, 0, 0, 0, 0, 0, 0)::cost_totals_delta
  FROM cost_codes c WHERE c.id = p_code AND p_status IN ('draft', 'submitted')
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cost_totals_change_order_lines() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  d cost_totals_delta[] := '{}';
BEGIN
  -- a line whose CO is gone (deleted with it) was taken out by cost_totals_change_orders_delete
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    d := d || ARRAY(
      SELECT x FROM new_rows n JOIN change_orders co ON co.id = n.change_order_id,
        LATERAL cost_totals_pending_delta(1, n.cost_code_id, n.cost_amount, co.status, co.is_proceeding, co.kind) AS x
      WHERE (x).project_id IS NOT NULL);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    d := d || ARRAY(
      SELECT x FROM old_rows o JOIN change_orders co ON co.id = o.change_order_id,
        LATERAL cost_totals_pending_delta(-1, o.cost_code_id, o.cost_amount, co.status, co.is_proceeding, co.kind) AS x
      WHERE (x).project_id IS NOT NULL);
  END IF;
  PERFORM cost_totals_apply(d);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cost_totals_change_order_lines_insert AFTER INSERT ON change_order_lines
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_change_order_lines();
--> statement-breakpoint
CREATE TRIGGER cost_totals_change_order_lines_update AFTER UPDATE ON change_order_lines
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_change_order_lines();
--> statement-breakpoint
CREATE TRIGGER cost_totals_change_order_lines_delete AFTER DELETE ON change_order_lines
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_change_order_lines();
--> statement-breakpoint
-- a CO whose status (in or out of pending), proceeding flag or kind changes moves its lines' figures
CREATE OR REPLACE FUNCTION cost_totals_change_orders() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM cost_totals_apply(ARRAY(
    SELECT x FROM (
      SELECT o.id, o.status AS old_status, o.is_proceeding AS old_proceeding, o.kind AS old_kind,
             n.status AS new_status, n.is_proceeding AS new_proceeding, n.kind AS new_kind
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o.status, o.is_proceeding, o.kind) IS DISTINCT FROM (n.status, n.is_proceeding, n.kind)) AS ch
    JOIN change_order_lines l ON l.change_order_id = ch.id,
    LATERAL (SELECT cost_totals_pending_delta(-1, l.cost_code_id, l.cost_amount, ch.old_status, ch.old_proceeding, ch.old_kind)
             UNION ALL
             SELECT cost_totals_pending_delta(1, l.cost_code_id, l.cost_amount, ch.new_status, ch.new_proceeding, ch.new_kind)) AS v(x)
    WHERE (x).project_id IS NOT NULL));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cost_totals_change_orders_update AFTER UPDATE ON change_orders
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_change_orders();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cost_totals_change_orders_delete() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM cost_totals_apply(ARRAY(
    SELECT x FROM change_order_lines l,
      LATERAL cost_totals_pending_delta(-1, l.cost_code_id, l.cost_amount, OLD.status, OLD.is_proceeding, OLD.kind) AS x
    WHERE l.change_order_id = OLD.id AND (x).project_id IS NOT NULL));
  RETURN OLD;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cost_totals_change_orders_delete BEFORE DELETE ON change_orders
  FOR EACH ROW EXECUTE FUNCTION cost_totals_change_orders_delete();
--> statement-breakpoint
-- committed: SOV lines of subcontracts not cancelled in Odoo (CC; the part added by COs; line count)
CREATE OR REPLACE FUNCTION cost_totals_sov_delta(p_sign int, p_project uuid, p_state text, p_code uuid, p_amount numeric, p_change_order uuid)
RETURNS cost_totals_delta LANGUAGE sql IMMUTABLE AS $$
  SELECT ROW(p_project, p_code, 0, 0, 0, 0, 0, 0, p_sign * p_amount,
             CASE WHEN p_change_order IS NOT NULL THEN p_sign * p_amount ELSE 0 END, p_sign, 0, 0, 0)::cost_totals_delta
  WHERE p_state IS DISTINCT FROM 'cancel'
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cost_totals_sov_lines() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  d cost_totals_delta[] := '{}';
BEGIN
  -- a line whose subcontract is gone (deleted with it) was taken out by cost_totals_subcontracts_delete
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    d := d || ARRAY(
      SELECT x FROM new_rows n JOIN subcontracts s ON s.id = n.subcontract_id,
        LATERAL cost_totals_sov_delta(1, s.project_id, s.odoo_state, n.cost_code_id, n.scheduled_amount, n.change_order_id) AS x
      WHERE (x).project_id IS NOT NULL);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    d := d || ARRAY(
      SELECT x FROM old_rows o JOIN subcontracts s ON s.id = o.subcontract_id,
        LATERAL cost_totals_sov_delta(-1, s.project_id, s.odoo_state, o.cost_code_id, o.scheduled_amount, o.change_order_id) AS x
      WHERE (x).project_id IS NOT NULL);
  END IF;
  PERFORM cost_totals_apply(d);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cost_totals_sov_lines_insert AFTER INSERT ON sov_lines
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_sov_lines();
--> statement-breakpoint
CREATE TRIGGER cost_totals_sov_lines_update AFTER UPDATE ON sov_lines
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_sov_lines();
--> statement-breakpoint
CREATE TRIGGER cost_totals_sov_lines_delete AFTER DELETE ON sov_lines
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_sov_lines();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cost_totals_subcontracts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM cost_totals_apply(ARRAY(
    SELECT x FROM (
      SELECT o.id, o.project_id AS old_project, o.odoo_state AS old_state, n.project_id AS new_project, n.odoo_state AS new_state
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE o.project_id <> n.project_id OR (o.odoo_state IS DISTINCT FROM 'cancel') <> (n.odoo_state IS DISTINCT FROM 'cancel')) AS ch
    JOIN sov_lines l ON l.subcontract_id = ch.id,
    LATERAL (SELECT cost_totals_sov_delta(-1, ch.old_project, ch.old_state, l.cost_code_id, l.scheduled_amount, l.change_order_id)
             UNION ALL
             SELECT cost_totals_sov_delta(1, ch.new_project, ch.new_state, l.cost_code_id, l.scheduled_amount, l.change_order_id)) AS v(x)
    WHERE (x).project_id IS NOT NULL));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cost_totals_subcontracts_update AFTER UPDATE ON subcontracts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_subcontracts();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cost_totals_subcontracts_delete() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM cost_totals_apply(ARRAY(
    SELECT x FROM sov_lines l,
      LATERAL cost_totals_sov_delta(-1, OLD.project_id, OLD.odoo_state, l.cost_code_id, l.scheduled_amount, l.change_order_id) AS x
    WHERE l.subcontract_id = OLD.id AND (x).project_id IS NOT NULL));
  RETURN OLD;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cost_totals_subcontracts_delete BEFORE DELETE ON subcontracts
  FOR EACH ROW EXECUTE FUNCTION cost_totals_subcontracts_delete();
--> statement-breakpoint
-- actuals: analytic lines (AC; DC = without an Odoo purchase line; line count)
CREATE OR REPLACE FUNCTION cost_totals_analytic_lines() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  d cost_totals_delta[] := '{}';
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    d := d || ARRAY(
      SELECT ROW(n.project_id, n.cost_code_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, n.cost_amount,
                 CASE WHEN n.odoo_purchase_line_id IS NULL THEN n.cost_amount ELSE 0 END, 1)::cost_totals_delta
      FROM new_rows n);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    d := d || ARRAY(
      SELECT ROW(o.project_id, o.cost_code_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, -o.cost_amount,
                 CASE WHEN o.odoo_purchase_line_id IS NULL THEN -o.cost_amount ELSE 0 END, -1)::cost_totals_delta
      FROM old_rows o);
  END IF;
  PERFORM cost_totals_apply(d);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cost_totals_analytic_lines_insert AFTER INSERT ON analytic_lines
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_analytic_lines();
--> statement-breakpoint
CREATE TRIGGER cost_totals_analytic_lines_update AFTER UPDATE ON analytic_lines
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_analytic_lines();
--> statement-breakpoint
CREATE TRIGGER cost_totals_analytic_lines_delete AFTER DELETE ON analytic_lines
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_analytic_lines();
--> statement-breakpoint

-- ── Project figures ───────────────────────────────────────────────────────────────────────────────

-- approved client changes (contract revisions), billed and retention receivable (milestones),
-- certified and retention payable (claims)
CREATE OR REPLACE FUNCTION cost_totals_project_figures() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  touched uuid[];
BEGIN
  -- the projects touched by this statement (both sides of a moved row)
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT project_id) INTO touched FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT project_id) INTO touched FROM old_rows;
  ELSE
    SELECT array_agg(DISTINCT project_id) INTO touched FROM (SELECT project_id FROM new_rows UNION SELECT project_id FROM old_rows) AS p;
  END IF;
  IF touched IS NULL THEN RETURN NULL; END IF;
  PERFORM cost_totals_lock(touched);
  -- recomputed from the project's rows (a few dozen per project, indexed by project), not by delta:
  -- the certified figure is each subcontract's last approved claim, which a delta cannot follow
  IF TG_TABLE_NAME = 'contract_revisions' THEN
    UPDATE project_cost_totals t SET approved_client_changes = coalesce(
      (SELECT sum(cr.amount) FROM contract_revisions cr WHERE cr.project_id = t.project_id), 0)
    WHERE t.project_id = ANY (touched);
  ELSIF TG_TABLE_NAME = 'milestones' THEN
    UPDATE project_cost_totals t SET (billed, retention_receivable) = (
      SELECT coalesce(sum(m.invoice_amount), 0), coalesce(sum(coalesce(m.retention_amount, 0)), 0)
      FROM milestones m WHERE m.project_id = t.project_id AND m.status IN ('invoiced', 'paid'))
    WHERE t.project_id = ANY (touched);
  ELSIF TG_TABLE_NAME = 'claims' THEN
    UPDATE project_cost_totals t SET (certified, retention_payable) = (
      SELECT coalesce(sum(coalesce(l.completed_to_date_amount, 0)), 0), coalesce(sum(coalesce(l.retention_held_to_date_amount, 0)), 0)
      FROM (SELECT DISTINCT ON (c.subcontract_id) c.completed_to_date_amount, c.retention_held_to_date_amount
            FROM claims c
            WHERE c.project_id = t.project_id AND c.status IN ('approved', 'released', 'posted', 'paid')
            ORDER BY c.subcontract_id, c.number DESC, c.revision DESC) AS l)
    WHERE t.project_id = ANY (touched);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cost_totals_contract_revisions_insert AFTER INSERT ON contract_revisions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_project_figures();
--> statement-breakpoint
CREATE TRIGGER cost_totals_contract_revisions_update AFTER UPDATE ON contract_revisions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_project_figures();
--> statement-breakpoint
CREATE TRIGGER cost_totals_contract_revisions_delete AFTER DELETE ON contract_revisions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_project_figures();
--> statement-breakpoint
CREATE TRIGGER cost_totals_milestones_insert AFTER INSERT ON milestones
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_project_figures();
--> statement-breakpoint
CREATE TRIGGER cost_totals_milestones_update AFTER UPDATE ON milestones
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_project_figures();
--> statement-breakpoint
CREATE TRIGGER cost_totals_milestones_delete AFTER DELETE ON milestones
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_project_figures();
--> statement-breakpoint
CREATE TRIGGER cost_totals_claims_insert AFTER INSERT ON claims
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_project_figures();
--> statement-breakpoint
CREATE TRIGGER cost_totals_claims_update AFTER UPDATE ON claims
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_project_figures();
--> statement-breakpoint
CREATE TRIGGER cost_totals_claims_delete AFTER DELETE ON claims
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_project_figures();
--> statement-breakpoint

-- ── Verification and rebuild ──────────────────────────────────────────────────────────────────────

-- Every figure from history, aggregated in full (the report's definition, over all projects).
CREATE OR REPLACE FUNCTION cost_totals_expected_codes()
RETURNS TABLE (project_id uuid, cost_code_id uuid, ob numeric, bt numeric, aco numeric, pbc numeric, proceeding numeric,
               pcc numeric, cc numeric, cc_from_cos numeric, cc_lines integer, ac numeric, dc numeric, ac_lines integer,
               method forecast_method, manual_amount numeric, earned_value_amount numeric)
LANGUAGE sql STABLE AS $$
  WITH revisions AS (
    SELECT br.cost_code_id, sum(br.amount) FILTER (WHERE br.kind = 'transfer') AS bt,
           sum(br.amount) FILTER (WHERE br.kind = 'approved_change') AS aco
    FROM budget_revisions br GROUP BY br.cost_code_id),
  pending AS (
    SELECT l.cost_code_id, sum(l.cost_amount) AS pbc, sum(l.cost_amount) FILTER (WHERE co.is_proceeding) AS proceeding,
           sum(l.cost_amount) FILTER (WHERE co.kind = 'commitment') AS pcc
    FROM change_orders co JOIN change_order_lines l ON l.change_order_id = co.id
    WHERE co.status IN ('draft', 'submitted') GROUP BY l.cost_code_id),
  committed AS (
    SELECT s.project_id, sl.cost_code_id, sum(sl.scheduled_amount) AS cc,
           sum(sl.scheduled_amount) FILTER (WHERE sl.change_order_id IS NOT NULL) AS cc_from_cos, count(*)::int AS cc_lines
    FROM subcontracts s JOIN sov_lines sl ON sl.subcontract_id = s.id
    WHERE s.odoo_state IS DISTINCT FROM 'cancel' GROUP BY s.project_id, sl.cost_code_id),
  actuals AS (
    SELECT al.project_id, al.cost_code_id, sum(al.cost_amount) AS ac,
           sum(al.cost_amount) FILTER (WHERE al.odoo_purchase_line_id IS NULL) AS dc, count(*)::int AS ac_lines
    FROM analytic_lines al GROUP BY al.project_id, al.cost_code_id),
  keys AS (
    SELECT c.project_id, c.id AS cost_code_id FROM cost_codes c
    UNION SELECT committed.project_id, committed.cost_code_id FROM committed
    UNION SELECT actuals.project_id, actuals.cost_code_id FROM actuals)
  SELECT k.project_id, k.cost_code_id, coalesce(c.original_budget_amount, 0),
         coalesce(r.bt, 0), coalesce(r.aco, 0), coalesce(pe.pbc, 0), coalesce(pe.proceeding, 0), coalesce(pe.pcc, 0),
         coalesce(cm.cc, 0), coalesce(cm.cc_from_cos, 0), coalesce(cm.cc_lines, 0),
         coalesce(a.ac, 0), coalesce(a.dc, 0), coalesce(a.ac_lines, 0),
         coalesce(f.method, 'automatic'), f.manual_amount, f.earned_value_amount
  FROM keys k
  LEFT JOIN cost_codes c ON c.id = k.cost_code_id AND c.project_id = k.project_id
  LEFT JOIN revisions r ON r.cost_code_id = c.id
  LEFT JOIN pending pe ON pe.cost_code_id = c.id
  LEFT JOIN committed cm ON cm.project_id = k.project_id AND cm.cost_code_id IS NOT DISTINCT FROM k.cost_code_id
  LEFT JOIN actuals a ON a.project_id = k.project_id AND a.cost_code_id IS NOT DISTINCT FROM k.cost_code_id
  LEFT JOIN cost_forecasts f ON f.cost_code_id = c.id
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cost_totals_expected_projects()
RETURNS TABLE (project_id uuid, approved_client_changes numeric, billed numeric, retention_receivable numeric,
               certified numeric, retention_payable numeric)
LANGUAGE sql STABLE AS $$
  SELECT p.id,
    coalesce((SELECT sum(cr.amount) FROM contract_revisions cr WHERE cr.project_id = p.id), 0),
    coalesce((SELECT sum(m.invoice_amount) FROM milestones m WHERE m.project_id = p.id AND m.status IN ('invoiced', 'paid')), 0),
    coalesce((SELECT sum(coalesce(m.retention_amount, 0)) FROM milestones m WHERE m.project_id = p.id AND m.status IN ('invoiced', 'paid')), 0),
    coalesce(l.certified, 0), coalesce(l.retention_payable, 0)
  FROM projects p
  LEFT JOIN (
    SELECT x.project_id, sum(coalesce(x.completed_to_date_amount, 0)) AS certified,
           sum(coalesce(x.retention_held_to_date_amount, 0)) AS retention_payable
    FROM (SELECT DISTINCT ON (c.subcontract_id) c.project_id, c.completed_to_date_amount, c.retention_held_to_date_amount
          FROM claims c WHERE c.status IN ('approved', 'released', 'posted', 'paid')
          ORDER BY c.subcontract_id, c.number DESC, c.revision DESC) AS x
    GROUP BY x.project_id) AS l ON l.project_id = p.id
$$;
--> statement-breakpoint
-- Every stored figure that differs from the full aggregation: (table, project, cost code, figure,
-- stored, expected). Empty when the maintained sums are right. A missing or extra row shows as its
-- figures against zero.
CREATE OR REPLACE FUNCTION cost_totals_verify()
RETURNS TABLE (table_name text, project_id uuid, cost_code_id uuid, figure text, stored text, expected text)
LANGUAGE sql STABLE AS $$
  WITH expected_codes AS (
    SELECT e.*,
      cost_ftc(e.method, e.manual_amount, e.earned_value_amount, e.ob + e.bt + e.aco + e.pbc, e.cc + e.dc + e.pcc, e.ac) AS ftc,
      greatest(e.ob + e.bt + e.aco - e.cc, 0) AS uncommitted,
      e.cost_code_id IS NOT NULL AND cost_effective_method(e.method, e.manual_amount, e.earned_value_amount, e.ac) = 'automatic' AS is_automatic
    FROM cost_totals_expected_codes() e),
  code_pairs AS (
    -- a missing row reads as a fresh one: zero sums, automatic, no override
    SELECT coalesce(s.project_id, e.project_id) AS project_id, coalesce(s.cost_code_id, e.cost_code_id) AS cost_code_id,
      jsonb_build_object('ob', coalesce(s.ob, 0), 'bt', coalesce(s.bt, 0), 'aco', coalesce(s.aco, 0), 'pbc', coalesce(s.pbc, 0),
        'proceeding', coalesce(s.proceeding, 0), 'pcc', coalesce(s.pcc, 0), 'cc', coalesce(s.cc, 0),
        'cc_from_cos', coalesce(s.cc_from_cos, 0), 'cc_lines', coalesce(s.cc_lines, 0), 'ac', coalesce(s.ac, 0),
        'dc', coalesce(s.dc, 0), 'ac_lines', coalesce(s.ac_lines, 0), 'method', coalesce(s.method, 'automatic'),
        'manual_amount', s.manual_amount, 'earned_value_amount', s.earned_value_amount, 'ftc', coalesce(s.ftc, 0),
        'uncommitted', coalesce(s.uncommitted, 0), 'is_automatic', coalesce(s.is_automatic, e.cost_code_id IS NOT NULL)) AS stored,
      jsonb_build_object('ob', coalesce(e.ob, 0), 'bt', coalesce(e.bt, 0), 'aco', coalesce(e.aco, 0), 'pbc', coalesce(e.pbc, 0),
        'proceeding', coalesce(e.proceeding, 0), 'pcc', coalesce(e.pcc, 0), 'cc', coalesce(e.cc, 0),
        'cc_from_cos', coalesce(e.cc_from_cos, 0), 'cc_lines', coalesce(e.cc_lines, 0), 'ac', coalesce(e.ac, 0),
        'dc', coalesce(e.dc, 0), 'ac_lines', coalesce(e.ac_lines, 0), 'method', coalesce(e.method, 'automatic'),
        'manual_amount', e.manual_amount, 'earned_value_amount', e.earned_value_amount, 'ftc', coalesce(e.ftc, 0),
        'uncommitted', coalesce(e.uncommitted, 0), 'is_automatic', coalesce(e.is_automatic, s.cost_code_id IS NOT NULL)) AS expected
    FROM cost_code_totals s
    FULL JOIN expected_codes e ON e.project_id = s.project_id AND e.cost_code_id IS NOT DISTINCT FROM s.cost_code_id),
  code_rows AS (
    SELECT p.project_id, p.cost_code_id, k.key AS figure, p.stored -> k.key AS stored, p.expected -> k.key AS expected
    FROM code_pairs p CROSS JOIN LATERAL jsonb_object_keys(p.expected) AS k(key)
    WHERE (p.stored -> k.key) IS DISTINCT FROM (p.expected -> k.key)),
  expected_projects AS (
    SELECT ep.*, coalesce(c.ob, 0) AS ob, coalesce(c.bt, 0) AS bt, coalesce(c.aco, 0) AS aco, coalesce(c.pbc, 0) AS pbc,
      coalesce(c.proceeding, 0) AS proceeding, coalesce(c.pcc, 0) AS pcc, coalesce(c.cc, 0) AS cc, coalesce(c.ac, 0) AS ac,
      coalesce(c.dc, 0) AS dc, coalesce(c.ftc, 0) AS ftc, coalesce(c.uncommitted, 0) AS uncommitted,
      coalesce(c.automatic_codes, 0) AS automatic_codes
    FROM cost_totals_expected_projects() ep
    LEFT JOIN (
      SELECT ec.project_id, sum(ec.ob) AS ob, sum(ec.bt) AS bt, sum(ec.aco) AS aco, sum(ec.pbc) AS pbc,
        sum(ec.proceeding) AS proceeding, sum(ec.pcc) AS pcc, sum(ec.cc) AS cc, sum(ec.ac) AS ac, sum(ec.dc) AS dc,
        sum(ec.ftc) AS ftc, sum(ec.uncommitted) AS uncommitted, count(*) FILTER (WHERE ec.is_automatic)::int AS automatic_codes
      FROM expected_codes ec GROUP BY ec.project_id) AS c ON c.project_id = ep.project_id),
  project_rows AS (
    SELECT coalesce(s.project_id, e.project_id) AS project_id, k.key AS figure,
      coalesce(to_jsonb(s) -> k.key, CASE WHEN k.key <> 'project_id' THEN '0'::jsonb END) AS stored,
      coalesce(to_jsonb(e) -> k.key, CASE WHEN k.key <> 'project_id' THEN '0'::jsonb END) AS expected
    FROM project_cost_totals s
    FULL JOIN expected_projects e ON e.project_id = s.project_id
    CROSS JOIN LATERAL jsonb_object_keys(to_jsonb(e)) AS k(key)
    WHERE k.key <> 'project_id')
  SELECT 'cost_code_totals', project_id, cost_code_id, figure, stored::text, expected::text FROM code_rows
  UNION ALL
  SELECT 'project_cost_totals', project_id, NULL, figure, stored::text, expected::text FROM project_rows
  WHERE stored IS DISTINCT FROM expected
$$;
--> statement-breakpoint
-- Replace both tables with the full aggregation (after a bulk load with triggers off, a TRUNCATE,
-- or whatever cost_totals_verify() found). The database owner runs it; the application cannot.
CREATE OR REPLACE FUNCTION cost_totals_rebuild() RETURNS void
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM set_config('plumbline.cost_totals_rebuild', 'on', true);
  LOCK TABLE project_cost_totals, cost_code_totals IN EXCLUSIVE MODE;
  DELETE FROM cost_code_totals;
  DELETE FROM project_cost_totals;
  INSERT INTO project_cost_totals (project_id, approved_client_changes, billed, retention_receivable, certified, retention_payable)
  SELECT * FROM cost_totals_expected_projects();
  INSERT INTO cost_code_totals (project_id, cost_code_id, ob, bt, aco, pbc, proceeding, pcc, cc, cc_from_cos, cc_lines, ac, dc, ac_lines,
                                method, manual_amount, earned_value_amount)
  SELECT * FROM cost_totals_expected_codes();
  UPDATE project_cost_totals t SET
    ob = c.ob, bt = c.bt, aco = c.aco, pbc = c.pbc, proceeding = c.proceeding, pcc = c.pcc, cc = c.cc, ac = c.ac, dc = c.dc,
    ftc = c.ftc, uncommitted = c.uncommitted, automatic_codes = c.automatic_codes
  FROM (SELECT s.project_id, sum(s.ob) AS ob, sum(s.bt) AS bt, sum(s.aco) AS aco, sum(s.pbc) AS pbc, sum(s.proceeding) AS proceeding,
               sum(s.pcc) AS pcc, sum(s.cc) AS cc, sum(s.ac) AS ac, sum(s.dc) AS dc, sum(s.ftc) AS ftc,
               sum(s.uncommitted) AS uncommitted, count(*) FILTER (WHERE s.is_automatic)::int AS automatic_codes
        FROM cost_code_totals s GROUP BY s.project_id) AS c
  WHERE c.project_id = t.project_id;
  PERFORM set_config('plumbline.cost_totals_rebuild', 'off', true);
END
$$;
--> statement-breakpoint
-- A TRUNCATE of a source table (the owner only: the application holds no TRUNCATE) rebuilds.
CREATE OR REPLACE FUNCTION cost_totals_truncated() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM cost_totals_rebuild();
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cost_totals_budget_revisions_truncate AFTER TRUNCATE ON budget_revisions FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_truncated();
--> statement-breakpoint
CREATE TRIGGER cost_totals_change_order_lines_truncate AFTER TRUNCATE ON change_order_lines FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_truncated();
--> statement-breakpoint
CREATE TRIGGER cost_totals_sov_lines_truncate AFTER TRUNCATE ON sov_lines FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_truncated();
--> statement-breakpoint
CREATE TRIGGER cost_totals_analytic_lines_truncate AFTER TRUNCATE ON analytic_lines FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_truncated();
--> statement-breakpoint
CREATE TRIGGER cost_totals_contract_revisions_truncate AFTER TRUNCATE ON contract_revisions FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_truncated();
--> statement-breakpoint
CREATE TRIGGER cost_totals_milestones_truncate AFTER TRUNCATE ON milestones FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_truncated();
--> statement-breakpoint
CREATE TRIGGER cost_totals_claims_truncate AFTER TRUNCATE ON claims FOR EACH STATEMENT EXECUTE FUNCTION cost_totals_truncated();
--> statement-breakpoint
-- Existing history.
SELECT cost_totals_rebuild();
