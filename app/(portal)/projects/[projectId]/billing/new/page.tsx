import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { currentActor } from '@/server/auth/current';
import { getProject } from '@/server/modules/projects/project.queries';
import { MilestoneForm } from '@/components/milestones/milestone-form';
import { PageHeader } from '@/components/ui/feedback';

export const metadata: Metadata = { title: 'New milestone' };

export default async function NewMilestonePage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { actor } = await currentActor();
  const project = actor ? await getProject(getDb(), actor, projectId) : null;
  if (!project) notFound();
  return (
    <>
      <PageHeader title="New billing milestone" description={`${project.code} · ${project.name}`} />
      <MilestoneForm projectId={projectId} />
    </>
  );
}
