import type { Metadata } from 'next';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';
import { MilestoneTable } from '@/components/milestones/milestone-table';
import { PageHeader } from '@/components/ui/feedback';

export const metadata: Metadata = { title: 'Billing' };

export default async function ProjectBillingPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { actor } = await currentActor();
  return (
    <>
      <PageHeader
        title="Billing milestones"
        description="Progress billing on this contract: PM claims completion, QS verifies, finance releases the customer invoice."
      />
      <MilestoneTable
        projectId={projectId}
        canCreate={!!actor && hasPermission(actor.role, 'milestone.create')}
      />
    </>
  );
}
