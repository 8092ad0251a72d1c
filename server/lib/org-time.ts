import { eq, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { organisations } from '@/db/schema';
import { dateIn } from './zoned-date';

export { dateIn, isValidTimeZone } from './zoned-date';

/**
 * "Today" for an organisation. There is exactly one notion of the current date in Plumbline: the
 * calendar date in the organisation's time zone (Admin → Organisation settings). A release at 09:00
 * in Sydney is dated that Sydney day, never the UTC one. TypeScript asks `organisationToday`; SQL asks
 * `org_today(organisation_id)` (migration 0026), which reads the same column: never `current_date` or
 * `new Date().toISOString().slice(0, 10)`.
 */

export async function organisationTimeZone(db: DbOrTx, organisationId: string): Promise<string> {
  const [row] = await db
    .select({ timeZone: organisations.timeZone })
    .from(organisations)
    .where(eq(organisations.id, organisationId));
  if (!row) throw new Error(`Organisation ${organisationId} not found.`);
  return row.timeZone;
}

/** Today's date in the organisation's time zone; `at` lets a caller date a past instant (a release). */
export async function organisationToday(
  db: DbOrTx,
  organisationId: string,
  at: Date = new Date(),
): Promise<string> {
  return dateIn(await organisationTimeZone(db, organisationId), at);
}

/** The same date in SQL, for WHERE clauses: `org_today(<organisation id expression>)`. */
export function orgTodaySql(organisationId: string | SQLWrapper): SQL<string> {
  return sql<string>`org_today(${organisationId}::uuid)`;
}

/**
 * The zone of the deployment's organisation, for the single-organisation operations views (exceptions
 * and sync health carry no organisation column yet): an uncorrelated subquery PostgreSQL runs once.
 */
export const deploymentTimeZoneSql = sql<string>`(SELECT o.time_zone FROM organisations o ORDER BY o.created_at LIMIT 1)`;

/** Business days (Mon–Fri) after `since`'s date up to today, both in the deployment's zone. */
export function businessDaysSinceSql(since: SQLWrapper): SQL<number> {
  return sql<number>`(SELECT count(*) FROM generate_series((${since} AT TIME ZONE ${deploymentTimeZoneSql})::date + 1, (now() AT TIME ZONE ${deploymentTimeZoneSql})::date, interval '1 day') d WHERE extract(isodow FROM d) < 6)`;
}
