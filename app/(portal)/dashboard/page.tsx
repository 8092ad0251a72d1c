import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { Suspense } from 'react';
import { ChartsPlaceholder } from '@/components/cost/charts-placeholder';
import { PortfolioCharts } from '@/components/cost/portfolio-dashboard';
import { PortfolioTable } from '@/components/cost/portfolio-table';
import { listInputFromSearchParams } from '@/components/data-table/list-url';
import { HydrateClient, prefetch, trpc } from '@/components/trpc/server';
import { PageHeader } from '@/components/ui/feedback';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';

export const metadata: Metadata = { title: 'Portfolio' };

/** The charts' series, prefetched in their own boundary: streamed after the table, never before it. */
async function StreamedCharts() {
  await prefetch(trpc.portfolio.charts.queryOptions({ currency: undefined }));
  return (
    <HydrateClient>
      <PortfolioCharts />
    </HydrateClient>
  );
}

export default async function DashboardPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'portfolio.read')) forbidden();
  await prefetch(
    trpc.portfolio.list.queryOptions(listInputFromSearchParams(await searchParams, { pageSize: 50 })),
  );
  return (
    <>
      <PageHeader
        title="Portfolio"
        description="Cost to complete of every project: revised budget, estimate at completion, margin, billing and retention. Open a project to drill into its cost codes."
      />
      <div className="space-y-6">
        <HydrateClient>
          <PortfolioTable />
        </HydrateClient>
        <Suspense fallback={<ChartsPlaceholder />}>
          <StreamedCharts />
        </Suspense>
      </div>
    </>
  );
}
