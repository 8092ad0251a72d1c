'use client';

import Link, { useLinkStatus } from 'next/link';
import { usePathname } from 'next/navigation';

/** While the page a link opens is being prepared on the server (prefetch), the link says so at once. */
function PendingMark() {
  const { pending } = useLinkStatus();
  return pending ? (
    <span
      aria-hidden
      className="ml-2 inline-block h-2 w-2 animate-pulse rounded-full bg-current align-middle"
    />
  ) : null;
}

export function NavLink({ href, label }: { href: string; label: string }) {
  const pathname = usePathname();
  const active = pathname === href || pathname.startsWith(`${href}/`);
  return (
    <Link
      href={href}
      aria-current={active ? 'page' : undefined}
      className={`block rounded-md px-3 py-1.5 text-sm ${active ? 'bg-brand-700 text-white' : 'text-slate-300 hover:bg-slate-800 hover:text-white'}`}
    >
      {label}
      <PendingMark />
    </Link>
  );
}
