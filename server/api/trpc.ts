import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import type { Db } from '@/db/client';
import type { Actor } from '@/server/auth/actor';
import { hasPermission, type Permission } from '@/server/auth/permissions';
import { domainErrorCodes, isDomainError, type DomainErrorCode } from '@/server/errors';
import { logger } from '@/server/lib/logger';

export type Context = {
  db: Db;
  actor: Actor | null;
  /** Why there is no actor: lets the client tell "signed out" from "session revoked". */
  anonymousReason?: 'anonymous' | 'expired' | 'revoked';
  requestId: string;
};

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
          fieldErrors: cause instanceof ZodError ? cause.flatten().fieldErrors : undefined,
          // every issue with its full path ("lines.2.certifiedToDate"), so a form puts each on its field
          fieldIssues: cause instanceof ZodError ? cause.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })) : undefined,
          // the grid line a domain error is about (no other detail leaves the server)
          sovLineId: isDomainError(cause) && typeof cause.details?.sovLineId === 'string' ? cause.details.sovLineId : undefined,
          // never a stack trace, in any environment
        },
      };
    },
  });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

const errorMapping = t.middleware(async ({ next, path, ctx }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (isDomainError(cause)) {
      throw new TRPCError({ code: errorCodeMap[cause.code], message: cause.message, cause });
    }
    if (result.error.code === 'INTERNAL_SERVER_ERROR') {
      logger().error({ err: result.error.cause ?? result.error, path, requestId: ctx.requestId }, 'procedure failed');
    }
  }
  return result;
});

/**
 * Every procedure is built from this factory and names its permission; the router test walks the
 * app router and fails on any procedure without one. No procedure is public.
 */
export function procedure(permission: Permission) {
  return t.procedure
    .meta({ permission })
    .use(errorMapping)
    .use(({ ctx, next }) => {
      if (!ctx.actor) {
        throw new TRPCError({
          code: 'UNAUTHORIZED',
          message:
            ctx.anonymousReason === 'revoked' || ctx.anonymousReason === 'expired'
              ? 'Your session has ended. Please sign in again.'
              : 'Please sign in.',
        });
      }
      if (!hasPermission(ctx.actor.role, permission)) {
        throw new TRPCError({ code: 'FORBIDDEN', message: 'You do not have permission to do that.' });
      }
      return next({ ctx: { ...ctx, actor: ctx.actor } });
    });
}
