import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';
import { PageHeader } from '@/components/ui/feedback';
import { UserAdmin } from '@/components/admin/user-admin';

export const metadata: Metadata = { title: 'Users & access' };

export default async function UsersPage() {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'user.read')) forbidden();
  return (
    <>
      <PageHeader title="Users & access" description="People, their role, and the projects they work on." />
      <UserAdmin />
    </>
  );
}
