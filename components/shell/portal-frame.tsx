import Link from 'next/link';
import type { ReactNode } from 'react';
import type { Actor } from '@/server/auth/actor';
import { roleLabels } from '@/server/auth/roles';
import { navigationFor } from './navigation';
import { NavLink } from './nav-link';
import { CurrentUserProvider } from './current-user';
import { PortalShell } from './portal-shell';
import { SignOutButton } from './sign-out-button';

/**
 * The signed-in frame both portals share (the contractor's and the subcontractor's): the banner, the
 * navigation the role's permissions give, and the person's own links. Only the banner's words and
 * where the email settings live differ.
 */
export function PortalFrame({
  actor,
  banner,
  settingsHref,
  children,
}: {
  actor: Actor;
  banner: { simulated: boolean; text: string };
  settingsHref: string;
  children: ReactNode;
}) {
  return (
    <CurrentUserProvider userId={actor.id}>
      <PortalShell
        banner={
          <div
            data-testid="odoo-mode"
            className={`px-4 py-1.5 text-xs sm:px-6 ${banner.simulated ? 'bg-amber-100 text-amber-900' : 'bg-slate-200 text-slate-800'}`}
          >
            {banner.text}
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
              <Link href={settingsHref} className="block text-sm text-slate-300 hover:text-white">
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
