import type { Metadata } from 'next';
import { ClaimTable } from '@/components/claims/claim-table';
import { PageHeader } from '@/components/ui/feedback';

export const metadata: Metadata = { title: 'Claims' };

export default function ClaimsPage() {
  return (
    <>
      <PageHeader title="Subcontractor claims" description="Every claim on the subcontracts of the projects you can see: filter by state, project, vendor or period; export to CSV." />
      <ClaimTable />
    </>
  );
}
