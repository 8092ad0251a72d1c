import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { currentActor } from '@/server/auth/current';
import { getMilestoneDetail } from '@/server/modules/milestones/milestone.queries';
import { MilestoneForm } from '@/components/milestones/milestone-form';
import { PageHeader } from '@/components/ui/feedback';

export default async function EditMilestonePage({
  params,
}: {
  params: Promise<{ projectId: string; milestoneId: string }>;
}) {
  const { projectId, milestoneId } = await params;
  const { actor } = await currentActor();
  const m = actor ? await getMilestoneDetail(getDb(), actor, milestoneId) : null;
  if (!m || m.projectId !== projectId) notFound();
  const editable = m.status === 'planned';
  return (
    <>
      <PageHeader
        title={`Edit ${m.reference}`}
        description={
          editable
            ? 'Planned milestones only: once completion is claimed it cannot be edited.'
            : `This milestone is ${m.status.replace('_', ' ')} and can no longer be edited.`
        }
      />
      {editable ? (
        <MilestoneForm
          projectId={projectId}
          initial={{
            milestoneId,
            version: m.version,
            name: m.name,
            plannedDate: m.plannedDate,
            amountBasis: m.amountBasis,
            fixedAmount: m.fixedAmount ?? '',
            percentOfContract: m.percentOfContract ?? '',
            odooSaleLineId: m.odooSaleLineId,
            odooMilestoneId: m.odooMilestoneId,
            evidence: m.evidence.map((e) => ({ title: e.title, url: e.url })),
          }}
        />
      ) : null}
    </>
  );
}
