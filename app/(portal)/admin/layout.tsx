import { forbidden } from 'next/navigation';
import type { ReactNode } from 'react';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const { actor } = await currentActor();
  // the audit log is shared with finance and executives; everything else here is the admin's
  if (!actor || !(hasPermission(actor.role, 'user.read') || hasPermission(actor.role, 'audit.read')))
    forbidden();
  return <>{children}</>;
}
