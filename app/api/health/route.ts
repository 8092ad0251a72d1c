import { sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { appVersion } from '@/server/lib/version';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  const started = performance.now();
  let database: 'ok' | 'unreachable' = 'ok';
  try {
    await getDb().execute(sql`SELECT 1`);
  } catch {
    database = 'unreachable';
  }
  const status = database === 'ok' ? 'ok' : 'degraded';
  return Response.json(
    { status, database, version: appVersion, latencyMs: Math.round(performance.now() - started) },
    { status: status === 'ok' ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  );
}
