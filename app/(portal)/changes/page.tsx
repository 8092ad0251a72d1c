import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';
import { PageHeader } from '@/components/ui/feedback';
import { PendingChanges } from '@/components/changes/pending-changes';

export const metadata: Metadata = { title: 'Pending changes' };

export default async function PendingChangesPage() {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'change.read')) forbidden();
  return (
    <>
      <PageHeader
        title="Pending changes"
        description="Changes that redirect money or grant approval rights take effect only when a second person confirms them: vendor bank details and compliance dates (finance asks, an executive confirms), roles with approval rights (an administrator asks, an executive confirms) and two-step sign-in resets."
      />
      <PendingChanges />
    </>
  );
}
