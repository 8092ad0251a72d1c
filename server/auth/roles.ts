export const roles = ['quantity_surveyor', 'project_manager', 'finance', 'executive', 'admin'] as const;
export type Role = (typeof roles)[number];

export const roleLabels: Record<Role, string> = {
  quantity_surveyor: 'Quantity surveyor',
  project_manager: 'Project manager',
  finance: 'Finance',
  executive: 'Executive',
  admin: 'Administrator',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}
