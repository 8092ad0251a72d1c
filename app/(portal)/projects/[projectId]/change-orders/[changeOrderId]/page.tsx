import { ChangeOrderDetail } from '@/components/change-orders/change-order-detail';
import { HydrateClient, prefetch, trpc } from '@/components/trpc/server';

export default async function ChangeOrderPage({
  params,
}: {
  params: Promise<{ projectId: string; changeOrderId: string }>;
}) {
  const { projectId, changeOrderId } = await params;
  await prefetch(trpc.changeOrders.get.queryOptions({ changeOrderId }));
  return (
    <HydrateClient>
      <ChangeOrderDetail projectId={projectId} changeOrderId={changeOrderId} />
    </HydrateClient>
  );
}
