import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';
import { PageHeader } from '@/components/ui/feedback';
import { SecurityPolicy } from '@/components/admin/security-policy';

export const metadata: Metadata = { title: 'Two-step sign-in policy' };

export default async function SecurityPage() {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'settings.read')) forbidden();
  return (
    <>
      <PageHeader
        title="Two-step sign-in policy"
        description="Administrators, finance and executives always need a second factor. Require it of everyone here; reset a lost one from the user's page (a second administrator or an executive confirms)."
      />
      <SecurityPolicy canConfirmResets={hasPermission(actor.role, 'mfa.reset_confirm')} />
    </>
  );
}
