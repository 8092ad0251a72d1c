import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/feedback';
import { ApprovalInbox } from '@/components/inbox/approval-inbox';
import { HydrateClient, prefetch, trpc } from '@/components/trpc/server';

export const metadata: Metadata = { title: 'My approvals' };

export default async function InboxPage() {
  await prefetch(trpc.session.myApprovals.queryOptions());
  return (
    <>
      <PageHeader title="My approvals" description="Items waiting for your decision, oldest first." />
      <HydrateClient>
        <ApprovalInbox />
      </HydrateClient>
    </>
  );
}
