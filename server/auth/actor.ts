import type { Role } from './roles';

/** The signed-in person, as re-read from the database on every request. */
export type Actor = {
  id: string;
  organisationId: string;
  email: string;
  name: string;
  role: Role;
  /**
   * A subcontractor's vendor (issue 19); null/absent for the contractor's own people. A subcontractor
   * without one sees nothing (server/auth/policy.ts fails closed).
   */
  vendorId?: string | null;
};
