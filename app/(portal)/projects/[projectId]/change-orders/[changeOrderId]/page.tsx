import { ChangeOrderDetail } from '@/components/change-orders/change-order-detail';

export default async function ChangeOrderPage({ params }: { params: Promise<{ projectId: string; changeOrderId: string }> }) {
  const { projectId, changeOrderId } = await params;
  return <ChangeOrderDetail projectId={projectId} changeOrderId={changeOrderId} />;
}
