import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';
import { PageHeader } from '@/components/ui/feedback';
import { PullNowButton } from '@/components/odoo/pull-now-button';
import { PullRunTable } from '@/components/pull-runs/pull-run-table';

export const metadata: Metadata = { title: 'Pull runs' };

export default async function PullRunsPage() {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'pull.read')) forbidden();
  return (
    <>
      <PageHeader
        title="Pull runs"
        description="Every master-data pull from Odoo (vendors, projects, cost codes, subcontracts and their SOV, actual cost), with what it created, updated or could not take."
        actions={hasPermission(actor.role, 'odoo.pull') ? <PullNowButton /> : null}
      />
      <PullRunTable />
    </>
  );
}
