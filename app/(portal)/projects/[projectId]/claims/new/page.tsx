import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { NewClaimForm } from '@/components/claims/new-claim-form';
import { PageHeader } from '@/components/ui/feedback';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';

export const metadata: Metadata = { title: 'New claim' };

export default async function NewClaimPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'claim.create')) forbidden();
  return (
    <>
      <PageHeader
        title="New claim"
        description="One line per SOV line (approved change orders included) is created for you; enter the claimed figures next."
      />
      <NewClaimForm projectId={projectId} />
    </>
  );
}
