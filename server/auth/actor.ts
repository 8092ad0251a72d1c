import type { Role } from './roles';

/** The signed-in person, as re-read from the database on every request. */
export type Actor = {
  id: string;
  organisationId: string;
  email: string;
  name: string;
  role: Role;
};
