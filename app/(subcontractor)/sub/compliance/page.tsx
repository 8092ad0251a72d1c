import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { currentActor } from '@/server/auth/current';
import { HydrateClient, prefetch, trpc } from '@/components/trpc/server';
import { PageHeader } from '@/components/ui/feedback';
import { VendorCompliancePanel } from '@/components/vendors/vendor-compliance-panel';

export const metadata: Metadata = { title: 'Compliance documents' };

/** A subcontractor's own compliance register: upload certificates, see what finance accepted and what expires. */
export default async function SubcontractorCompliancePage() {
  const { actor } = await currentActor();
  if (!actor?.vendorId) redirect('/sub');
  await prefetch(trpc.compliance.vendor.queryOptions({ vendorId: actor.vendorId }));
  return (
    <>
      <PageHeader
        title="Compliance documents"
        description="Your insurance, licence and tax certificates with their expiry dates. While one has expired the contractor cannot pay your claims or place new work with you: upload the renewed certificate for finance to review."
      />
      <HydrateClient>
        <VendorCompliancePanel vendorId={actor.vendorId} />
      </HydrateClient>
    </>
  );
}
