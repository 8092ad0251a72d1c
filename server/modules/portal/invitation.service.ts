import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { partners, users, vendorInvitations } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { hashPassword } from '@/server/auth/password';
import { env } from '@/server/env';
import { DomainError } from '@/server/errors';
import { recordAudit } from '@/server/modules/audit/audit.service';
import { sendMail } from '@/server/modules/notifications/mailer';
import { setUserActive } from '@/server/modules/users/user.service';
import { getVendor } from '@/server/modules/vendors/vendor.queries';
import {
  INVITATION_DAYS,
  invitationRefusals,
  type AcceptInvitationInput,
  type InviteContactInput,
} from './portal.schemas';

/**
 * Portal access for a vendor's contacts (issue 19). Finance or a QS who sees the vendor invites a
 * contact by email: a single-use link, valid for seven days, whose token is stored only as its
 * SHA-256. Accepting creates a subcontractor login scoped to that vendor. Finance revokes invitations,
 * deactivates a contact, or the vendor's access as a whole (which ends every contact's session at
 * their next request: server/auth/session.ts).
 */

const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export function invitationLink(token: string): string {
  return `${env().appOrigin}/invite/${encodeURIComponent(token)}`;
}

async function visibleVendor(db: DbOrTx, actor: Actor, vendorId: string) {
  const vendor = await getVendor(db, actor, vendorId);
  if (!vendor) throw new DomainError('NOT_FOUND', 'Vendor not found.');
  return vendor;
}

export async function inviteContact(
  db: Db,
  input: InviteContactInput,
  actor: Actor,
): Promise<{ invitationId: string; expiresAt: Date; delivered: boolean }> {
  const token = randomBytes(32).toString('base64url');
  const email = input.email.trim().toLowerCase();
  const created = await db.transaction(async (tx) => {
    const vendor = await visibleVendor(tx, actor, input.vendorId);
    const [flags] = await tx
      .select({ isActive: partners.isActive, isVendor: partners.isVendor })
      .from(partners)
      .where(eq(partners.id, input.vendorId))
      .for('update');
    if (!flags?.isVendor)
      throw new DomainError('VALIDATION', `${vendor.name} is not a vendor: only vendors have portal logins.`);
    if (!flags.isActive)
      throw new DomainError(
        'VALIDATION',
        `${vendor.name}'s portal access is switched off: switch it on before inviting anyone.`,
      );
    const [taken] = await tx
      .select({ id: users.id })
      .from(users)
      .where(eq(sql`lower(${users.email})`, email))
      .limit(1);
    if (taken)
      throw new DomainError('EMAIL_TAKEN', `${email} already has a Plumbline login.`, { field: 'email' });
    // a newer invitation replaces an unanswered one to the same address
    await tx
      .update(vendorInvitations)
      .set({ revokedAt: new Date(), revokedById: actor.id })
      .where(
        and(
          eq(vendorInvitations.vendorId, input.vendorId),
          eq(vendorInvitations.email, email),
          isNull(vendorInvitations.acceptedAt),
          isNull(vendorInvitations.revokedAt),
          gt(vendorInvitations.expiresAt, new Date()),
        ),
      );
    const expiresAt = new Date(Date.now() + INVITATION_DAYS * 24 * 3600 * 1000);
    const [row] = await tx
      .insert(vendorInvitations)
      .values({
        organisationId: actor.organisationId,
        vendorId: input.vendorId,
        email,
        name: input.name,
        tokenSha256: tokenHash(token),
        invitedById: actor.id,
        expiresAt,
      })
      .returning({ id: vendorInvitations.id });
    if (!row) throw new Error('invitation insert returned no row');
    await recordAudit(tx, {
      actor,
      action: 'vendor.invite',
      entityType: 'vendor',
      entityId: input.vendorId,
      comment: `Invited ${input.name} <${email}> to the subcontractor portal (until ${expiresAt.toISOString()})`,
    });
    return { invitationId: row.id, expiresAt, vendorName: vendor.name };
  });
  let delivered = true;
  try {
    await sendMail({
      to: [email],
      subject: `${created.vendorName}: your invitation to submit claims to ${actor.name}'s team in Plumbline`,
      text: [
        `Hello ${input.name},`,
        '',
        `${actor.name} has invited you to Plumbline, where ${created.vendorName} submits its payment claims, follows their certification and sees when each one is paid.`,
        '',
        `Set your password here (the link works once, until ${created.expiresAt.toUTCString()}):`,
        invitationLink(token),
        '',
        'If you did not expect this email, ignore it: nothing happens unless the link is used.',
      ].join('\n'),
      headers: { 'X-Plumbline-Kind': 'invitation' },
    });
  } catch {
    // the invitation stands; the page says the mail did not go and a new invitation can be sent
    delivered = false;
  }
  return { invitationId: created.invitationId, expiresAt: created.expiresAt, delivered };
}

export type InvitationView =
  | { state: 'valid'; email: string; name: string; vendorName: string; expiresAt: Date }
  | { state: 'expired' | 'used' | 'revoked' | 'unknown' | 'vendor_inactive' };

/** What the invitation page may say about a token (nothing about anyone else's). */
export async function readInvitation(db: DbOrTx, token: string): Promise<InvitationView> {
  if (token.length < 20 || token.length > 200) return { state: 'unknown' };
  const [row] = await db
    .select({ invitation: vendorInvitations, vendorName: partners.name, vendorActive: partners.isActive })
    .from(vendorInvitations)
    .innerJoin(partners, eq(partners.id, vendorInvitations.vendorId))
    .where(eq(vendorInvitations.tokenSha256, tokenHash(token)));
  if (!row) return { state: 'unknown' };
  const inv = row.invitation;
  if (inv.acceptedAt) return { state: 'used' };
  if (inv.revokedAt) return { state: 'revoked' };
  if (inv.expiresAt.getTime() <= Date.now()) return { state: 'expired' };
  if (!row.vendorActive) return { state: 'vendor_inactive' };
  return {
    state: 'valid',
    email: inv.email,
    name: inv.name,
    vendorName: row.vendorName,
    expiresAt: inv.expiresAt,
  };
}

/** Accepting: once, before expiry, creating the subcontractor login. Refusals name what to do next. */
export async function acceptInvitation(db: Db, input: AcceptInvitationInput): Promise<{ email: string }> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [inv] = await tx
      .select()
      .from(vendorInvitations)
      .where(eq(vendorInvitations.tokenSha256, tokenHash(input.token)))
      .for('update');
    const view = await readInvitation(tx, input.token);
    if (!inv || view.state !== 'valid')
      throw new DomainError(
        'VALIDATION',
        invitationRefusals[view.state === 'valid' ? 'unknown' : view.state],
        {
          field: 'token',
        },
      );
    const [taken] = await tx
      .select({ id: users.id })
      .from(users)
      .where(eq(sql`lower(${users.email})`, inv.email))
      .limit(1);
    if (taken)
      throw new DomainError('EMAIL_TAKEN', `${inv.email} already has a Plumbline login: sign in with it.`, {
        field: 'token',
      });
    const [user] = await tx
      .insert(users)
      .values({
        organisationId: inv.organisationId,
        email: inv.email,
        name: input.name,
        role: 'subcontractor',
        vendorId: inv.vendorId,
        passwordHash,
      })
      .returning({ id: users.id });
    if (!user) throw new Error('user insert returned no row');
    const accepted = await tx
      .update(vendorInvitations)
      .set({ acceptedAt: new Date(), acceptedUserId: user.id })
      .where(and(eq(vendorInvitations.id, inv.id), isNull(vendorInvitations.acceptedAt)))
      .returning({ id: vendorInvitations.id });
    if (accepted.length !== 1)
      throw new DomainError('VALIDATION', invitationRefusals.used, { field: 'token' });
    await recordAudit(tx, {
      actor: {
        id: user.id,
        organisationId: inv.organisationId,
        email: inv.email,
        name: input.name,
        role: 'subcontractor',
        vendorId: inv.vendorId,
      },
      action: 'vendor.invitation_accept',
      entityType: 'user',
      entityId: user.id,
      comment: `Accepted the invitation to ${view.vendorName}'s portal access`,
    });
    return { email: inv.email };
  });
}

export async function revokeInvitation(db: Db, invitationId: string, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const [inv] = await tx
      .select()
      .from(vendorInvitations)
      .where(
        and(
          eq(vendorInvitations.id, invitationId),
          eq(vendorInvitations.organisationId, actor.organisationId),
        ),
      )
      .for('update');
    if (!inv) throw new DomainError('NOT_FOUND', 'Invitation not found.');
    await visibleVendor(tx, actor, inv.vendorId);
    if (inv.acceptedAt)
      throw new DomainError('VALIDATION', 'This invitation was accepted: deactivate the contact instead.');
    if (inv.revokedAt) return;
    await tx
      .update(vendorInvitations)
      .set({ revokedAt: new Date(), revokedById: actor.id })
      .where(eq(vendorInvitations.id, inv.id));
    await recordAudit(tx, {
      actor,
      action: 'vendor.invitation_revoke',
      entityType: 'vendor',
      entityId: inv.vendorId,
      comment: `Withdrew the invitation to ${inv.email}`,
    });
  });
}

/** A contact of the vendor, on or off (off ends their sessions: the user service bumps the session version). */
export async function setContactActive(
  db: Db,
  input: { userId: string; version: number; active: boolean },
  actor: Actor,
): Promise<void> {
  const [contact] = await db
    .select({ vendorId: users.vendorId, vendorActive: partners.isActive })
    .from(users)
    .innerJoin(partners, eq(partners.id, users.vendorId))
    .where(and(eq(users.id, input.userId), eq(users.organisationId, actor.organisationId)));
  if (!contact?.vendorId) throw new DomainError('NOT_FOUND', 'Contact not found.');
  await visibleVendor(db, actor, contact.vendorId);
  if (input.active && !contact.vendorActive)
    throw new DomainError(
      'VALIDATION',
      "Switch the vendor's portal access on before reactivating a contact.",
    );
  await setUserActive(db, input, actor);
}

/** The vendor's portal access as a whole: off signs every contact out at their next request. */
export async function setVendorPortalActive(
  db: Db,
  input: { vendorId: string; version: number; active: boolean },
  actor: Actor,
): Promise<void> {
  await db.transaction(async (tx) => {
    const vendor = await visibleVendor(tx, actor, input.vendorId);
    const updated = await tx
      .update(partners)
      .set({ isActive: input.active, version: sql`${partners.version} + 1`, updatedAt: new Date() })
      .where(and(eq(partners.id, input.vendorId), eq(partners.version, input.version)))
      .returning({ id: partners.id });
    if (updated.length === 0)
      throw new DomainError('CONFLICT', `${vendor.name} was changed by someone else. Reload and try again.`);
    if (!input.active)
      await tx
        .update(users)
        .set({ sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
        .where(eq(users.vendorId, input.vendorId));
    await recordAudit(tx, {
      actor,
      action: input.active ? 'vendor.portal_on' : 'vendor.portal_off',
      entityType: 'vendor',
      entityId: input.vendorId,
      fromState: input.active ? 'off' : 'on',
      toState: input.active ? 'on' : 'off',
    });
  });
}
