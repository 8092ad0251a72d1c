import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { SloAdmin } from '@/components/ops/slo-admin';
import { PageHeader } from '@/components/ui/feedback';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';

export const metadata: Metadata = { title: 'Operations' };

export default async function OperationsPage() {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'slo.manage')) forbidden();
  return (
    <>
      <PageHeader
        title="Operations"
        description="Service level objectives per workflow (every change audited), their current burn, and the alerts raised when a workflow stalls or an SLO burns."
      />
      <SloAdmin />
    </>
  );
}
