import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { ProjectCost } from '@/components/cost/project-cost';
import { HydrateClient, prefetch, trpc } from '@/components/trpc/server';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';

export const metadata: Metadata = { title: 'Cost to complete' };

export default async function ProjectCostPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'cost.read')) forbidden();
  await prefetch(
    trpc.cost.summary.queryOptions({ projectId }),
    trpc.cost.charts.queryOptions({ projectId }),
    trpc.cost.snapshots.queryOptions({ projectId }),
  );
  return (
    <HydrateClient>
      <ProjectCost projectId={projectId} canSnapshot={hasPermission(actor.role, 'cost.snapshot')} />
    </HydrateClient>
  );
}
