import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { changeOrders, costCodes, partners, subcontracts } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { assertProjectVisible } from '@/server/auth/policy';

/** The pick lists of the change-order form for one project. */
export async function getChangeOrderFormOptions(db: DbOrTx, actor: Actor, projectId: string) {
  await assertProjectVisible(db, actor, projectId);
  const [codes, subs, clientCos] = await Promise.all([
    db
      .select({ id: costCodes.id, code: costCodes.code, name: costCodes.name })
      .from(costCodes)
      .where(eq(costCodes.projectId, projectId))
      .orderBy(costCodes.code),
    db
      .select({
        id: subcontracts.id,
        reference: subcontracts.reference,
        title: subcontracts.title,
        vendorName: partners.name,
      })
      .from(subcontracts)
      .innerJoin(partners, eq(partners.id, subcontracts.vendorId))
      .where(eq(subcontracts.projectId, projectId))
      .orderBy(subcontracts.reference),
    db
      .select({ id: changeOrders.id, reference: changeOrders.reference, title: changeOrders.title })
      .from(changeOrders)
      .where(and(eq(changeOrders.projectId, projectId), eq(changeOrders.kind, 'client')))
      .orderBy(changeOrders.number),
  ]);
  return { costCodes: codes, subcontracts: subs, clientChangeOrders: clientCos };
}
