import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { NotificationSettings } from '@/components/notifications/notification-settings';
import { PageHeader } from '@/components/ui/feedback';
import { HydrateClient, prefetch, trpc } from '@/components/trpc/server';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';

export const metadata: Metadata = { title: 'Email notifications' };

export default async function SubcontractorNotificationSettingsPage() {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'notification.self')) forbidden();
  await prefetch(trpc.notifications.mySettings.queryOptions());
  return (
    <>
      <PageHeader
        title="Email notifications"
        description="Choose which emails Plumbline sends you. Account and security messages (invitations, password) are always sent."
      />
      <HydrateClient>
        <NotificationSettings />
      </HydrateClient>
    </>
  );
}
