import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { Db, DbOrTx } from '@/db/client';
import { mfaRecoveryCodes, organisationSecurity, users, userSessions, userMfa } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { roleRequiresMfa } from '@/server/auth/session';
import { DomainError } from '@/server/errors';
import { decryptSecret, encryptSecret } from '@/server/lib/crypto';
import {
  decideChange,
  kindOfChange,
  listPendingChanges,
  requestChange,
} from '@/server/modules/approvals/pending-change.service';
import { recordAudit } from '@/server/modules/audit/audit.service';

/**
 * Second factor: TOTP (RFC 6238: SHA-1, 6 digits, 30 s) with the `otpauth` library, enrolment by a
 * QR code (`qrcode`), ten one-time recovery codes stored as SHA-256 hashes. Required for the roles
 * that move money or grant rights (admin, finance, executive), optional for the others unless the
 * organisation requires it of everyone. Step-up: the sensitive actions need a code entered in the
 * last STEP_UP_MINUTES in this session.
 */
export const STEP_UP_MINUTES = 15;
const ISSUER = 'Plumbline';
const PERIOD = 30;
const RECOVERY_CODES = 10;

function totpFor(secretBase32: string, label = 'account'): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD,
    secret: Secret.fromBase32(secretBase32),
  });
}

export async function organisationRequiresMfa(db: DbOrTx, organisationId: string): Promise<boolean> {
  const [row] = await db
    .select({ all: organisationSecurity.requireMfaForAll })
    .from(organisationSecurity)
    .where(eq(organisationSecurity.organisationId, organisationId));
  return row?.all ?? false;
}

async function factorOf(db: DbOrTx, userId: string) {
  const [row] = await db.select().from(userMfa).where(eq(userMfa.userId, userId));
  return row ?? null;
}

export async function hasEnabledFactor(db: DbOrTx, userId: string): Promise<boolean> {
  return !!(await factorOf(db, userId))?.enabledAt;
}

const hashCode = (code: string) => createHash('sha256').update(normaliseRecoveryCode(code)).digest('hex');
const normaliseRecoveryCode = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * Checks a second-factor code for `userId`: a TOTP code (accepted once: its time step must be later
 * than the last accepted one, set by compare-and-set so two requests cannot both spend it) or an
 * unused recovery code (spent by compare-and-set). Returns how it was proved, or null.
 */
export async function verifySecondFactor(
  db: DbOrTx,
  userId: string,
  rawCode: string,
): Promise<'totp' | 'recovery' | null> {
  const code = rawCode.trim();
  const factor = await factorOf(db, userId);
  if (!factor?.enabledAt) return null;
  if (/^\d{6}$/.test(code.replace(/\s/g, ''))) {
    const token = code.replace(/\s/g, '');
    let secret: string;
    try {
      secret = decryptSecret({
        ciphertext: factor.secretCiphertext,
        iv: factor.secretIv,
        tag: factor.secretTag,
      });
    } catch {
      return null; // an unreadable secret (ENCRYPTION_KEY changed) proves nothing; an admin resets the factor
    }
    const delta = totpFor(secret).validate({ token, window: 1 });
    if (delta === null) return null;
    const step = Math.floor(Date.now() / 1000 / PERIOD) + delta;
    const spent = await db
      .update(userMfa)
      .set({ lastUsedStep: step })
      .where(
        and(eq(userMfa.userId, userId), or(isNull(userMfa.lastUsedStep), lt(userMfa.lastUsedStep, step))),
      )
      .returning({ userId: userMfa.userId });
    return spent.length === 1 ? 'totp' : null;
  }
  if (normaliseRecoveryCode(code).length !== 10) return null;
  const used = await db
    .update(mfaRecoveryCodes)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(mfaRecoveryCodes.userId, userId),
        eq(mfaRecoveryCodes.codeHash, hashCode(code)),
        isNull(mfaRecoveryCodes.usedAt),
      ),
    )
    .returning({ id: mfaRecoveryCodes.id });
  return used.length === 1 ? 'recovery' : null;
}

export async function getMfaStatus(db: DbOrTx, actor: Actor, session: { mfaVerifiedAt: Date | null }) {
  const factor = await factorOf(db, actor.id);
  const required = roleRequiresMfa(actor.role, await organisationRequiresMfa(db, actor.organisationId));
  const [remaining] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(mfaRecoveryCodes)
    .where(and(eq(mfaRecoveryCodes.userId, actor.id), isNull(mfaRecoveryCodes.usedAt)));
  return {
    enabled: !!factor?.enabledAt,
    required,
    recoveryCodesLeft: remaining?.n ?? 0,
    verifiedAt: session.mfaVerifiedAt,
    stepUpFresh: isFresh(session.mfaVerifiedAt),
  };
}

/**
 * Starts enrolment: a new secret, shown as a QR code and as text. Nothing is stored yet: the secret
 * comes back with the first code (confirmMfaEnrolment), which proves the authenticator holds it.
 */
export async function startMfaEnrolment(
  db: DbOrTx,
  actor: Actor,
): Promise<{ qrDataUrl: string; secret: string; uri: string }> {
  if (await hasEnabledFactor(db, actor.id)) {
    throw new DomainError(
      'CONFLICT',
      'Two-step sign-in is already set up. An administrator can reset it if you lost the device.',
    );
  }
  const secret = new Secret({ size: 20 }).base32;
  const uri = totpFor(secret, actor.email).toString();
  return { qrDataUrl: await QRCode.toDataURL(uri, { margin: 1, width: 220 }), secret, uri };
}

/** Confirms enrolment with the secret and a first code; answers the ten recovery codes (shown once, stored hashed). */
export async function confirmMfaEnrolment(
  db: Db,
  actor: Actor,
  sessionId: string,
  input: { secret: string; code: string },
): Promise<{ recoveryCodes: string[] }> {
  return db.transaction(async (tx) => {
    const [locked] = await tx
      .select({ id: users.id })
      .from(users)
      .where(eq(users.id, actor.id))
      .for('update');
    if (!locked) throw new DomainError('NOT_FOUND', 'User not found.');
    if (await hasEnabledFactor(tx, actor.id))
      throw new DomainError('CONFLICT', 'Two-step sign-in is already set up.');
    const token = input.code.replace(/\s/g, '');
    const delta = /^\d{6}$/.test(token) ? totpFor(input.secret).validate({ token, window: 1 }) : null;
    if (delta === null) {
      throw new DomainError(
        'MFA_INVALID_CODE',
        'That code is not valid. Check the time on your phone and try the newest code.',
        { field: 'code' },
      );
    }
    const sealed = encryptSecret(input.secret);
    const values = {
      secretCiphertext: sealed.ciphertext,
      secretIv: sealed.iv,
      secretTag: sealed.tag,
      enabledAt: new Date(),
      lastUsedStep: Math.floor(Date.now() / 1000 / PERIOD) + delta,
    };
    await tx
      .insert(userMfa)
      .values({ userId: actor.id, ...values })
      .onConflictDoUpdate({ target: userMfa.userId, set: values });
    const recoveryCodes = await replaceRecoveryCodes(tx, actor.id);
    await tx
      .update(userSessions)
      .set({ mfaVerifiedAt: new Date() })
      .where(and(eq(userSessions.id, sessionId), eq(userSessions.userId, actor.id)));
    await recordAudit(tx, {
      actor,
      action: 'mfa.enrol',
      entityType: 'user',
      entityId: actor.id,
      toState: 'mfa_enabled',
    });
    return { recoveryCodes };
  });
}

async function replaceRecoveryCodes(tx: DbOrTx, userId: string): Promise<string[]> {
  await tx.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
  const codes = Array.from({ length: RECOVERY_CODES }, () => {
    const raw = randomBytes(8)
      .toString('base64url')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .padEnd(10, '7')
      .slice(0, 10);
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  await tx.insert(mfaRecoveryCodes).values(codes.map((code) => ({ userId, codeHash: hashCode(code) })));
  return codes;
}

const isFresh = (at: Date | null | undefined) =>
  !!at && Date.now() - at.getTime() <= STEP_UP_MINUTES * 60_000;

/** Step-up: a fresh code (TOTP or a recovery code) marks this session verified now. */
export async function stepUpMfa(
  db: Db,
  actor: Actor,
  sessionId: string,
  code: string,
): Promise<{ verifiedAt: Date }> {
  if (!(await verifySecondFactor(db, actor.id, code))) {
    throw new DomainError('MFA_INVALID_CODE', 'That code is not valid or was already used.', {
      field: 'code',
    });
  }
  const verifiedAt = new Date();
  await db
    .update(userSessions)
    .set({ mfaVerifiedAt: verifiedAt })
    .where(and(eq(userSessions.id, sessionId), eq(userSessions.userId, actor.id)));
  return { verifiedAt };
}

/**
 * The sensitive actions (a payment release above the PM limit, vendor bank details, the Odoo
 * connection) ask for a code entered in this session in the last 15 minutes.
 */
export async function assertFreshMfa(
  db: DbOrTx,
  actor: Actor,
  sessionId: string | undefined,
  what: string,
): Promise<void> {
  if (!(await hasEnabledFactor(db, actor.id))) {
    throw new DomainError(
      'MFA_REQUIRED',
      `${what} needs two-step sign-in. Set it up under Account → Two-step sign-in.`,
    );
  }
  const [session] = sessionId
    ? await db
        .select({ at: userSessions.mfaVerifiedAt })
        .from(userSessions)
        .where(and(eq(userSessions.id, sessionId), eq(userSessions.userId, actor.id)))
    : [];
  if (!isFresh(session?.at)) {
    throw new DomainError(
      'MFA_STEP_UP_REQUIRED',
      `${what} needs a fresh code: enter one under Account → Two-step sign-in (valid ${STEP_UP_MINUTES} minutes), then try again.`,
    );
  }
}

/**
 * A lost device: an admin asks to reset a user's second factor; a second admin or an executive
 * confirms it — the one pending-change mechanism (kind `mfa_reset`), like approver-role grants.
 */
export async function requestMfaReset(db: Db, actor: Actor, userId: string): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    const [target] = await tx
      .select({ id: users.id, name: users.name, email: users.email })
      .from(users)
      .where(and(eq(users.id, userId), eq(users.organisationId, actor.organisationId)));
    if (!target) throw new DomainError('NOT_FOUND', 'User not found.');
    if (userId === actor.id)
      throw new DomainError('FORBIDDEN', 'Another administrator must reset your own two-step sign-in.');
    const enabled = await hasEnabledFactor(tx, userId);
    return requestChange(tx, actor, {
      kind: 'mfa_reset',
      subjectId: userId,
      payload: {},
      summary: {
        subject: `${target.name} <${target.email}>`,
        changes: {
          twoStepSignIn: {
            old: enabled ? 'set up' : 'not set up',
            new: 'removed (set up again at next sign-in)',
          },
        },
      },
    });
  });
}

export async function listMfaResetRequests(db: DbOrTx, actor: Actor) {
  return listPendingChanges(db, actor, { status: 'pending', kind: 'mfa_reset' });
}

/** The second person confirms: the factor and its recovery codes are removed and the user's sessions end. */
export async function confirmMfaReset(db: Db, actor: Actor, requestId: string): Promise<void> {
  if ((await kindOfChange(db, actor, requestId)) !== 'mfa_reset')
    throw new DomainError('NOT_FOUND', 'Reset request not found.');
  await decideChange(db, actor, { changeId: requestId, decision: 'confirm' });
}

/** Admin: require a second factor of everyone in the organisation (or only of the roles that must). */
export async function setOrganisationMfaRequirement(
  db: Db,
  actor: Actor,
  requireForAll: boolean,
): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await organisationRequiresMfa(tx, actor.organisationId);
    await tx
      .insert(organisationSecurity)
      .values({ organisationId: actor.organisationId, requireMfaForAll: requireForAll })
      .onConflictDoUpdate({
        target: organisationSecurity.organisationId,
        set: {
          requireMfaForAll: requireForAll,
          version: sql`${organisationSecurity.version} + 1`,
          updatedAt: new Date(),
        },
      });
    if (before !== requireForAll) {
      await recordAudit(tx, {
        actor,
        action: 'mfa.organisation_requirement',
        entityType: 'organisation',
        entityId: actor.organisationId,
        changedFields: { requireMfaForAll: { old: before, new: requireForAll } },
      });
    }
  });
}
