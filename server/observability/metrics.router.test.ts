import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { GET } from '@/app/api/metrics/route';
import { createCaller } from '@/server/api/root';
import { setProcessEnv } from '@/server/env';
import { contextFor, seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import { SYNC_TASK } from '@/server/sync/enqueue';
import { checkMetricsAuth } from './metrics-auth';
import { handleMetricsRequest, startMetricsServer } from './metrics-endpoint';
import { recordSyncAttemptMetric, resetMetrics, setMetricsDb } from './metrics';

/**
 * /api/metrics and the worker's metrics port: refused without the bearer token or with a wrong one,
 * absent (404) when no token is configured; with it, the Prometheus text carries the sync, queue,
 * tRPC, exception and KPI series read from PostgreSQL.
 */
const TOKEN = 'metrics-token-for-tests-0123456789abcdef';
let testDb: TestDatabase;
let org: SeededOrg;

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  resetMetrics();
  setMetricsDb(() => testDb.db);
});
afterAll(async () => testDb.drop());

describe('metrics authentication', () => {
  it('refuses without, or with a wrong, bearer token and is absent without configuration', () => {
    expect(checkMetricsAuth(`Bearer ${TOKEN}`, undefined)).toMatchObject({ ok: false, status: 404 });
    expect(checkMetricsAuth(undefined, TOKEN)).toMatchObject({ ok: false, status: 401 });
    expect(checkMetricsAuth('', TOKEN)).toMatchObject({ ok: false, status: 401 });
    expect(checkMetricsAuth(`Basic ${TOKEN}`, TOKEN)).toMatchObject({ ok: false, status: 401 });
    expect(checkMetricsAuth(`Bearer ${TOKEN.slice(0, -1)}x`, TOKEN)).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(checkMetricsAuth(`Bearer ${TOKEN}extra`, TOKEN)).toMatchObject({ ok: false, status: 401 });
    expect(checkMetricsAuth(`Bearer ${TOKEN}`, TOKEN)).toEqual({ ok: true });
  });

  it('the /api/metrics route refuses without the token and serves with it', async () => {
    setProcessEnv({ METRICS_TOKEN: TOKEN });
    const anonymous = await GET(new Request('http://localhost/api/metrics'));
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain('plumbline_');
    const wrong = await GET(
      new Request('http://localhost/api/metrics', { headers: { authorization: 'Bearer nope' } }),
    );
    expect(wrong.status).toBe(401);
    setMetricsDb(() => testDb.db); // the route points the gauges at the process pool; the test's database is this one
    const answer = await handleMetricsRequest(`Bearer ${TOKEN}`);
    expect(answer.status).toBe(200);
    setProcessEnv({ METRICS_TOKEN: '' });
    const disabled = await GET(
      new Request('http://localhost/api/metrics', { headers: { authorization: `Bearer ${TOKEN}` } }),
    );
    expect(disabled.status).toBe(404);
    setMetricsDb(() => testDb.db);
  });
});

describe('metrics content', () => {
  it('the worker port serves sync attempts, queue, exceptions, KPIs and tRPC latency to the token holder only', async () => {
    const db = testDb.db;
    await db.execute(
      sql`SELECT graphile_worker.add_job(${SYNC_TASK}, json_build_object('recordType', 'claim', 'recordId', gen_random_uuid()), run_at := now() - interval '90 seconds')`,
    );
    await db.execute(sql`INSERT INTO exceptions (category, cause, severity, record_type, record_id, title, detail, guidance, amount_at_stake)
                         VALUES ('sync_failure', 'odoo_sync', 'high', 'claim', gen_random_uuid()::text, 't', 'd', 'g', 1234.50)`);
    recordSyncAttemptMetric(db, {
      recordType: 'claim',
      outcome: 'business_error',
      errorClass: 'OdooBusinessError',
      correlationId: null,
    });
    recordSyncAttemptMetric(db, {
      recordType: 'claim',
      outcome: 'business_error',
      errorClass: 'OdooBusinessError',
      correlationId: null,
    });
    const caller = createCaller(contextFor(db, org.actors.finance));
    const kpis = await caller.operations.kpis();
    expect(kpis.map((k) => k.key)).toContain('exceptions_past_slo');

    const server = await startMetricsServer({ port: 0, host: '127.0.0.1', token: TOKEN });
    try {
      expect((await fetch(server.url)).status).toBe(401);
      expect((await fetch(server.url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const response = await fetch(server.url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(text).toContain(
        'plumbline_sync_attempts_total{record_type="claim",outcome="business_error",error_class="OdooBusinessError"} 2',
      );
      expect(text).toContain(`plumbline_queue_depth{task="${SYNC_TASK}"} 1`);
      const oldest = Number(
        new RegExp(`plumbline_queue_oldest_job_age_seconds\\{task="${SYNC_TASK}"\\} ([0-9.]+)`).exec(
          text,
        )?.[1],
      );
      expect(oldest).toBeGreaterThanOrEqual(89);
      expect(text).toContain('plumbline_exceptions_open{category="sync_failure",severity="high"} 1');
      expect(text).toMatch(/plumbline_kpi_items\{kpi="claims_approved_not_released"\} \d+/);
      expect(text).toMatch(
        /plumbline_http_request_duration_seconds_count\{procedure="operations.kpis",type="query",ok="true"\} 1/,
      );
      expect(text).toMatch(/plumbline_slo_error_budget_burn\{workflow="change_order"\}/);
      expect(text).toContain('plumbline_db_pool_waiting');
      expect(
        (
          await fetch(server.url.replace('/metrics', '/other'), {
            headers: { authorization: `Bearer ${TOKEN}` },
          })
        ).status,
      ).toBe(404);
    } finally {
      await server.close();
    }
  });
});
