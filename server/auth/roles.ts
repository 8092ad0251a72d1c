/** The contractor's own people; a subcontractor is an outside user scoped to one vendor (issue 19). */
export const internalRoles = [
  'quantity_surveyor',
  'project_manager',
  'finance',
  'executive',
  'admin',
] as const;
export type InternalRole = (typeof internalRoles)[number];

export const roles = [...internalRoles, 'subcontractor'] as const;
export type Role = (typeof roles)[number];

export const roleLabels: Record<Role, string> = {
  quantity_surveyor: 'Quantity surveyor',
  project_manager: 'Project manager',
  finance: 'Finance',
  executive: 'Executive',
  admin: 'Administrator',
  subcontractor: 'Subcontractor',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}
