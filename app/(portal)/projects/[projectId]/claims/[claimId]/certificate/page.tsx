import type { Metadata } from 'next';
import { ClaimCertificate } from '@/components/claims/claim-certificate';

export const metadata: Metadata = { title: 'Payment certificate' };

export default async function ClaimCertificatePage({ params }: { params: Promise<{ claimId: string }> }) {
  const { claimId } = await params;
  return <ClaimCertificate claimId={claimId} />;
}
