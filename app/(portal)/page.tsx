import { redirect } from 'next/navigation';
import { currentActor } from '@/server/auth/current';

/** Finance lands on its queue overview; everyone else on their approvals. */
export default async function PortalHome() {
  const { actor } = await currentActor();
  redirect(actor?.role === 'finance' ? '/finance' : '/inbox');
}
