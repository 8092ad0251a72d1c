import { hasPermission, type Permission } from '@/server/auth/permissions';
import type { Role } from '@/server/auth/roles';

export type NavItem = { href: string; label: string; permission: Permission };
export type NavSection = { title: string; items: NavItem[] };

/** Navigation shown per role (display only: every procedure enforces its own permission). */
const sections: NavSection[] = [
  {
    // the subcontractor portal (issue 19): only a vendor's contacts hold portal.read
    title: 'Your claims',
    items: [
      { href: '/sub', label: 'Subcontracts', permission: 'portal.read' },
      { href: '/sub/claims', label: 'Claims and payments', permission: 'portal.read' },
      { href: '/sub/compliance', label: 'Compliance documents', permission: 'portal.read' },
    ],
  },
  {
    title: 'Work',
    items: [
      { href: '/dashboard', label: 'Portfolio', permission: 'portfolio.read' },
      { href: '/inbox', label: 'My approvals', permission: 'inbox.read' },
      { href: '/projects', label: 'Projects', permission: 'project.read' },
      { href: '/change-orders', label: 'Change orders', permission: 'change_order.read' },
      { href: '/billing', label: 'Billing', permission: 'milestone.read' },
      { href: '/claims', label: 'Claims', permission: 'claim.read' },
      { href: '/subcontracts', label: 'Subcontracts', permission: 'subcontract.read' },
      { href: '/vendors', label: 'Vendors', permission: 'vendor.read' },
      { href: '/vendors/compliance', label: 'Compliance register', permission: 'compliance.register.read' },
    ],
  },
  {
    title: 'Finance',
    items: [
      { href: '/finance', label: 'Finance home', permission: 'exception.read' },
      { href: '/exceptions', label: 'Exceptions', permission: 'exception.read' },
      { href: '/sync', label: 'Sync health', permission: 'exception.read' },
      { href: '/changes', label: 'Pending changes', permission: 'change.read' },
      { href: '/admin/audit', label: 'Audit log', permission: 'audit.read' },
      { href: '/admin/pull-runs', label: 'Pull runs', permission: 'pull.read' },
    ],
  },
  {
    title: 'Administration',
    items: [
      { href: '/admin/users', label: 'Users & access', permission: 'user.read' },
      { href: '/admin/thresholds', label: 'Approval thresholds', permission: 'settings.read' },
      { href: '/admin/security', label: 'Two-step sign-in policy', permission: 'settings.read' },
      { href: '/admin/operations', label: 'Operations (SLOs, alerts)', permission: 'slo.manage' },
      { href: '/admin/mail', label: 'Sent mail (local catcher)', permission: 'mail.outbox.read' },
      { href: '/admin/odoo', label: 'Odoo', permission: 'odoo.connection.read' },
    ],
  },
];

export function navigationFor(role: Role): NavSection[] {
  return sections
    .map((section) => ({
      ...section,
      items: section.items.filter((item) => hasPermission(role, item.permission)),
    }))
    .filter((section) => section.items.length > 0);
}
