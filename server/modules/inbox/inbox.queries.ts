import type { DbOrTx } from '@/db/client';
import type { Actor } from '@/server/auth/actor';
import { changeOrdersAwaiting } from '@/server/modules/change-orders/change-order.queries';
import { claimsAwaiting } from '@/server/modules/claims/claim.queries';
import { milestonesAwaiting } from '@/server/modules/milestones/milestone.queries';
import type { InboxItem } from './inbox.types';

/** What waits for the signed-in person's decision, from every workflow, oldest first. */
const sources: ((db: DbOrTx, actor: Actor) => Promise<InboxItem[]>)[] = [
  changeOrdersAwaiting,
  claimsAwaiting,
  milestonesAwaiting,
];

export async function listMyApprovals(db: DbOrTx, actor: Actor): Promise<InboxItem[]> {
  const lists = await Promise.all(sources.map((source) => source(db, actor)));
  return lists.flat().sort((a, b) => a.waitingSince.getTime() - b.waitingSince.getTime());
}
