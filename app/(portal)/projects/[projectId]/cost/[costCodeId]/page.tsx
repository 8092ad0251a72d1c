import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { CostCodeDetail } from '@/components/cost/cost-code-detail';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';

export const metadata: Metadata = { title: 'Cost code' };

export default async function CostCodePage({
  params,
}: {
  params: Promise<{ projectId: string; costCodeId: string }>;
}) {
  const { projectId, costCodeId } = await params;
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'cost.read')) forbidden();
  return (
    <CostCodeDetail
      projectId={projectId}
      costCodeId={costCodeId}
      canOverride={hasPermission(actor.role, 'cost.override')}
    />
  );
}
