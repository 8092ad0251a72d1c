import { forbidden } from 'next/navigation';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';
import { PullRunDetail } from '@/components/pull-runs/pull-run-detail';

export default async function PullRunPage({ params }: { params: Promise<{ runId: string }> }) {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'pull.read')) forbidden();
  const { runId } = await params;
  return <PullRunDetail runId={runId} />;
}
