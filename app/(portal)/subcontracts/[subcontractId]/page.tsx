import { forbidden } from 'next/navigation';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';
import { SubcontractDetail } from '@/components/subcontracts/subcontract-detail';

export default async function SubcontractPage({ params }: { params: Promise<{ subcontractId: string }> }) {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'subcontract.read')) forbidden();
  const { subcontractId } = await params;
  return (
    <SubcontractDetail
      subcontractId={subcontractId}
      canEditRetention={hasPermission(actor.role, 'subcontract.update_retention')}
    />
  );
}
