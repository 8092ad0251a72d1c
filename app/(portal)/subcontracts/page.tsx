import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';
import { PageHeader } from '@/components/ui/feedback';
import { SubcontractTable } from '@/components/subcontracts/subcontract-table';

export const metadata: Metadata = { title: 'Subcontracts' };

export default async function SubcontractsPage() {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'subcontract.read')) forbidden();
  return (
    <>
      <PageHeader
        title="Subcontracts"
        description="Confirmed purchase orders from Odoo on your projects; their lines are the schedule of values."
      />
      <SubcontractTable />
    </>
  );
}
