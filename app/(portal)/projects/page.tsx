import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/feedback';
import { ProjectTable } from '@/components/projects/project-table';

export const metadata: Metadata = { title: 'Projects' };

export default function ProjectsPage() {
  return (
    <>
      <PageHeader title="Projects" description="The projects you can see." />
      <ProjectTable />
    </>
  );
}
