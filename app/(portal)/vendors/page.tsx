import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';
import { PageHeader } from '@/components/ui/feedback';
import { VendorTable } from '@/components/vendors/vendor-table';

export const metadata: Metadata = { title: 'Vendors' };

export default async function VendorsPage() {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'vendor.read')) forbidden();
  return (
    <>
      <PageHeader
        title="Vendors"
        description="Subcontractors and suppliers from Odoo, with the insurance and licence dates Plumbline keeps for them."
      />
      <VendorTable />
    </>
  );
}
