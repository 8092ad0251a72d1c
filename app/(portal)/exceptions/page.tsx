import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { ExceptionQueue } from '@/components/exceptions/exception-queue';
import { PageHeader } from '@/components/ui/feedback';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';

export const metadata: Metadata = { title: 'Exceptions' };

export default async function ExceptionsPage() {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'exception.read')) forbidden();
  return (
    <>
      <PageHeader
        title="Exceptions"
        description="What stands between an approval and the ledger: failed syncs, rule breaches and drift from Odoo. Retry once the cause is fixed, or dismiss with a reason."
      />
      <ExceptionQueue />
    </>
  );
}
