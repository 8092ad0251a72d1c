import type { Metadata } from 'next';
import { ChangeOrderTable } from '@/components/change-orders/change-order-table';
import { listInputFromSearchParams } from '@/components/data-table/list-url';
import { HydrateClient, prefetch, trpc } from '@/components/trpc/server';
import { PageHeader } from '@/components/ui/feedback';

export const metadata: Metadata = { title: 'Change orders' };

export default async function ChangeOrdersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await prefetch(
    trpc.changeOrders.list.queryOptions(
      listInputFromSearchParams(await searchParams, { initialSort: { id: 'updatedAt', desc: true } }),
    ),
  );
  return (
    <>
      <PageHeader title="Change orders" description="Every change order on the projects you can see." />
      <HydrateClient>
        <ChangeOrderTable />
      </HydrateClient>
    </>
  );
}
