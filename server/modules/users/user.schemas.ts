import { z } from 'zod';
import { internalRoles } from '@/server/auth/roles';
import { passwordPolicy } from '@/server/auth/password-policy';
import { idInput, nameInput, versionInput } from '@/server/lib/validation';

export const passwordInput = z
  .string()
  .min(passwordPolicy.minLength, `Passwords need at least ${passwordPolicy.minLength} characters.`)
  .max(passwordPolicy.maxLength, `Passwords may have at most ${passwordPolicy.maxLength} characters.`);

export const createUserInput = z
  .object({
    email: z.string().trim().toLowerCase().email('Enter a valid email address.').max(320),
    name: nameInput,
    role: z.enum(internalRoles, {
      message: 'Choose one of the contractor roles (subcontractors are invited from their vendor).',
    }),
    password: passwordInput,
    projectIds: z.array(idInput).max(500).default([]),
  })
  .strict();

export const updateUserInput = z
  .object({
    userId: idInput,
    version: versionInput,
    name: nameInput.optional(),
    role: z
      .enum(internalRoles, {
        message: 'Choose one of the contractor roles (subcontractors are invited from their vendor).',
      })
      .optional(),
  })
  .strict();

export const setUserActiveInput = z
  .object({ userId: idInput, version: versionInput, active: z.boolean() })
  .strict();

export const resetPasswordInput = z.object({ userId: idInput }).strict();

export const changePasswordInput = z
  .object({
    currentPassword: z.string().min(1, 'Enter your current password.').max(passwordPolicy.maxLength),
    newPassword: passwordInput,
  })
  .strict();

export const membershipInput = z.object({ projectId: idInput, userId: idInput }).strict();

export type CreateUserInput = z.infer<typeof createUserInput>;
export type UpdateUserInput = z.infer<typeof updateUserInput>;
export type SetUserActiveInput = z.infer<typeof setUserActiveInput>;

// Output shapes (DTOs) the pages read: the module's public contract with the client (issue 16 item 8).
export type { UserListRow } from './user.queries';
