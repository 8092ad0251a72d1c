import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { claims, projects, type PullCounts } from '@/db/schema';
import type { OdooClient } from '@/server/odoo/client';
import { isOdooError } from '@/server/odoo/errors';
import { refreshClaimFromOdoo } from './claim.sync';

const CLAIM_BILLS_PULL_KEY = 'account.move (claim bills)';

/**
 * Claims whose bill is in Odoo follow it on every pull: `posted` when finance posts it there,
 * `paid` when a payment is registered (a payment can come weeks after the release).
 */
export async function pullClaimBills(ctx: {
  db: Db;
  odoo: OdooClient;
  organisationId: string;
  counts: PullCounts;
}): Promise<void> {
  const open = await ctx.db
    .select({ id: claims.id, status: claims.status })
    .from(claims)
    .innerJoin(projects, eq(projects.id, claims.projectId))
    .where(
      and(
        eq(projects.organisationId, ctx.organisationId),
        inArray(claims.status, ['approved', 'released', 'posted']),
        isNotNull(claims.odooBillId),
      ),
    );
  const counts = { created: 0, updated: 0, unchanged: 0, failed: 0 };
  for (const claim of open) {
    try {
      const result = await refreshClaimFromOdoo(ctx.db, ctx.odoo, claim.id);
      if (result && result.status !== claim.status) counts.updated += 1;
      else counts.unchanged += 1;
    } catch (error) {
      // one unreadable bill must not stop the rest; reconciliation reports drift
      if (!isOdooError(error)) throw error;
      counts.failed += 1;
    }
  }
  ctx.counts[CLAIM_BILLS_PULL_KEY] = counts;
}
