import { ClaimDetail } from '@/components/claims/claim-detail';
import { HydrateClient, prefetch, trpc } from '@/components/trpc/server';

export default async function ClaimPage({
  params,
}: {
  params: Promise<{ projectId: string; claimId: string }>;
}) {
  const { projectId, claimId } = await params;
  await prefetch(trpc.claims.get.queryOptions({ claimId }));
  return (
    <HydrateClient>
      <ClaimDetail projectId={projectId} claimId={claimId} />
    </HydrateClient>
  );
}
