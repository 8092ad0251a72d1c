import Link from 'next/link';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { currentActor } from '@/server/auth/current';
import { odooModeLabel } from '@/server/odoo/mode';
import { navigationFor } from '@/components/shell/navigation';
import { NavLink } from '@/components/shell/nav-link';
import { CurrentUserProvider } from '@/components/shell/current-user';
import { PortalShell } from '@/components/shell/portal-shell';
import { SignOutButton } from '@/components/shell/sign-out-button';

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
    <CurrentUserProvider userId={actor.id}>
      <PortalShell
        banner={
          <div
            data-testid="odoo-mode"
            className={`px-4 py-1.5 text-xs sm:px-6 ${odoo.simulated ? 'bg-amber-100 text-amber-900' : 'bg-slate-200 text-slate-800'}`}
          >
            {odoo.simulated
              ? odoo.text
              : 'Payment status is read from the contractor’s accounting system (Odoo).'}
          </div>
        }
        sidebar={
          <>
            <p className="hidden px-3 text-lg font-semibold text-white lg:block">Plumbline</p>
            <nav className="mt-2 flex-1 space-y-5 lg:mt-6" aria-label="Main">
              {navigationFor(actor.role).map((section) => (
                <div key={section.title}>
                  <p className="px-3 text-xs font-semibold uppercase tracking-wide text-slate-400">
                    {section.title}
                  </p>
                  <div className="mt-1 space-y-0.5">
                    {section.items.map((item) => (
                      <NavLink key={item.href} href={item.href} label={item.label} />
                    ))}
                  </div>
                </div>
              ))}
            </nav>
            <div className="space-y-1 border-t border-slate-800 px-3 pt-3">
              <p className="text-sm font-medium text-white" data-testid="signed-in-user">
                {actor.name}
              </p>
              <p className="text-xs text-slate-400" data-testid="signed-in-role">
                Subcontractor
              </p>
              <Link
                href="/sub/settings/notifications"
                className="block text-sm text-slate-300 hover:text-white"
              >
                Email notifications
              </Link>
              <Link href="/two-step" className="block text-sm text-slate-300 hover:text-white">
                Two-step sign-in
              </Link>
              <SignOutButton />
            </div>
          </>
        }
      >
        {children}
      </PortalShell>
    </CurrentUserProvider>
  );
}
