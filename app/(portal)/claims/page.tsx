import type { Metadata } from 'next';
import { ClaimTable } from '@/components/claims/claim-table';
import { listInputFromSearchParams } from '@/components/data-table/list-url';
import { HydrateClient, prefetch, trpc } from '@/components/trpc/server';
import { PageHeader } from '@/components/ui/feedback';

export const metadata: Metadata = { title: 'Claims' };

export default async function ClaimsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await prefetch(
    trpc.claims.list.queryOptions(
      listInputFromSearchParams(await searchParams, { initialSort: { id: 'updatedAt', desc: true } }),
    ),
  );
  return (
    <>
      <PageHeader
        title="Subcontractor claims"
        description="Every claim on the subcontracts of the projects you can see: filter by state, project, vendor or period; export to CSV."
      />
      <HydrateClient>
        <ClaimTable />
      </HydrateClient>
    </>
  );
}
