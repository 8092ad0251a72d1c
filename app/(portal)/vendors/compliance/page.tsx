import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';
import { PageHeader } from '@/components/ui/feedback';
import { ComplianceRegisterTable } from '@/components/vendors/compliance-register-table';

export const metadata: Metadata = { title: 'Compliance register' };

export default async function ComplianceRegisterPage() {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'compliance.register.read')) forbidden();
  return (
    <>
      <PageHeader
        title="Compliance register"
        description="Every vendor's insurance, licence and tax certificates today: current, expiring within 30 days, expired (claims are not released and new commitment change orders are refused) or not recorded."
      />
      <ComplianceRegisterTable />
    </>
  );
}
