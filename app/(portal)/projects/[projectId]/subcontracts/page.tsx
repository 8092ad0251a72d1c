import { forbidden } from 'next/navigation';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';
import { SubcontractTable } from '@/components/subcontracts/subcontract-table';

export default async function ProjectSubcontractsPage({
  params,
}: {
  params: Promise<{ projectId: string }>;
}) {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'subcontract.read')) forbidden();
  const { projectId } = await params;
  return <SubcontractTable projectId={projectId} />;
}
