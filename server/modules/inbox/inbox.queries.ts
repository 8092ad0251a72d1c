import type { DbOrTx } from '@/db/client';
import type { Actor } from '@/server/auth/actor';

export type InboxItem = {
  kind: 'change_order' | 'claim' | 'milestone';
  id: string;
  projectId: string;
  projectCode: string;
  reference: string;
  title: string;
  step: string;
  amount: string;
  currency: string;
  waitingSince: Date;
};

/**
 * What waits for the signed-in person's decision. Each workflow registers a source here as it
 * lands; until then the inbox is honestly empty.
 */
export type InboxSource = (db: DbOrTx, actor: Actor) => Promise<InboxItem[]>;

const sources: InboxSource[] = [];

export function registerInboxSource(source: InboxSource): void {
  sources.push(source);
}

export async function listMyApprovals(db: DbOrTx, actor: Actor): Promise<InboxItem[]> {
  const lists = await Promise.all(sources.map((source) => source(db, actor)));
  return lists.flat().sort((a, b) => a.waitingSince.getTime() - b.waitingSince.getTime());
}
