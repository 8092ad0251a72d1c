import type { Metadata } from 'next';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';
import { ChangeOrderTable } from '@/components/change-orders/change-order-table';
import { PageHeader } from '@/components/ui/feedback';

export const metadata: Metadata = { title: 'Change orders' };

export default async function ProjectChangeOrdersPage({
  params,
}: {
  params: Promise<{ projectId: string }>;
}) {
  const { projectId } = await params;
  const { actor } = await currentActor();
  return (
    <>
      <PageHeader
        title="Change orders"
        description="Variations on this project: client, commitment and internal transfers."
      />
      <ChangeOrderTable
        projectId={projectId}
        canCreate={!!actor && hasPermission(actor.role, 'change_order.create')}
      />
    </>
  );
}
