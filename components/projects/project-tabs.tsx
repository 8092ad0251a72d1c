'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const tabs = [
  { href: '', label: 'Overview' },
  { href: '/change-orders', label: 'Change orders' },
  { href: '/cost', label: 'Cost' },
  { href: '/claims', label: 'Claims' },
  { href: '/subcontracts', label: 'Subcontracts' },
  { href: '/billing', label: 'Billing' },
];

/** The project's sections; later capabilities (claims, billing, cost) add theirs here. */
export function ProjectTabs({ projectId }: { projectId: string }) {
  const pathname = usePathname();
  const base = `/projects/${projectId}`;
  return (
    <nav
      aria-label="Project"
      className="-mx-3 mb-4 flex gap-1 overflow-x-auto print:hidden border-b border-slate-200 px-3 sm:mx-0 sm:px-0"
    >
      {tabs.map((tab) => {
        const href = `${base}${tab.href}`;
        const active = tab.href === '' ? pathname === base : pathname.startsWith(href);
        return (
          <Link
            key={tab.label}
            href={href}
            aria-current={active ? 'page' : undefined}
            className={`-mb-px shrink-0 whitespace-nowrap border-b-2 px-3 py-2 text-sm ${active ? 'border-brand-600 font-medium text-brand-700' : 'border-transparent text-slate-700 hover:text-slate-900'}`}
          >
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}
