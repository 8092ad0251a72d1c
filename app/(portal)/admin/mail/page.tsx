import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { MailOutbox } from '@/components/admin/mail-outbox';
import { PageHeader } from '@/components/ui/feedback';
import { HydrateClient, prefetch, trpc } from '@/components/trpc/server';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';

export const metadata: Metadata = { title: 'Sent mail' };

export default async function MailPage() {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'mail.outbox.read')) forbidden();
  await prefetch(trpc.operations.outbox.queryOptions());
  return (
    <>
      <PageHeader
        title="Sent mail"
        description="With no SMTP server configured (SMTP_URL), Plumbline keeps every message it sends here instead: invitations, notifications and alerts, newest first."
      />
      <HydrateClient>
        <MailOutbox />
      </HydrateClient>
    </>
  );
}
