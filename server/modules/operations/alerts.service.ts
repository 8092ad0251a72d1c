import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { alerts } from '@/db/schema';
import { env } from '@/server/env';
import { logger } from '@/server/lib/logger';
import { recordAudit } from '@/server/modules/audit/audit.service';
import { sendMail } from '@/server/modules/notifications/mailer';
import { postWebhook } from '@/server/modules/notifications/webhook';
import { getSloStatus } from './slo';

export type AlertRule =
  'queue_lag' | 'failure_rate' | 'odoo_connection' | 'reconciliation_overdue' | 'slo_burn';
export type AlertCondition = {
  rule: AlertRule;
  subject: string;
  severity: 'warning' | 'critical';
  title: string;
  detail: string;
  value: number;
  threshold: number;
};

export type AlertThresholds = {
  queueLagSeconds: number;
  failureRatePercent: number;
  failureWindowMinutes: number;
  failureMinAttempts: number;
  reconciliationMaxAgeHours: number;
};

export function alertThresholdsFromEnv(): AlertThresholds {
  const config = env();
  return {
    queueLagSeconds: config.ALERT_QUEUE_LAG_SECONDS,
    failureRatePercent: config.ALERT_FAILURE_RATE_PERCENT,
    failureWindowMinutes: config.ALERT_FAILURE_WINDOW_MINUTES,
    failureMinAttempts: config.ALERT_FAILURE_MIN_ATTEMPTS,
    reconciliationMaxAgeHours: config.ALERT_RECONCILIATION_MAX_AGE_HOURS,
  };
}

/** What is wrong right now, one condition per (rule, subject). Reads only; graphile's public jobs view. */
export async function detectAlertConditions(db: DbOrTx, t: AlertThresholds): Promise<AlertCondition[]> {
  const out: AlertCondition[] = [];
  const lag = await db.execute<{ task: string; oldest: number; depth: number }>(sql`
    SELECT task_identifier AS task, extract(epoch FROM now() - min(run_at))::float8 AS oldest, count(*)::int AS depth
    FROM graphile_worker.jobs
    WHERE run_at <= now() AND attempts < max_attempts
    GROUP BY task_identifier`);
  for (const row of lag.rows) {
    if (row.oldest > t.queueLagSeconds) {
      out.push({
        rule: 'queue_lag',
        subject: row.task,
        severity: row.oldest > t.queueLagSeconds * 3 ? 'critical' : 'warning',
        title: `Queue ${row.task} is stalled`,
        detail: `${row.depth} job(s) due; the oldest has waited ${Math.round(row.oldest)} s (threshold ${t.queueLagSeconds} s). Is a worker running?`,
        value: row.oldest,
        threshold: t.queueLagSeconds,
      });
    }
  }
  const failures = await db.execute<{ record_type: string; total: number; failed: number }>(sql`
    SELECT record_type, count(*)::int AS total, count(*) FILTER (WHERE outcome <> 'success')::int AS failed
    FROM sync_attempts WHERE finished_at >= now() - make_interval(mins => ${t.failureWindowMinutes})
    GROUP BY record_type`);
  for (const row of failures.rows) {
    const rate = (row.failed / row.total) * 100;
    if (row.total >= t.failureMinAttempts && rate > t.failureRatePercent) {
      out.push({
        rule: 'failure_rate',
        subject: row.record_type,
        severity: rate >= 50 ? 'critical' : 'warning',
        title: `${row.record_type} syncs failing`,
        detail: `${row.failed} of ${row.total} attempts failed in the last ${t.failureWindowMinutes} min (${rate.toFixed(1)} %, threshold ${t.failureRatePercent} %).`,
        value: rate,
        threshold: t.failureRatePercent,
      });
    }
  }
  const connection = await db.execute<{ outcome: string; error_name: string | null }>(sql`
    SELECT outcome, error_name FROM sync_attempts
    WHERE finished_at >= now() - make_interval(mins => ${t.failureWindowMinutes})
    ORDER BY finished_at DESC, id DESC LIMIT 3`);
  if (
    connection.rows.length === 3 &&
    connection.rows.every((r) => r.outcome === 'configuration_error' || r.outcome === 'transient_error')
  ) {
    out.push({
      rule: 'odoo_connection',
      subject: 'odoo',
      severity: 'critical',
      title: 'Odoo connection failing',
      detail: `The last 3 sync attempts could not reach or sign in to Odoo (${connection.rows[0]?.error_name ?? 'error'}). Check Admin → Odoo.`,
      value: 3,
      threshold: 3,
    });
  }
  const recon = await db.execute<{ age_hours: number | null; oldest_attempt_hours: number | null }>(sql`
    SELECT (SELECT extract(epoch FROM now() - max(finished_at)) / 3600 FROM reconciliation_runs WHERE status <> 'running')::float8 AS age_hours,
           (SELECT extract(epoch FROM now() - min(finished_at)) / 3600 FROM sync_attempts)::float8 AS oldest_attempt_hours`);
  const r = recon.rows[0];
  const age = r?.age_hours ?? r?.oldest_attempt_hours ?? null; // never run: count from the first sync
  if (age !== null && age > t.reconciliationMaxAgeHours) {
    out.push({
      rule: 'reconciliation_overdue',
      subject: 'reconciliation',
      severity: 'warning',
      title: 'Reconciliation not run on schedule',
      detail: `No reconciliation with Odoo has finished for ${age.toFixed(1)} h (threshold ${t.reconciliationMaxAgeHours} h).`,
      value: age,
      threshold: t.reconciliationMaxAgeHours,
    });
  }
  for (const slo of await getSloStatus(db)) {
    if (slo.budgetBurn >= 1) {
      const what =
        slo.workflow === 'exceptions'
          ? `${slo.bad} exception(s) unowned for more than ${slo.threshold} business days`
          : `${slo.bad} of ${slo.total} ${slo.workflow} approvals took longer than ${slo.threshold} min to reach Odoo (objective ${slo.objectivePercent} %)`;
      out.push({
        rule: 'slo_burn',
        subject: slo.workflow,
        severity: 'critical',
        title: `SLO broken: ${slo.workflow}`,
        detail: `${what}; error budget used ${Number.isFinite(slo.budgetBurn) ? `${(slo.budgetBurn * 100).toFixed(0)} %` : 'entirely'}.`,
        value: slo.bad,
        threshold: slo.objectivePercent,
      });
    }
  }
  return out;
}

export type AlertEvent = { kind: 'raised' | 'resolved'; alert: typeof alerts.$inferSelect };
export type AlertDelivery = (event: AlertEvent) => Promise<Record<string, { ok: boolean; error?: string }>>;

/**
 * One evaluation (the `alerts:evaluate` cron task): raise what is new, refresh what persists, resolve
 * what cleared — in one transaction serialised by an advisory lock, each raise and resolution with its
 * audit row — then deliver the raised and resolved ones (email, webhook) and note the deliveries.
 */
export async function evaluateAlerts(
  db: Db,
  options: { thresholds?: AlertThresholds; deliver?: AlertDelivery } = {},
): Promise<AlertEvent[]> {
  const thresholds = options.thresholds ?? alertThresholdsFromEnv();
  const events = await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('plumbline.alerts'))`);
    const conditions = await detectAlertConditions(tx, thresholds);
    const open = await tx.select().from(alerts).where(eq(alerts.status, 'open'));
    const happened: AlertEvent[] = [];
    for (const c of conditions) {
      const existing = open.find((a) => a.rule === c.rule && a.subject === c.subject);
      if (existing) {
        await tx
          .update(alerts)
          .set({ lastSeenAt: new Date(), value: String(c.value), detail: c.detail, severity: c.severity })
          .where(eq(alerts.id, existing.id));
        continue;
      }
      const [row] = await tx
        .insert(alerts)
        .values({
          rule: c.rule,
          subject: c.subject,
          severity: c.severity,
          title: c.title,
          detail: c.detail,
          value: String(c.value),
          threshold: String(c.threshold),
        })
        .returning();
      if (!row) continue;
      await recordAudit(tx, {
        actor: { id: null, role: 'system' },
        action: 'alert.raised',
        entityType: 'alert',
        entityId: row.id,
        toState: 'open',
        comment: `${c.title}: ${c.detail}`,
      });
      happened.push({ kind: 'raised', alert: row });
    }
    for (const a of open) {
      if (conditions.some((c) => c.rule === a.rule && c.subject === a.subject)) continue;
      const [row] = await tx
        .update(alerts)
        .set({ status: 'resolved', resolvedAt: new Date() })
        .where(and(eq(alerts.id, a.id), eq(alerts.status, 'open')))
        .returning();
      if (!row) continue;
      await recordAudit(tx, {
        actor: { id: null, role: 'system' },
        action: 'alert.resolved',
        entityType: 'alert',
        entityId: row.id,
        fromState: 'open',
        toState: 'resolved',
        comment: `Resolved automatically: ${a.title} no longer holds.`,
      });
      happened.push({ kind: 'resolved', alert: row });
    }
    return happened;
  });
  const deliver = options.deliver ?? deliverAlert;
  for (const event of events) {
    let deliveries: Record<string, { ok: boolean; error?: string }> = {};
    try {
      deliveries = await deliver(event);
    } catch (error) {
      deliveries = { all: { ok: false, error: error instanceof Error ? error.message : String(error) } };
    }
    if (Object.keys(deliveries).length === 0) continue;
    const at = new Date().toISOString();
    const stamped = Object.fromEntries(
      Object.entries(deliveries).map(([channel, d]) => [`${event.kind}:${channel}`, { at, ...d }]),
    );
    await db
      .update(alerts)
      .set({ deliveries: sql`${alerts.deliveries} || ${JSON.stringify(stamped)}::jsonb` })
      .where(eq(alerts.id, event.alert.id));
  }
  return events;
}

/** The webhook body: stable field names receivers can rely on. */
export function alertPayload(event: AlertEvent) {
  const a = event.alert;
  return {
    event: `alert.${event.kind}`,
    id: a.id,
    rule: a.rule,
    subject: a.subject,
    severity: a.severity,
    status: a.status,
    title: a.title,
    detail: a.detail,
    value: a.value === null ? null : Number(a.value),
    threshold: a.threshold === null ? null : Number(a.threshold),
    openedAt: a.openedAt.toISOString(),
    resolvedAt: a.resolvedAt?.toISOString() ?? null,
  };
}

/** Email (ALERT_EMAIL_TO through the mailer) and webhook (ALERT_WEBHOOK_URL, signed); each failure is reported, not thrown. */
export async function deliverAlert(
  event: AlertEvent,
): Promise<Record<string, { ok: boolean; error?: string }>> {
  const config = env();
  const out: Record<string, { ok: boolean; error?: string }> = {};
  const log = logger().child({ component: 'alerts' });
  const a = event.alert;
  if (config.ALERT_EMAIL_TO) {
    try {
      await sendMail({
        to: config.ALERT_EMAIL_TO.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        subject: `[Plumbline ${event.kind === 'raised' ? a.severity.toUpperCase() : 'RESOLVED'}] ${a.title}`,
        text: `${a.title}\n\n${a.detail}\n\nRule: ${a.rule} (${a.subject})\nOpened: ${a.openedAt.toISOString()}${a.resolvedAt ? `\nResolved: ${a.resolvedAt.toISOString()}` : ''}\n`,
      });
      out.email = { ok: true };
    } catch (error) {
      out.email = { ok: false, error: error instanceof Error ? error.message : String(error) };
      log.warn({ err: error, alertId: a.id }, 'alert email failed');
    }
  }
  if (config.ALERT_WEBHOOK_URL && config.ALERT_WEBHOOK_SECRET) {
    try {
      await postWebhook(config.ALERT_WEBHOOK_URL, config.ALERT_WEBHOOK_SECRET, alertPayload(event));
      out.webhook = { ok: true };
    } catch (error) {
      out.webhook = { ok: false, error: error instanceof Error ? error.message : String(error) };
      log.warn({ err: error, alertId: a.id }, 'alert webhook failed');
    }
  }
  return out;
}

export async function listAlerts(db: DbOrTx, options: { limit?: number } = {}) {
  return db
    .select()
    .from(alerts)
    .orderBy(sql`${alerts.status} = 'open' DESC`, desc(alerts.openedAt))
    .limit(options.limit ?? 50);
}
