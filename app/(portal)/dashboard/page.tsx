import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { PortfolioDashboard } from '@/components/cost/portfolio-dashboard';
import { PageHeader } from '@/components/ui/feedback';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';

export const metadata: Metadata = { title: 'Portfolio' };

export default async function DashboardPage() {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'portfolio.read')) forbidden();
  return (
    <>
      <PageHeader title="Portfolio" description="Cost to complete of every project: revised budget, estimate at completion, margin, billing and retention. Open a project to drill into its cost codes." />
      <PortfolioDashboard />
    </>
  );
}
