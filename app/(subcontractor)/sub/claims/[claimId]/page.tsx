import type { Metadata } from 'next';
import { HydrateClient, prefetch, trpc } from '@/components/trpc/server';
import { OwnClaim } from '@/components/portal/own-claim';

export const metadata: Metadata = { title: 'Claim' };

export default async function SubcontractorClaimPage({ params }: { params: Promise<{ claimId: string }> }) {
  const { claimId } = await params;
  await prefetch(trpc.portal.claim.queryOptions({ claimId }));
  return (
    <HydrateClient>
      <OwnClaim claimId={claimId} />
    </HydrateClient>
  );
}
