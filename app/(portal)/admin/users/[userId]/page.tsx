import { forbidden } from 'next/navigation';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';
import { UserDetail } from '@/components/admin/user-detail';

export default async function UserPage({ params }: { params: Promise<{ userId: string }> }) {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'user.read')) forbidden();
  const { userId } = await params;
  return <UserDetail userId={userId} />;
}
