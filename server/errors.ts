/**
 * Domain errors carry a stable code. Services throw them; `server/api/trpc.ts` maps them to
 * TRPCError through one exhaustive table, so a user sees a clear message and never a stack trace.
 */
export const domainErrorCodes = {
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  CONFLICT: 'CONFLICT',
  VALIDATION: 'BAD_REQUEST',
  INVALID_TRANSITION: 'CONFLICT',
  REASON_REQUIRED: 'BAD_REQUEST',
  SELF_APPROVAL: 'FORBIDDEN',
  DUPLICATE_APPROVAL_STEP: 'FORBIDDEN',
  APPROVAL_LIMIT_EXCEEDED: 'FORBIDDEN',
  EMAIL_TAKEN: 'CONFLICT',
  LAST_ADMIN: 'BAD_REQUEST',
  CLAIM_EXCEEDS_SOV: 'BAD_REQUEST',
  RELEASE_REFUSED: 'PRECONDITION_FAILED',
  VENDOR_NOT_COMPLIANT: 'PRECONDITION_FAILED',
  RETENTION_RELEASE_EXCEEDS_HELD: 'BAD_REQUEST',
  RETENTION_STAGE_REPEATED: 'CONFLICT',
  RETENTION_STAGE_TOO_EARLY: 'BAD_REQUEST',
  MATERIALS_REFUSED: 'BAD_REQUEST',
  INTERNAL_CO_NOT_BALANCED: 'BAD_REQUEST',
  ODOO_NOT_CONFIGURED: 'PRECONDITION_FAILED',
  ODOO_AUTH_EXPIRED: 'PRECONDITION_FAILED',
  ODOO_UNAVAILABLE: 'PRECONDITION_FAILED',
  ODOO_REJECTED: 'PRECONDITION_FAILED',
  ODOO_LINK_MISMATCH: 'BAD_REQUEST',
  MFA_REQUIRED: 'FORBIDDEN',
  MFA_STEP_UP_REQUIRED: 'PRECONDITION_FAILED',
  MFA_INVALID_CODE: 'BAD_REQUEST',
} as const;

export type DomainErrorCode = keyof typeof domainErrorCodes;

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
