import type { Metadata } from 'next';
import { HydrateClient, prefetch, trpc } from '@/components/trpc/server';
import { OwnSubcontract } from '@/components/portal/own-subcontract';

export const metadata: Metadata = { title: 'Subcontract' };

export default async function SubcontractorSubcontractPage({
  params,
}: {
  params: Promise<{ subcontractId: string }>;
}) {
  const { subcontractId } = await params;
  await prefetch(trpc.portal.subcontract.queryOptions({ subcontractId }));
  return (
    <HydrateClient>
      <OwnSubcontract subcontractId={subcontractId} />
    </HydrateClient>
  );
}
