import type { Metadata } from 'next';
import { HydrateClient, prefetch, trpc } from '@/components/trpc/server';
import { PageHeader } from '@/components/ui/feedback';
import { OwnSubcontracts } from '@/components/portal/own-subcontracts';

export const metadata: Metadata = { title: 'Your subcontracts' };

export default async function SubcontractorHome() {
  await prefetch(trpc.portal.subcontracts.queryOptions());
  return (
    <>
      <PageHeader
        title="Your subcontracts"
        description="What is scheduled, certified so far and still to claim on each subcontract. Open one to start a claim."
      />
      <HydrateClient>
        <OwnSubcontracts />
      </HydrateClient>
    </>
  );
}
