import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { PortfolioDashboard } from '@/components/cost/portfolio-dashboard';
import { listInputFromSearchParams } from '@/components/data-table/list-url';
import { HydrateClient, prefetch, trpc } from '@/components/trpc/server';
import { PageHeader } from '@/components/ui/feedback';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';

export const metadata: Metadata = { title: 'Portfolio' };

export default async function DashboardPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'portfolio.read')) forbidden();
  await prefetch(
    trpc.portfolio.list.queryOptions(listInputFromSearchParams(await searchParams, { pageSize: 50 })),
    trpc.portfolio.charts.queryOptions({ currency: undefined }),
  );
  return (
    <>
      <PageHeader
        title="Portfolio"
        description="Cost to complete of every project: revised budget, estimate at completion, margin, billing and retention. Open a project to drill into its cost codes."
      />
      <HydrateClient>
        <PortfolioDashboard />
      </HydrateClient>
    </>
  );
}
