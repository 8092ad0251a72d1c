import Link from 'next/link';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { currentActor } from '@/server/auth/current';
import { roleLabels } from '@/server/auth/roles';
import { odooModeLabel } from '@/server/odoo/mode';
import { navigationFor } from '@/components/shell/navigation';
import { NavLink } from '@/components/shell/nav-link';
import { CurrentUserProvider } from '@/components/shell/current-user';
import { PortalShell } from '@/components/shell/portal-shell';
import { SignOutButton } from '@/components/shell/sign-out-button';

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
    <CurrentUserProvider userId={actor.id}>
      <PortalShell
        banner={
          <div
            data-testid="odoo-mode"
            className={`px-4 py-1.5 text-xs sm:px-6 ${odoo.simulated ? 'bg-amber-100 text-amber-900' : 'bg-slate-200 text-slate-800'}`}
          >
            {odoo.text}
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
                {roleLabels[actor.role]}
              </p>
              <Link href="/two-step" className="block text-sm text-slate-300 hover:text-white">
                Two-step sign-in
              </Link>
              <Link href="/settings/notifications" className="block text-sm text-slate-300 hover:text-white">
                Email notifications
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
