import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { ExceptionQueue } from '@/components/exceptions/exception-queue';
import { listInputFromSearchParams } from '@/components/data-table/list-url';
import { HydrateClient, prefetch, trpc } from '@/components/trpc/server';
import { PageHeader } from '@/components/ui/feedback';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';

export const metadata: Metadata = { title: 'Exceptions' };

export default async function ExceptionsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'exception.read')) forbidden();
  const input = listInputFromSearchParams(await searchParams, { initialFilters: { status: 'open' } });
  await prefetch(
    trpc.exceptions.list.queryOptions(input),
    trpc.session.me.queryOptions(),
    trpc.projects.options.queryOptions(),
    trpc.exceptions.assignees.queryOptions(),
  );
  return (
    <>
      <PageHeader
        title="Exceptions"
        description="What stands between an approval and the ledger: failed syncs, rule breaches and drift from Odoo. Retry once the cause is fixed, or dismiss with a reason."
      />
      <HydrateClient>
        <ExceptionQueue />
      </HydrateClient>
    </>
  );
}
