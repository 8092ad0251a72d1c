import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import type { Db } from '@/db/client';
import type { Actor } from '@/server/auth/actor';
import { hasPermission, type Permission } from '@/server/auth/permissions';
import { domainErrorCodes, isDomainError, type DomainErrorCode } from '@/server/errors';
import { logger } from '@/server/lib/logger';
import { instrumentPool, observeTrpc } from '@/server/observability/metrics';

export type Context = {
  db: Db;
  actor: Actor | null;
  /** Why there is no actor: lets the client tell "signed out" from "session revoked". */
  anonymousReason?: 'anonymous' | 'expired' | 'revoked';
  requestId: string;
  /** The server-side session of the request (absent for direct calls in tests and scripts). */
  sessionId?: string;
  /** The role requires a second factor this session has not proved: only enrolment is allowed. */
  mfaEnrolmentRequired?: boolean;
  /** An admin reset this user's password: only choosing a new one is allowed. */
  passwordChangeRequired?: boolean;
};

/** What a session that still has to enrol its second factor may call: who am I, and the enrolment itself. */
const ALLOWED_BEFORE_ENROLMENT: readonly Permission[] = [
  'session.read',
  'session.change_password',
  'mfa.self',
];
/** What a session holding an admin's one-time password may call: who am I, and choosing a new password. */
const ALLOWED_BEFORE_PASSWORD_CHANGE: readonly Permission[] = ['session.read', 'session.change_password'];

export type Meta = { permission: Permission };

/** The one exhaustive mapper from domain error codes to tRPC codes. */
const errorCodeMap: Record<DomainErrorCode, TRPC_ERROR_CODE_KEY> = domainErrorCodes;

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      return {
        ...shape,
        message:
          error.code === 'INTERNAL_SERVER_ERROR' && !isDomainError(cause)
            ? 'Something went wrong on our side. The error has been logged; please try again.'
            : shape.message,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          domainCode: isDomainError(cause) ? cause.code : undefined,
          fieldErrors: fieldErrorsOf(cause),
          // every issue with its full path ("lines.2.certifiedToDate"), so a form puts each on its field
          fieldIssues:
            cause instanceof ZodError
              ? cause.issues.map((issue) => ({
                  path: issue.path.map(String).join('.'),
                  message: issue.message,
                }))
              : undefined,
          // the grid line a domain error is about (no other detail leaves the server)
          sovLineId:
            isDomainError(cause) && typeof cause.details?.sovLineId === 'string'
              ? cause.details.sovLineId
              : undefined,
          // never a stack trace, in any environment
        },
      };
    },
  });

export const NOT_FOUND_MESSAGE = 'Not found: it does not exist, or it is not in a project you can see.';

/** Field-level messages: zod's, or the field a domain validation error names. */
function fieldErrorsOf(cause: unknown): Record<string, string[] | undefined> | undefined {
  if (cause instanceof ZodError) return cause.flatten().fieldErrors;
  if (isDomainError(cause) && typeof cause.details?.field === 'string')
    return { [cause.details.field]: [cause.message] };
  return undefined;
}

/**
 * PostgreSQL refusing a value (a number out of range, an impossible date) is the caller's bad input,
 * not our failure: a 400, never a 500. Validation should catch these first; this is the net under it.
 */
const inputRejectedByDatabase: Record<string, string> = {
  '22003': 'A number is too large to store: amounts must stay below 1,000,000,000,000.',
  '22007': 'A date or time is not valid.',
  '22008': 'A date or time is out of range.',
  '22P02': 'A value has the wrong format.',
  '22001': 'A value is too long.',
};

function databaseInputError(error: unknown): string | undefined {
  for (
    let cause = error, depth = 0;
    cause && depth < 5;
    cause = (cause as { cause?: unknown }).cause, depth += 1
  ) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && code in inputRejectedByDatabase) return inputRejectedByDatabase[code];
  }
  return undefined;
}

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

const errorMapping = t.middleware(async ({ next, path, ctx }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    // No existence oracle: every "not found" reads the same, whether the record does not exist or
    // belongs to a project the caller cannot see (services say which lookup failed; callers may not).
    if ((isDomainError(cause) && cause.code === 'NOT_FOUND') || result.error.code === 'NOT_FOUND') {
      throw new TRPCError({ code: 'NOT_FOUND', message: NOT_FOUND_MESSAGE });
    }
    if (isDomainError(cause)) {
      throw new TRPCError({ code: errorCodeMap[cause.code], message: cause.message, cause });
    }
    const databaseMessage =
      result.error.code === 'INTERNAL_SERVER_ERROR' ? databaseInputError(cause) : undefined;
    if (databaseMessage) {
      logger().warn({ err: cause, path, requestId: ctx.requestId }, 'input refused by the database');
      throw new TRPCError({ code: 'BAD_REQUEST', message: databaseMessage });
    }
    if (result.error.code === 'INTERNAL_SERVER_ERROR') {
      logger().error(
        { err: result.error.cause ?? result.error, path, requestId: ctx.requestId },
        'procedure failed',
      );
    }
  }
  return result;
});

/** HTTP request latency by procedure (Prometheus, server/observability/metrics.ts). */
const timing = t.middleware(async ({ next, path, type, ctx }) => {
  const started = performance.now();
  const result = await next();
  try {
    instrumentPool(ctx.db);
    observeTrpc(path, type, result.ok, (performance.now() - started) / 1000);
  } catch {
    // metrics never fail a request
  }
  return result;
});

/**
 * The gates every request for data passes, in one place: a signed-in actor, the permission, and no
 * session still owing a new password (an admin's one-time password) or a second factor its role
 * requires. `procedure` throws the refusal; file routes answer it as HTTP (server/api/route-guard.ts).
 */
export function sessionGate(
  ctx: Context,
  permission: Permission,
): { code: 'UNAUTHORIZED' | 'FORBIDDEN'; message: string } | null {
  if (!ctx.actor)
    return {
      code: 'UNAUTHORIZED',
      message:
        ctx.anonymousReason === 'revoked' || ctx.anonymousReason === 'expired'
          ? 'Your session has ended. Please sign in again.'
          : 'Please sign in.',
    };
  if (!hasPermission(ctx.actor.role, permission))
    return { code: 'FORBIDDEN', message: 'You do not have permission to do that.' };
  if (ctx.passwordChangeRequired && !ALLOWED_BEFORE_PASSWORD_CHANGE.includes(permission))
    return {
      code: 'FORBIDDEN',
      message: 'Choose a new password first: the one you signed in with was a one-time password.',
    };
  if (ctx.mfaEnrolmentRequired && !ALLOWED_BEFORE_ENROLMENT.includes(permission))
    return { code: 'FORBIDDEN', message: 'Set up two-step sign-in first (it is required for your role).' };
  return null;
}

/**
 * Every procedure is built from this factory and names its permission; the router test walks the
 * app router and fails on any procedure without one. No procedure is public.
 */
export function procedure(permission: Permission) {
  return t.procedure
    .meta({ permission })
    .use(timing)
    .use(errorMapping)
    .use(({ ctx, next }) => {
      const refusal = sessionGate(ctx, permission);
      if (refusal || !ctx.actor)
        throw new TRPCError(refusal ?? { code: 'UNAUTHORIZED', message: 'Please sign in.' });
      return next({ ctx: { ...ctx, actor: ctx.actor } });
    });
}
