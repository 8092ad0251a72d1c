import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { currentActor } from '@/server/auth/current';
import { getProject } from '@/server/modules/projects/project.queries';
import { ChangeOrderForm } from '@/components/change-orders/change-order-form';
import { PageHeader } from '@/components/ui/feedback';

export const metadata: Metadata = { title: 'New change order' };

export default async function NewChangeOrderPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { actor } = await currentActor();
  const project = actor ? await getProject(getDb(), actor, projectId) : null;
  if (!project) notFound();
  return (
    <>
      <PageHeader title="New change order" description={`${project.code} · ${project.name}`} />
      <ChangeOrderForm projectId={projectId} currency={project.currency} />
    </>
  );
}
