import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { currentActor } from '@/server/auth/current';
import { odooModeLabel } from '@/server/odoo/mode';
import { PortalFrame } from '@/components/shell/portal-frame';

export const dynamic = 'force-dynamic';

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const resolution = await currentActor();
  if (!resolution.actor) {
    redirect(
      resolution.reason === 'anonymous'
        ? '/sign-in'
        : '/sign-in?reason=Your%20session%20has%20ended.%20Please%20sign%20in%20again.',
    );
  }
  // an admin's one-time password: choose a new one first (tRPC refuses everything else too)
  if (resolution.passwordChangeRequired) redirect('/change-password');
  // a role that needs a second factor this session has not proved: enrol first (tRPC refuses the rest too)
  if (resolution.mfaEnrolmentRequired) redirect('/two-step');
  const actor = resolution.actor;
  // a subcontractor's pages are the subcontractor portal's, never the contractor's (issue 19)
  if (actor.role === 'subcontractor') redirect('/sub');
  const odoo = odooModeLabel();
  return (
    <PortalFrame actor={actor} banner={odoo} settingsHref="/settings/notifications">
      {children}
    </PortalFrame>
  );
}
