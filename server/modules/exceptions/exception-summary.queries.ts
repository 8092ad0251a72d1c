import { and, count, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { exceptions } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { formatMoney, sumMoney } from '@/server/lib/money';
import { AGE_BUCKETS, type AgeBucket } from './exception.calc';
import { ageBucket, visibleTo, type ExceptionRow } from './exception.queries';

export type QueueCell = {
  category: ExceptionRow['category'];
  ageBucket: AgeBucket;
  count: number;
  amountAtStake: string;
};
export type QueueSummary = {
  cells: QueueCell[];
  totalCount: number;
  totalAtStake: string;
  assignedToMe: number;
  /** Chart-ready: one row per ageing bucket, a count (or the money at stake) per category. */
  countSeries: Record<string, string | number>[];
  moneySeries: Record<string, string | number>[];
};

/**
 * The finance home: open exceptions the actor may see, by category × ageing bucket, with the money at
 * stake (Σ amount_at_stake, summed in SQL numeric and returned as strings).
 */
export async function getQueueSummary(db: DbOrTx, actor: Actor): Promise<QueueSummary> {
  const open = and(visibleTo(actor), eq(exceptions.status, 'open'));
  const rows = await db
    .select({
      category: exceptions.category,
      ageBucket,
      count: count(),
      amountAtStake: sql<string>`coalesce(sum(abs(${exceptions.amountAtStake})), 0)::text`,
    })
    .from(exceptions)
    .where(open)
    .groupBy(exceptions.category, ageBucket);
  const [mine] = await db
    .select({ n: count() })
    .from(exceptions)
    .where(and(open, eq(exceptions.assigneeId, actor.id)));
  const cells = rows.map((r) => ({ ...r, amountAtStake: formatMoney(r.amountAtStake) }));
  return {
    cells,
    totalCount: cells.reduce((n, c) => n + c.count, 0),
    totalAtStake: formatMoney(sumMoney(cells.map((c) => c.amountAtStake))),
    assignedToMe: mine?.n ?? 0,
    countSeries: AGE_BUCKETS.map((b) => ({
      bucket: b.label,
      ...Object.fromEntries(cells.filter((c) => c.ageBucket === b.value).map((c) => [c.category, c.count])),
    })),
    moneySeries: AGE_BUCKETS.map((b) => ({
      bucket: b.label,
      ...Object.fromEntries(
        cells.filter((c) => c.ageBucket === b.value).map((c) => [c.category, c.amountAtStake]),
      ),
    })),
  };
}
