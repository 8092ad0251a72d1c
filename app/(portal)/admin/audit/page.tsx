import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';
import { PageHeader } from '@/components/ui/feedback';
import { AuditTable } from '@/components/admin/audit-table';

export const metadata: Metadata = { title: 'Audit log' };

export default async function AuditPage() {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'audit.read')) forbidden();
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every state change and every edit of a money field, append-only and hash-chained."
      />
      <AuditTable />
    </>
  );
}
