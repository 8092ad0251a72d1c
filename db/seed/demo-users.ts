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
