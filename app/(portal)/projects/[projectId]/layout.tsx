import Link from 'next/link';
import type { ReactNode } from 'react';
import { ProjectTabs } from '@/components/projects/project-tabs';
import { getQueryClient, trpc } from '@/components/trpc/server';

export default async function ProjectLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ projectId: string }>;
}) {
  const { projectId } = await params;
  // the project's name on every page under it (breadcrumb); the options are the actor's own projects
  const options = await getQueryClient()
    .fetchQuery(trpc.projects.options.queryOptions())
    .catch(() => []);
  const project = options.find((p) => p.id === projectId);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-700 print:hidden">
        <ol className="flex flex-wrap items-center gap-1">
          <li>
            <Link href="/projects" className="underline-offset-2 hover:underline">
              Projects
            </Link>
          </li>
          <li aria-hidden>/</li>
          <li>
            <Link
              href={`/projects/${projectId}`}
              className="font-medium text-slate-900 underline-offset-2 hover:underline"
              data-testid="breadcrumb-project"
            >
              {project ? `${project.code} · ${project.name}` : 'Project'}
            </Link>
          </li>
        </ol>
      </nav>
      <ProjectTabs projectId={projectId} />
      {children}
    </>
  );
}
