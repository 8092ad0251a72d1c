import { z } from 'zod';
import { and, eq } from 'drizzle-orm';
import { userSessions } from '@/db/schema';
import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { DomainError } from '@/server/errors';
import { idInput } from '@/server/lib/validation';
import {
  confirmMfaEnrolment,
  confirmMfaReset,
  getMfaStatus,
  listMfaResetRequests,
  organisationRequiresMfa,
  requestMfaReset,
  setOrganisationMfaRequirement,
  startMfaEnrolment,
  stepUpMfa,
} from '@/server/modules/mfa/mfa.service';

/** A 6-digit TOTP code, or a recovery code (ten letters and digits, e.g. 4f7kq-x9m2d). */
const code = z
  .string()
  .trim()
  .regex(
    /^(\d{3}\s?\d{3}|[A-Za-z0-9]{5}[\s-]?[A-Za-z0-9]{5})$/,
    'Enter the 6-digit code from your app, or a recovery code.',
  );
const codeInput = z.object({ code }).strict();
const noInput = z.object({}).strict().optional();

/** A session id is needed for the per-session MFA state; direct calls (scripts) have none. */
function sessionOf(ctx: { sessionId?: string }): string {
  if (!ctx.sessionId)
    throw new DomainError('FORBIDDEN', 'Two-step sign-in needs a signed-in browser session.');
  return ctx.sessionId;
}

export const mfaRouter = createTRPCRouter({
  status: procedure('mfa.self').query(async ({ ctx }) => {
    const [session] = ctx.sessionId
      ? await ctx.db
          .select({ at: userSessions.mfaVerifiedAt })
          .from(userSessions)
          .where(and(eq(userSessions.id, ctx.sessionId), eq(userSessions.userId, ctx.actor.id)))
      : [];
    return getMfaStatus(ctx.db, ctx.actor, { mfaVerifiedAt: session?.at ?? null });
  }),
  startEnrolment: procedure('mfa.self')
    .input(noInput)
    .mutation(({ ctx }) => startMfaEnrolment(ctx.db, ctx.actor)),
  confirmEnrolment: procedure('mfa.self')
    .input(
      z
        .object({
          secret: z
            .string()
            .trim()
            .regex(/^[A-Z2-7]{32}$/, 'The set-up secret is not valid: start again.'),
          code,
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => confirmMfaEnrolment(ctx.db, ctx.actor, sessionOf(ctx), input)),
  stepUp: procedure('mfa.self')
    .input(codeInput)
    .mutation(({ ctx, input }) => stepUpMfa(ctx.db, ctx.actor, sessionOf(ctx), input.code)),
  requestReset: procedure('mfa.reset_request')
    .input(z.object({ userId: idInput }).strict())
    .mutation(({ ctx, input }) => requestMfaReset(ctx.db, ctx.actor, input.userId)),
  resetRequests: procedure('mfa.reset_confirm').query(({ ctx }) => listMfaResetRequests(ctx.db, ctx.actor)),
  confirmReset: procedure('mfa.reset_confirm')
    .input(z.object({ requestId: idInput }).strict())
    .mutation(({ ctx, input }) => confirmMfaReset(ctx.db, ctx.actor, input.requestId)),
  organisationRequirement: procedure('settings.read').query(async ({ ctx }) => ({
    requireForAll: await organisationRequiresMfa(ctx.db, ctx.actor.organisationId),
  })),
  setOrganisationRequirement: procedure('settings.update')
    .input(z.object({ requireForAll: z.boolean() }).strict())
    .mutation(({ ctx, input }) => setOrganisationMfaRequirement(ctx.db, ctx.actor, input.requireForAll)),
});
