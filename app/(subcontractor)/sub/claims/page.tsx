import type { Metadata } from 'next';
import { HydrateClient, prefetch, trpc } from '@/components/trpc/server';
import { PageHeader } from '@/components/ui/feedback';
import { OwnClaims } from '@/components/portal/own-claims';

export const metadata: Metadata = { title: 'Claims and payments' };

export default async function SubcontractorClaimsPage() {
  await prefetch(trpc.portal.claims.queryOptions());
  return (
    <>
      <PageHeader
        title="Claims and payments"
        description="Every claim you have made, what was certified, and where the money is: approved, billed in Odoo, posted, paid."
      />
      <HydrateClient>
        <OwnClaims />
      </HydrateClient>
    </>
  );
}
