'use client';

import { usePathname } from 'next/navigation';
import { useEffect, useState, type ReactNode } from 'react';

/**
 * The portal frame. From 1024 px the navigation is a fixed sidebar; below, it collapses behind a
 * "Menu" button in a top bar and opens as a drawer over the page (closed again on navigation and
 * Escape), so a phone or a tablet keeps the full width for the grid.
 */
export function PortalShell({
  sidebar,
  banner,
  children,
}: {
  sidebar: ReactNode;
  banner: ReactNode;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  const [lastPath, setLastPath] = useState(pathname);
  if (pathname !== lastPath) {
    setLastPath(pathname);
    setOpen(false);
  }
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
  return (
    <div className="flex min-h-screen">
      <aside
        id="portal-navigation"
        aria-label="Portal"
        className={`${open ? 'fixed inset-y-0 left-0 z-40 flex shadow-xl' : 'hidden'} w-64 shrink-0 flex-col overflow-y-auto bg-slate-900 px-3 py-4 lg:static lg:flex lg:w-60 lg:shadow-none print:hidden`}
      >
        {sidebar}
      </aside>
      {open ? (
        <div
          className="fixed inset-0 z-30 bg-slate-900/40 lg:hidden"
          aria-hidden
          onClick={() => setOpen(false)}
        />
      ) : null}
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="print:hidden">
          <div className="flex items-center gap-3 bg-slate-900 px-4 py-2 lg:hidden">
            <button
              type="button"
              aria-expanded={open}
              aria-controls="portal-navigation"
              onClick={() => setOpen((v) => !v)}
              className="rounded-md border border-slate-600 px-2.5 py-1 text-sm font-medium text-white"
            >
              {open ? 'Close menu' : 'Menu'}
            </button>
            <span className="text-base font-semibold text-white">Plumbline</span>
          </div>
          {banner}
        </header>
        <main className="mx-auto w-full max-w-7xl min-w-0 flex-1 px-3 py-4 sm:px-6 sm:py-6 print:max-w-none print:p-0">
          {children}
        </main>
      </div>
    </div>
  );
}
