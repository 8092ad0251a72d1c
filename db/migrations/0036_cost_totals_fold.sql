-- The maintained cost sums folded at COMMIT (issue 18): bench:load found one project's approvals
-- waiting on its project_cost_totals row (Lock:transactionid/tuple, 90 % of active samples), which a
-- trigger locked at the first cost-affecting statement and held through every later statement of the
-- transaction. Now the triggers append to cost_totals_deferred (insert-only, no shared row), and one
-- deferred constraint trigger folds the transaction's rows into the totals as it commits: the row is
-- locked from the fold to the end of the commit. The figures are exactly as before (same deltas, same
-- recomputations, same lock order: project rows in id order, then code rows); a reader sees a
-- transaction's changes when it commits, as it sees the source rows.
-- The application holds no privilege on the table (db/runtime-role.ts); this guard also refuses a
-- write that does not come from a maintaining trigger (depth 2 or more) or cost_totals_rebuild().
CREATE OR REPLACE FUNCTION cost_totals_deferred_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT cost_totals_written_by_maintenance() THEN
    RAISE EXCEPTION 'cost totals are maintained by triggers: write the source rows, or run cost_totals_rebuild()'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cost_totals_deferred_guard BEFORE INSERT OR UPDATE ON cost_totals_deferred
  FOR EACH ROW EXECUTE FUNCTION cost_totals_deferred_guard();
--> statement-breakpoint
CREATE TRIGGER cost_totals_deferred_tx_guard BEFORE INSERT OR UPDATE ON cost_totals_deferred_tx
  FOR EACH ROW EXECUTE FUNCTION cost_totals_deferred_guard();
--> statement-breakpoint
-- What cost_totals_apply did until now: add a set of deltas to the code rows (locking the projects'
-- rows first). Called only by the fold.
CREATE OR REPLACE FUNCTION cost_totals_apply_now(p_deltas cost_totals_delta[]) RETURNS void
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
  JOIN projects p ON p.id = d.project_id
  LEFT JOIN cost_forecasts f ON f.cost_code_id = d.cost_code_id
  WHERE (d.ob <> 0 OR d.bt <> 0 OR d.aco <> 0 OR d.pbc <> 0 OR d.proceeding <> 0 OR d.pcc <> 0 OR d.cc <> 0
     OR d.cc_from_cos <> 0 OR d.cc_lines <> 0 OR d.ac <> 0 OR d.dc <> 0 OR d.ac_lines <> 0)
    -- a code deleted later in the same transaction took its row with it (foreign-key cascade)
    AND (d.cost_code_id IS NULL OR EXISTS (SELECT 1 FROM cost_codes c WHERE c.id = d.cost_code_id))
  ORDER BY d.project_id, d.cost_code_id
  ON CONFLICT ON CONSTRAINT cost_code_totals_key DO UPDATE SET
    ob = t.ob + excluded.ob, bt = t.bt + excluded.bt, aco = t.aco + excluded.aco, pbc = t.pbc + excluded.pbc,
    proceeding = t.proceeding + excluded.proceeding, pcc = t.pcc + excluded.pcc, cc = t.cc + excluded.cc,
    cc_from_cos = t.cc_from_cos + excluded.cc_from_cos, cc_lines = t.cc_lines + excluded.cc_lines,
    ac = t.ac + excluded.ac, dc = t.dc + excluded.dc, ac_lines = t.ac_lines + excluded.ac_lines;
END
$$;
--> statement-breakpoint
-- The triggers' entry point, same signature as before: the deltas wait for the commit.
CREATE OR REPLACE FUNCTION cost_totals_apply(p_deltas cost_totals_delta[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF coalesce(cardinality(p_deltas), 0) = 0 THEN RETURN; END IF;
  INSERT INTO cost_totals_deferred
    (project_id, cost_code_id, ob, bt, aco, pbc, proceeding, pcc, cc, cc_from_cos, cc_lines, ac, dc, ac_lines)
  SELECT d.project_id, d.cost_code_id,
         sum(coalesce(d.ob, 0)), sum(coalesce(d.bt, 0)), sum(coalesce(d.aco, 0)), sum(coalesce(d.pbc, 0)),
         sum(coalesce(d.proceeding, 0)), sum(coalesce(d.pcc, 0)), sum(coalesce(d.cc, 0)), sum(coalesce(d.cc_from_cos, 0)),
         sum(coalesce(d.cc_lines, 0))::int, sum(coalesce(d.ac, 0)), sum(coalesce(d.dc, 0)), sum(coalesce(d.ac_lines, 0))::int
  FROM unnest(p_deltas) AS d
  WHERE d.project_id IS NOT NULL
  GROUP BY d.project_id, d.cost_code_id;
  INSERT INTO cost_totals_deferred_tx DEFAULT VALUES ON CONFLICT DO NOTHING;
END
$$;
--> statement-breakpoint
-- Project figures: the statement names the projects to recompute at commit.
CREATE OR REPLACE FUNCTION cost_totals_project_figures() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO cost_totals_deferred (project_id, figures) SELECT DISTINCT project_id, TG_TABLE_NAME FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO cost_totals_deferred (project_id, figures) SELECT DISTINCT project_id, TG_TABLE_NAME FROM old_rows;
  ELSE
    INSERT INTO cost_totals_deferred (project_id, figures)
    SELECT project_id, TG_TABLE_NAME FROM (SELECT project_id FROM new_rows UNION SELECT project_id FROM old_rows) AS p;
  END IF;
  INSERT INTO cost_totals_deferred_tx DEFAULT VALUES ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- The fold, at COMMIT: one deferred event per transaction (the insert of its cost_totals_deferred_tx
-- row; later inserts of the same transaction conflict and queue nothing), so a pull of 10,000 lines
-- folds once, not once per statement. It takes this transaction's rows, locks the projects' totals rows in id order, adds the deltas and
-- recomputes the named figures from the project's rows — recomputed, not by delta: the certified
-- figure is each subcontract's last approved claim, which a delta cannot follow.
CREATE OR REPLACE FUNCTION cost_totals_fold() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_deltas cost_totals_delta[];
  v_contract uuid[];
  v_billing uuid[];
  v_certified uuid[];
  v_touched uuid[];
BEGIN
  DELETE FROM cost_totals_deferred_tx WHERE txid = (pg_current_xact_id()::text)::bigint;
  WITH taken AS (
    DELETE FROM cost_totals_deferred WHERE txid = (pg_current_xact_id()::text)::bigint RETURNING *
  )
  SELECT array_agg(ROW(project_id, cost_code_id, ob, bt, aco, pbc, proceeding, pcc, cc, cc_from_cos, cc_lines,
                       ac, dc, ac_lines)::cost_totals_delta) FILTER (WHERE figures IS NULL),
         array_agg(DISTINCT project_id) FILTER (WHERE figures = 'contract_revisions'),
         array_agg(DISTINCT project_id) FILTER (WHERE figures = 'milestones'),
         array_agg(DISTINCT project_id) FILTER (WHERE figures = 'claims'),
         array_agg(DISTINCT project_id)
    INTO v_deltas, v_contract, v_billing, v_certified, v_touched
  FROM taken;
  IF v_touched IS NULL THEN RETURN NULL; END IF;
  PERFORM cost_totals_lock(v_touched);
  PERFORM cost_totals_apply_now(v_deltas);
  IF v_contract IS NOT NULL THEN
    UPDATE project_cost_totals t SET approved_client_changes = coalesce(
      (SELECT sum(cr.amount) FROM contract_revisions cr WHERE cr.project_id = t.project_id), 0)
    WHERE t.project_id = ANY (v_contract);
  END IF;
  IF v_billing IS NOT NULL THEN
    UPDATE project_cost_totals t SET (billed, retention_receivable) = (
      SELECT coalesce(sum(m.invoice_amount), 0), coalesce(sum(coalesce(m.retention_amount, 0)), 0)
      FROM milestones m WHERE m.project_id = t.project_id AND m.status IN ('invoiced', 'paid'))
    WHERE t.project_id = ANY (v_billing);
  END IF;
  IF v_certified IS NOT NULL THEN
    UPDATE project_cost_totals t SET (certified, retention_payable) = (
      SELECT coalesce(sum(coalesce(l.completed_to_date_amount, 0)), 0), coalesce(sum(coalesce(l.retention_held_to_date_amount, 0)), 0)
      FROM (SELECT DISTINCT ON (c.subcontract_id) c.completed_to_date_amount, c.retention_held_to_date_amount
            FROM claims c
            WHERE c.project_id = t.project_id AND c.status IN ('approved', 'released', 'posted', 'paid')
            ORDER BY c.subcontract_id, c.number DESC, c.revision DESC) AS l)
    WHERE t.project_id = ANY (v_certified);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER cost_totals_fold AFTER INSERT ON cost_totals_deferred_tx
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION cost_totals_fold();
--> statement-breakpoint
-- A rebuild aggregates history as this transaction sees it, its own writes included: what this
-- transaction had waiting to fold is in the rebuild, so it is dropped rather than added twice.
CREATE OR REPLACE FUNCTION cost_totals_rebuild() RETURNS void
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM set_config('plumbline.cost_totals_rebuild', 'on', true);
  LOCK TABLE project_cost_totals, cost_code_totals IN EXCLUSIVE MODE;
  DELETE FROM cost_totals_deferred WHERE txid = (pg_current_xact_id()::text)::bigint;
  DELETE FROM cost_totals_deferred_tx WHERE txid = (pg_current_xact_id()::text)::bigint;
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
-- Only the owner's triggers call the maintaining functions. Functions are executable by PUBLIC by
-- default, and a direct call could pass the guard: with the rebuild setting (any role may set a
-- custom setting) or from a trigger of the caller's own (the depth check). db/runtime-role.ts
-- revokes them from the application role too (it grants EXECUTE on all functions first).
REVOKE EXECUTE ON FUNCTION cost_totals_apply(cost_totals_delta[]), cost_totals_apply_now(cost_totals_delta[]),
  cost_totals_lock(uuid[]), cost_totals_rebuild() FROM PUBLIC;
