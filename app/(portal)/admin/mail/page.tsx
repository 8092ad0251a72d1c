import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { MailOutbox } from '@/components/admin/mail-outbox';
import { NotificationQueue } from '@/components/admin/notification-queue';
import { PageHeader } from '@/components/ui/feedback';
import { HydrateClient, prefetch, trpc } from '@/components/trpc/server';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';

export const metadata: Metadata = { title: 'Sent mail' };

export default async function MailPage() {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'mail.outbox.read')) forbidden();
  await prefetch(trpc.operations.outbox.queryOptions());
  await prefetch(trpc.notifications.list.queryOptions({ status: null }));
  return (
    <>
      <PageHeader
        title="Sent mail"
        description="Every notification Plumbline queued and what became of it (failed or uncertain ones can be resent). With no SMTP server configured (SMTP_URL), the bundled mail catcher keeps every message it received below, newest first."
      />
      <HydrateClient>
        <div className="space-y-6">
          <NotificationQueue canResend={hasPermission(actor.role, 'mail.resend')} />
          <section aria-labelledby="caught-mail">
            <h2 id="caught-mail" className="mb-2 text-sm font-semibold text-slate-900">
              Received by the mail catcher
            </h2>
            <MailOutbox />
          </section>
        </div>
      </HydrateClient>
    </>
  );
}
