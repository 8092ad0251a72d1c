import type { Metadata } from 'next';
import Link from 'next/link';
import { forbidden } from 'next/navigation';
import { FinanceHome } from '@/components/exceptions/finance-home';
import { HydrateClient, prefetch, trpc } from '@/components/trpc/server';
import { PageHeader } from '@/components/ui/feedback';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';

export const metadata: Metadata = { title: 'Finance' };

export default async function FinanceHomePage() {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'exception.read')) forbidden();
  await prefetch(trpc.exceptions.summary.queryOptions(), trpc.session.me.queryOptions());
  return (
    <>
      <PageHeader
        title="Finance"
        description="Everything between an approval and the ledger, by category and age, with the money at stake."
        actions={
          <Link href="/exceptions" className="text-sm font-medium text-brand-700 hover:underline">
            Open the queue
          </Link>
        }
      />
      <HydrateClient>
        <FinanceHome />
      </HydrateClient>
    </>
  );
}
