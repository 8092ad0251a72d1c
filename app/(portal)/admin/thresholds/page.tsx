import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';
import { PageHeader } from '@/components/ui/feedback';
import { ThresholdsForm } from '@/components/admin/thresholds-form';

export const metadata: Metadata = { title: 'Approval thresholds' };

export default async function ThresholdsPage() {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'settings.read')) forbidden();
  return (
    <>
      <PageHeader
        title="Approval thresholds"
        description="Fix each change order's approval route when it is submitted: QS review, then the project manager up to their limit; above it the project manager and then an executive."
      />
      <ThresholdsForm />
    </>
  );
}
