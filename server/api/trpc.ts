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
 * Every procedure is built from this factory and names its permission; the router test walks the
 * app router and fails on any procedure without one. No procedure is public.
 */
export function procedure(permission: Permission) {
  return t.procedure
    .meta({ permission })
    .use(timing)
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
