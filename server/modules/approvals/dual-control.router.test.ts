import { TRPCError } from '@trpc/server';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, claims, dualControlKinds, partners, pendingChanges, users } from '@/db/schema';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { createCaller } from '@/server/api/root';
import type { Context } from '@/server/api/trpc';
import type { Actor } from '@/server/auth/actor';
import { authOptions } from '@/server/auth/config';
import { openSession, resolveActor } from '@/server/auth/session';
import {
  addSecondQs,
  runToApproved,
  seedWorkedExampleSubcontract,
} from '@/server/modules/claims/claim.testing';
import {
  contextFor,
  contextWithFreshMfa,
  seedTestOrganisation,
  sessionVersionOf,
  type SeededOrg,
} from '@/server/testing/fixtures';
import { bankFingerprint, dualControlDefinitions } from './dual-control';

/**
 * Issue 13 item 6, each bypass tried through the tRPC router as an attacker with demo logins would:
 * finance alone redirects a payment, a requester confirms their own request, an admin approves
 * through an account they granted, a release while the bank change waits; and the audit trail keeps
 * fingerprints, never the number. Plus the one-time password of an admin reset (issue 13 item 6).
 */
let testDb: TestDatabase;
let org: SeededOrg;
const globalForDb = globalThis as unknown as { plumblineDb?: unknown };
const NEW_NUMBER = 'GB29NWBK60161331926819';

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  await addSecondQs(testDb.db, org);
  globalForDb.plumblineDb = testDb.db;
});
afterAll(async () => {
  globalForDb.plumblineDb = undefined;
  await testDb.drop();
});

async function refusal(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(() => null).catch((e: unknown) => e);
  if (!(error instanceof TRPCError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}
const fresh = async (who: keyof SeededOrg['actors']) =>
  createCaller(await contextWithFreshMfa(testDb.db, org.actors[who]));
const vendorRow = async (id: string) =>
  (await testDb.db.select().from(partners).where(eq(partners.id, id)))[0]!;

/** A context built as a request would be: the actor as the database says it is now. */
async function signedIn(userId: string): Promise<Context | null> {
  const sessionId = await openSession(testDb.db, userId, { mfaVerified: true });
  const resolution = await resolveActor(testDb.db, {
    uid: userId,
    sid: sessionId,
    sv: await sessionVersionOf(testDb.db, userId),
    signedInAt: Math.floor(Date.now() / 1000),
  });
  if (!resolution.actor) return null;
  return {
    ...contextFor(testDb.db, resolution.actor),
    sessionId,
    passwordChangeRequired: resolution.passwordChangeRequired,
  };
}

describe('the kinds in the database are the module’s (one rule in one place)', () => {
  it('dual_control_kinds matches dualControlDefinitions exactly', async () => {
    const stored = await testDb.db.select().from(dualControlKinds).orderBy(asc(dualControlKinds.kind));
    expect(stored).toEqual(
      Object.entries(dualControlDefinitions)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([kind, d]) => ({
          kind,
          subjectTable: d.subjectTable,
          requesterRoles: [...d.requesterRoles],
          confirmerRoles: [...d.confirmerRoles],
        })),
    );
  });
});

describe('finance alone cannot redirect a payment', () => {
  it('a bank change waits; the release is refused while it does; the requester cannot confirm; an executive can; the audit keeps fingerprints only', async () => {
    const sc = await seedWorkedExampleSubcontract(testDb.db, org, {
      reference: 'DC-1',
      vendorOdooId: 9901,
      purchaseOrderId: 9901,
    });
    const claimId = await runToApproved(
      testDb.db,
      org,
      sc,
      '2026-01-31',
      ['58000.00', '0.00'],
      ['58000.00', '0.00'],
    );
    const finance = await fresh('finance');
    const before = await vendorRow(sc.vendorId);
    const { pendingChangeIds } = await finance.masterData.updateVendorCompliance({
      vendorId: sc.vendorId,
      version: before.version,
      insuranceExpiresOn: '2030-12-31',
      licenceExpiresOn: null,
      bankAccountName: 'Attacker Holdings',
      bankAccountNumber: NEW_NUMBER,
    });
    expect(pendingChangeIds).toHaveLength(2);
    // nothing changed on the vendor yet
    const waiting = await vendorRow(sc.vendorId);
    expect([waiting.bankAccountNumber, waiting.insuranceExpiresOn]).toEqual([
      before.bankAccountNumber,
      before.insuranceExpiresOn,
    ]);

    // the release is refused, with the plain reason, while the bank change waits
    const refused = await refusal(finance.claims.release({ claimId, version: 5 }));
    expect(refused.code).toBe('PRECONDITION_FAILED');
    expect(refused.message).toMatch(/bank details .* waiting for a second person/);
    expect((await testDb.db.select().from(claims).where(eq(claims.id, claimId)))[0]!.status).toBe('approved');

    // the requester may not confirm their own request (nor may another finance user: executives confirm)
    const [bankChange] = await testDb.db
      .select()
      .from(pendingChanges)
      .where(and(eq(pendingChanges.subjectId, sc.vendorId), eq(pendingChanges.kind, 'vendor_bank')));
    const own = await refusal(finance.pendingChanges.confirm({ changeId: bankChange!.id }));
    expect(own.code).toBe('FORBIDDEN');
    expect(own.message).toMatch(/You asked for this change/);
    expect(
      (await finance.pendingChanges.list({ status: 'pending' })).find((c) => c.id === bankChange!.id),
    ).toMatchObject({ canDecide: false, canCancel: true });
    expect((await vendorRow(sc.vendorId)).bankAccountNumber).toBe(before.bankAccountNumber);

    // the executive sees who asked and what changes — the number only as fingerprint and last 4
    const exec = await fresh('exec');
    const listed = (await exec.pendingChanges.list({ status: 'pending' })).find(
      (c) => c.id === bankChange!.id,
    );
    expect(listed).toMatchObject({ canDecide: true, requestedBy: expect.any(String) });
    expect(JSON.stringify(listed)).not.toContain(NEW_NUMBER);
    expect(JSON.stringify(listed)).toContain('"last4":"6819"');
    for (const changeId of pendingChangeIds) await exec.pendingChanges.confirm({ changeId });
    const after = await vendorRow(sc.vendorId);
    expect([after.bankAccountNumber, after.insuranceExpiresOn]).toEqual([NEW_NUMBER, '2030-12-31']);

    // the audit rows: fingerprints (hash + last 4) of old and new, never the number
    const rows = await testDb.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.entityId, sc.vendorId),
          inArray(auditEvents.action, ['change.request', 'vendor.bank_change']),
        ),
      );
    expect(JSON.stringify(rows)).not.toContain(NEW_NUMBER);
    const applied = rows.find((r) => r.action === 'vendor.bank_change');
    expect(applied?.changedFields?.bankAccountNumber).toEqual({
      old: null,
      new: bankFingerprint(NEW_NUMBER),
    });
    expect(bankFingerprint(NEW_NUMBER)).toMatchObject({
      fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      last4: '6819',
    });

    // with the change confirmed, the release goes through
    await finance.claims.release({ claimId, version: 5 });
    expect((await testDb.db.select().from(claims).where(eq(claims.id, claimId)))[0]!.status).toBe('released');
  });

  it('a second change of the same bank details cannot be stacked while one waits, and a rejection changes nothing', async () => {
    const sc = await seedWorkedExampleSubcontract(testDb.db, org, {
      reference: 'DC-2',
      vendorOdooId: 9902,
      purchaseOrderId: 9902,
    });
    const finance = await fresh('finance');
    const v = await vendorRow(sc.vendorId);
    const change = {
      vendorId: sc.vendorId,
      version: v.version,
      insuranceExpiresOn: null,
      licenceExpiresOn: null,
      bankAccountNumber: 'GB00-REJECT-1111',
    };
    const { pendingChangeIds } = await finance.masterData.updateVendorCompliance(change);
    expect(
      (
        await refusal(
          finance.masterData.updateVendorCompliance({ ...change, bankAccountNumber: 'GB00-REJECT-2222' }),
        )
      ).code,
    ).toBe('CONFLICT');
    await (
      await fresh('exec')
    ).pendingChanges.reject({ changeId: pendingChangeIds[0]!, comment: 'Not verified by phone' });
    expect((await vendorRow(sc.vendorId)).bankAccountNumber).toBeNull();
  });
});

describe('an admin does not approve by proxy', () => {
  it('a PM account the admin creates cannot sign in or approve until an executive confirms the grant; the admin cannot confirm it', async () => {
    const admin = await fresh('admin');
    const created = await admin.users.create({
      email: 'proxy.pm@northbeam.example',
      name: 'Proxy PM',
      role: 'project_manager',
      password: 'a-password-the-admin-knows',
      projectIds: [org.projectIds['P-1001']!],
    });
    expect(created.pendingChangeId).toEqual(expect.any(String));
    expect(await signedIn(created.id)).toBeNull(); // inactive: no session, so no approval
    expect((await refusal(admin.pendingChanges.confirm({ changeId: created.pendingChangeId! }))).code).toBe(
      'FORBIDDEN',
    );
    // a finance user is not the confirming role for grants either
    expect(
      (await refusal((await fresh('finance')).pendingChanges.confirm({ changeId: created.pendingChangeId! })))
        .code,
    ).toBe('FORBIDDEN');
    await (await fresh('exec')).pendingChanges.confirm({ changeId: created.pendingChangeId! });
    const [row] = await testDb.db.select().from(users).where(eq(users.id, created.id));
    expect([row!.isActive, row!.role]).toEqual([true, 'project_manager']);
  });

  it('promoting an existing QS to PM leaves them a QS — their PM approval is refused — until an executive confirms', async () => {
    const admin = await fresh('admin');
    const target = org.actors.qs2;
    const [before] = await testDb.db.select().from(users).where(eq(users.id, target.id));
    const { pendingChangeId } = await admin.users.update({
      userId: target.id,
      version: before!.version,
      role: 'project_manager',
    });
    expect(pendingChangeId).toEqual(expect.any(String));
    const context = await signedIn(target.id);
    expect(context?.actor?.role).toBe('quantity_surveyor');
    // approving as a PM is refused: the permission is checked against the role the database holds now
    const unknownClaim = { claimId: '00000000-0000-4000-8000-000000000000', version: 1 };
    expect((await refusal(createCaller(context!).claims.approve(unknownClaim))).code).toBe('FORBIDDEN');
    await (await fresh('exec')).pendingChanges.confirm({ changeId: pendingChangeId! });
    const promoted = await signedIn(target.id);
    expect(promoted?.actor?.role).toBe('project_manager');
    // now the PM permission holds (the unknown claim is simply not found)
    expect((await refusal(createCaller(promoted!).claims.approve(unknownClaim))).code).toBe('NOT_FOUND');
  });

  it('nobody asks for or confirms a grant to themselves', async () => {
    const exec = org.actors.exec;
    const [row] = await testDb.db.select().from(users).where(eq(users.id, exec.id));
    // an executive asking is refused by the permission table; an admin's own role change is the LAST_ADMIN/self rule
    expect(
      (
        await refusal(
          createCaller(contextFor(testDb.db, exec)).users.update({
            userId: exec.id,
            version: row!.version,
            role: 'project_manager',
          }),
        )
      ).code,
    ).toBe('FORBIDDEN');
  });
});

describe('an admin password reset is a one-time password', () => {
  type Authorize = (
    credentials: Record<string, string>,
    req: { headers: Record<string, string> },
  ) => Promise<{ id: string } | null>;
  const authorize = () =>
    (authOptions().providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;

  it('ends the sessions, signs in once, allows nothing but choosing a new password, then works with the new one', async () => {
    const target: Actor = org.actors.pm2;
    const oldSession = await signedIn(target.id);
    const { oneTimePassword } = await (await fresh('admin')).users.resetPassword({ userId: target.id });
    expect(
      await resolveActor(testDb.db, {
        uid: target.id,
        sid: oldSession!.sessionId,
        sv: (await sessionVersionOf(testDb.db, target.id)) - 1,
        signedInAt: Math.floor(Date.now() / 1000),
      }),
    ).toEqual({ actor: null, reason: 'revoked' });
    expect(
      (
        await authorize()(
          { email: target.email, password: oneTimePassword },
          { headers: { 'x-plumbline-peer': '10.88.0.1' } },
        )
      )?.id,
    ).toBe(target.id);
    const context = await signedIn(target.id);
    expect(context?.passwordChangeRequired).toBe(true);
    const caller = createCaller(context!);
    expect((await caller.session.me()).mustChangePassword).toBe(true);
    const blocked = await refusal(caller.claims.list({ page: 0, pageSize: 10 }));
    expect([blocked.code, blocked.message]).toEqual([
      'FORBIDDEN',
      expect.stringMatching(/one-time password/),
    ]);
    expect(
      (
        await refusal(
          caller.session.changePassword({
            currentPassword: 'wrong-password-here',
            newPassword: 'my-own-new-password-1',
          }),
        )
      ).code,
    ).toBe('BAD_REQUEST');
    await caller.session.changePassword({
      currentPassword: oneTimePassword,
      newPassword: 'my-own-new-password-1',
    });
    // the session that changed it ends too: sign in again with the new password
    expect(
      await resolveActor(testDb.db, {
        uid: target.id,
        sid: context!.sessionId,
        sv: (await sessionVersionOf(testDb.db, target.id)) - 1,
        signedInAt: Math.floor(Date.now() / 1000),
      }),
    ).toEqual({ actor: null, reason: 'revoked' });
    expect(
      await authorize()(
        { email: target.email, password: oneTimePassword },
        { headers: { 'x-plumbline-peer': '10.88.0.1' } },
      ),
    ).toBeNull();
    expect(
      (
        await authorize()(
          { email: target.email, password: 'my-own-new-password-1' },
          { headers: { 'x-plumbline-peer': '10.88.0.1' } },
        )
      )?.id,
    ).toBe(target.id);
    const after = await signedIn(target.id);
    expect(after?.passwordChangeRequired).toBe(false);
    await createCaller(after!).claims.list({ page: 0, pageSize: 10 });
  });
});
