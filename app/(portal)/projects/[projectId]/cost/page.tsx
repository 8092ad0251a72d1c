import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { Suspense } from 'react';
import { ChartsPlaceholder } from '@/components/cost/charts-placeholder';
import { ProjectCost, ProjectCostCharts } from '@/components/cost/project-cost';
import { listInputFromSearchParams } from '@/components/data-table/list-url';
import { HydrateClient, prefetch, trpc } from '@/components/trpc/server';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';

export const metadata: Metadata = { title: 'Cost to complete' };

/** The charts' series in their own boundary: streamed after the figures and the report, never before. */
async function StreamedCharts({ projectId }: { projectId: string }) {
  await prefetch(trpc.cost.charts.queryOptions({ projectId }));
  return (
    <HydrateClient>
      <ProjectCostCharts projectId={projectId} />
    </HydrateClient>
  );
}

export default async function ProjectCostPage({
  params,
  searchParams,
}: {
  params: Promise<{ projectId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { projectId } = await params;
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'cost.read')) forbidden();
  await prefetch(
    trpc.cost.summary.queryOptions({ projectId }),
    trpc.cost.snapshots.queryOptions({ projectId }),
    // the cost report's first page, as its table asks for it (CostReportTable: 50 a page)
    trpc.cost.codes.queryOptions({
      ...listInputFromSearchParams(await searchParams, { pageSize: 50 }),
      projectId,
    }),
  );
  return (
    <HydrateClient>
      <ProjectCost
        projectId={projectId}
        canSnapshot={hasPermission(actor.role, 'cost.snapshot')}
        charts={
          <Suspense fallback={<ChartsPlaceholder />}>
            <StreamedCharts projectId={projectId} />
          </Suspense>
        }
      />
    </HydrateClient>
  );
}
