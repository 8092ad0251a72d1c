import { ClaimDetail } from '@/components/claims/claim-detail';

export default async function ClaimPage({ params }: { params: Promise<{ projectId: string; claimId: string }> }) {
  const { projectId, claimId } = await params;
  return <ClaimDetail projectId={projectId} claimId={claimId} />;
}
