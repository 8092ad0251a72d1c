import { MilestoneDetail } from '@/components/milestones/milestone-detail';

export default async function MilestonePage({
  params,
}: {
  params: Promise<{ projectId: string; milestoneId: string }>;
}) {
  const { projectId, milestoneId } = await params;
  return <MilestoneDetail projectId={projectId} milestoneId={milestoneId} />;
}
