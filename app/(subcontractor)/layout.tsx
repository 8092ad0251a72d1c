import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { currentActor } from '@/server/auth/current';
import { odooModeLabel } from '@/server/odoo/mode';
import { PortalFrame } from '@/components/shell/portal-frame';

export const dynamic = 'force-dynamic';

/**
 * The subcontractor portal's frame (issue 19): a vendor's contact only. The contractor's people are
 * sent to their own portal; the banner says where payment status comes from without naming the
 * contractor's Odoo server.
 */
export default async function SubcontractorLayout({ children }: { children: ReactNode }) {
  const resolution = await currentActor();
  if (!resolution.actor) {
    redirect(
      resolution.reason === 'anonymous'
        ? '/sign-in'
        : '/sign-in?reason=Your%20session%20has%20ended.%20Please%20sign%20in%20again.',
    );
  }
  if (resolution.passwordChangeRequired) redirect('/change-password');
  if (resolution.mfaEnrolmentRequired) redirect('/two-step');
  const actor = resolution.actor;
  if (actor.role !== 'subcontractor') redirect('/');
  const odoo = odooModeLabel();
  return (
    <PortalFrame
      actor={actor}
      banner={{
        simulated: odoo.simulated,
        text: odoo.simulated
          ? odoo.text
          : 'Payment status is read from the contractor’s accounting system (Odoo).',
      }}
      settingsHref="/sub/settings/notifications"
    >
      {children}
    </PortalFrame>
  );
}
