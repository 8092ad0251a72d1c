import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { OperationsPanel } from '@/components/ops/operations-panel';
import { SyncHealth } from '@/components/sync/sync-health';
import { PageHeader } from '@/components/ui/feedback';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';

export const metadata: Metadata = { title: 'Sync health' };

export default async function SyncHealthPage() {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'exception.read')) forbidden();
  return (
    <>
      <PageHeader
        title="Sync health"
        description="Is everything approved reaching Odoo, and how fast? The queue, every attempt by outcome, latency from approval to Odoo, and the last reconciliation."
      />
      <div className="mb-4">
        <OperationsPanel />
      </div>
      <SyncHealth canReconcile={hasPermission(actor.role, 'exception.act')} />
    </>
  );
}
