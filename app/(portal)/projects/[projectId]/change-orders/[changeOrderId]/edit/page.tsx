import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { currentActor } from '@/server/auth/current';
import { getChangeOrderDetail } from '@/server/modules/change-orders/change-order.queries';
import { ChangeOrderForm } from '@/components/change-orders/change-order-form';
import { PageHeader } from '@/components/ui/feedback';

export default async function EditChangeOrderPage({
  params,
}: {
  params: Promise<{ projectId: string; changeOrderId: string }>;
}) {
  const { projectId, changeOrderId } = await params;
  const { actor } = await currentActor();
  const co = actor ? await getChangeOrderDetail(getDb(), actor, changeOrderId) : null;
  if (!co || co.projectId !== projectId) notFound();
  return (
    <>
      <PageHeader
        title={`Edit ${co.reference}`}
        description={
          co.status === 'draft'
            ? 'Drafts only: submitted change orders cannot be edited.'
            : `This change order is ${co.status} and can no longer be edited.`
        }
      />
      {co.status === 'draft' ? (
        <ChangeOrderForm
          projectId={projectId}
          currency={co.project.currency}
          initial={{
            changeOrderId,
            version: co.version,
            kind: co.kind,
            title: co.title,
            reason: co.reason,
            description: co.description,
            scheduleImpactDays: co.scheduleImpactDays,
            subcontractId: co.subcontractId,
            clientChangeOrderId: co.clientChangeOrderId,
            lines: co.lines.map((l) => ({
              costCodeId: l.costCodeId,
              description: l.description,
              quantity: l.quantity,
              unit: l.unit,
              unitCost: l.unitCostAmount,
              sellAmount: l.sellAmount ?? '',
            })),
            documents: co.documents.map((d) => ({ title: d.title, url: d.url })),
          }}
        />
      ) : null}
    </>
  );
}
