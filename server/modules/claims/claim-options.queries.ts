import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { claims, partners, projects, sovLines, subcontracts } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { assertProjectVisible } from '@/server/auth/policy';

const APPROVED = sql`('approved','released','posted','paid')`;

/**
 * A project's subcontracts as the claims screens need them: vendor compliance, Odoo links, revised
 * value (SOV incl. approved commitment COs), and the retention register (held, released, and what
 * practical completion would release) read from the last approved claim. Sums are done by
 * PostgreSQL's numeric, never in JavaScript.
 */
export async function getClaimFormOptions(db: DbOrTx, actor: Actor, projectId: string) {
  await assertProjectVisible(db, actor, projectId);
  const last = sql`(SELECT c.id FROM ${claims} c WHERE c.subcontract_id = ${subcontracts.id} AND c.status IN ${APPROVED} ORDER BY c.number DESC, c.revision DESC LIMIT 1)`;
  const rows = await db
    .select({
      id: subcontracts.id,
      reference: subcontracts.reference,
      title: subcontracts.title,
      currency: projects.currency,
      vendorName: partners.name,
      insuranceExpiresOn: partners.insuranceExpiresOn,
      licenceExpiresOn: partners.licenceExpiresOn,
      hasOdooLink: sql<boolean>`${subcontracts.odooPurchaseOrderId} IS NOT NULL AND ${partners.odooId} IS NOT NULL`,
      retentionRate: subcontracts.retentionRate,
      revisedValue: sql<string>`(SELECT coalesce(sum(${sovLines.scheduledAmount}), 0)::numeric(14,2)::text FROM ${sovLines} WHERE ${sovLines.subcontractId} = ${subcontracts.id})`,
      certifiedToDate: sql<string>`coalesce((SELECT certified_to_date_amount FROM ${claims} WHERE id = ${last}), 0)::numeric(14,2)::text`,
      retentionHeld: sql<string>`coalesce((SELECT retention_held_to_date_amount FROM ${claims} WHERE id = ${last}), 0)::numeric(14,2)::text`,
      retentionReleased: sql<string>`coalesce((SELECT retention_released_to_date_amount FROM ${claims} WHERE id = ${last}), 0)::numeric(14,2)::text`,
      practicalCompletionRelease: sql<string>`round(coalesce((SELECT retention_held_to_date_amount FROM ${claims} WHERE id = ${last}), 0) / 2, 2)::numeric(14,2)::text`,
      openClaim: sql<
        string | null
      >`(SELECT c.reference FROM ${claims} c WHERE c.subcontract_id = ${subcontracts.id} AND c.status IN ('draft','submitted','certified') LIMIT 1)`,
    })
    .from(subcontracts)
    .innerJoin(partners, eq(partners.id, subcontracts.vendorId))
    .innerJoin(projects, eq(projects.id, subcontracts.projectId))
    .where(and(eq(subcontracts.projectId, projectId)))
    .orderBy(asc(subcontracts.reference));
  const [totals] = await db
    .select({
      held: sql<string>`coalesce(sum(held), 0)::numeric(14,2)::text`,
      released: sql<string>`coalesce(sum(released), 0)::numeric(14,2)::text`,
    })
    .from(
      sql`(SELECT (SELECT retention_held_to_date_amount FROM ${claims} WHERE id = ${last}) AS held, (SELECT retention_released_to_date_amount FROM ${claims} WHERE id = ${last}) AS released FROM ${subcontracts} WHERE ${subcontracts.projectId} = ${projectId}) AS register`,
    );
  return {
    subcontracts: rows,
    retentionRegister: { held: totals?.held ?? '0.00', released: totals?.released ?? '0.00' },
  };
}
