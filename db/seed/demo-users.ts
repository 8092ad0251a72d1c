import type { Role } from '@/server/auth/roles';

/** The demo organisation's logins (apart from demo-organisation.ts, which seeds them, so the seed files import it without a cycle). */
export const demoUsers: { email: string; name: string; role: Role; projects: string[] }[] = [
  { email: 'admin@northbeam.example', name: 'Dana Whitfield', role: 'admin', projects: [] },
  {
    email: 'qs@northbeam.example',
    name: 'Priya Shah',
    role: 'quantity_surveyor',
    projects: ['P-1001', 'P-1002'],
  },
  {
    email: 'pm@northbeam.example',
    name: 'Tom Okafor',
    role: 'project_manager',
    projects: ['P-1001', 'P-1002'],
  },
  { email: 'finance@northbeam.example', name: 'Hannah Lewis', role: 'finance', projects: [] },
  { email: 'exec@northbeam.example', name: 'Marcus Reid', role: 'executive', projects: [] },
  { email: 'qs2@northbeam.example', name: 'Ewan Doyle', role: 'quantity_surveyor', projects: ['P-1003'] },
  {
    email: 'pm2@northbeam.example',
    name: 'Grace Mensah',
    role: 'project_manager',
    projects: ['P-1001', 'P-1003'],
  },
];

/**
 * One subcontractor portal login per demo vendor (issue 19), matched to the vendor by its reference.
 * The seed creates the vendors themselves too (as Plumbline would before its first pull); the first
 * pull adopts them by name.
 */
export const demoSubcontractorLogins: { email: string; name: string; vendorRef: string }[] = [
  { email: 'claims@keystone-groundworks.example', name: 'Liam Carter', vendorRef: 'V-1001' },
  { email: 'claims@brightline-electrical.example', name: 'Sofia Marsh', vendorRef: 'V-1002' },
  { email: 'claims@ridgeway-steel.example', name: 'Owen Price', vendorRef: 'V-1003' },
  { email: 'claims@clearwater-mech.example', name: 'Nadia Rahman', vendorRef: 'V-1004' },
  { email: 'claims@summit-roofing.example', name: 'Callum Hughes', vendorRef: 'V-1005' },
  { email: 'claims@oakfield-joinery.example', name: 'Isla Bennett', vendorRef: 'V-1006' },
];
