import type { Metadata } from 'next';
import { MilestoneTable } from '@/components/milestones/milestone-table';
import { PageHeader } from '@/components/ui/feedback';

export const metadata: Metadata = { title: 'Billing milestones' };

export default function BillingPage() {
  return (
    <>
      <PageHeader
        title="Billing milestones"
        description="Every billing milestone on the projects you can see; overdue ones are highlighted."
      />
      <MilestoneTable />
    </>
  );
}
