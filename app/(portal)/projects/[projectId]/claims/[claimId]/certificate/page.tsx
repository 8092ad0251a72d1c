import type { Metadata } from 'next';
import { ClaimCertificate } from '@/components/claims/claim-certificate';
import { HydrateClient, prefetch, trpc } from '@/components/trpc/server';

export const metadata: Metadata = { title: 'Payment certificate' };

export default async function ClaimCertificatePage({
  params,
}: {
  params: Promise<{ projectId: string; claimId: string }>;
}) {
  const { projectId, claimId } = await params;
  await prefetch(trpc.claims.certificate.queryOptions({ claimId }));
  return (
    <HydrateClient>
      <ClaimCertificate claimId={claimId} projectId={projectId} />
    </HydrateClient>
  );
}
