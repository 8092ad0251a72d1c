import type { Metadata } from 'next';
import { ClaimTable } from '@/components/claims/claim-table';
import { RetentionRegister } from '@/components/claims/new-claim-form';
import { PageHeader } from '@/components/ui/feedback';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';

export const metadata: Metadata = { title: 'Claims' };

export default async function ProjectClaimsPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { actor } = await currentActor();
  return (
    <div className="space-y-6">
      <PageHeader
        title="Claims"
        description="Subcontractors' payment applications on this project, certified line by line."
      />
      <ClaimTable projectId={projectId} canCreate={!!actor && hasPermission(actor.role, 'claim.create')} />
      <RetentionRegister projectId={projectId} />
    </div>
  );
}
