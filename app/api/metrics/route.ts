import { getDb } from '@/db/client';
import { hasMetricsDb, setMetricsDb } from '@/server/observability/metrics';
import { handleMetricsRequest } from '@/server/observability/metrics-endpoint';

export const dynamic = 'force-dynamic';

/** Prometheus scrape target; bearer METRICS_TOKEN only (404 when unset). Never public. */
export async function GET(request: Request): Promise<Response> {
  // the web app's pool, once: a process (the worker, a test) that named its own keeps it
  if (!hasMetricsDb()) setMetricsDb(getDb);
  const answer = await handleMetricsRequest(request.headers.get('authorization'));
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}
