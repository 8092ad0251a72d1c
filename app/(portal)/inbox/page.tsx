import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/feedback';
import { ApprovalInbox } from '@/components/inbox/approval-inbox';

export const metadata: Metadata = { title: 'My approvals' };

export default function InboxPage() {
  return (
    <>
      <PageHeader title="My approvals" description="Items waiting for your decision, oldest first." />
      <ApprovalInbox />
    </>
  );
}
