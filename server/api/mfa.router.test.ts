import { eq, sql } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mfaRecoveryCodes, userMfa, userSessions, users } from '@/db/schema';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { createCaller } from '@/server/api/root';
import type { Context } from '@/server/api/trpc';
import type { Actor } from '@/server/auth/actor';
import { authOptions } from '@/server/auth/config';
import { openSession, resolveActor } from '@/server/auth/session';
import {
  contextFor,
  seedTestOrganisation,
  sessionVersionOf,
  TEST_PASSWORD,
  type SeededOrg,
} from '@/server/testing/fixtures';

/**
 * Second factor (issue 20): TOTP enrolment by QR, ten hashed one-time recovery codes, sign-in with a
 * code or a recovery code, refusal of wrong and reused codes, enrolment enforced for admin, finance
 * and executive (or everyone, when the organisation says so), step-up on the sensitive actions, and
 * a dual-controlled reset.
 */
let testDb: TestDatabase;
let org: SeededOrg;
const globalForDb = globalThis as unknown as { plumblineDb?: unknown };
beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  globalForDb.plumblineDb = testDb.db;
});
afterAll(async () => {
  globalForDb.plumblineDb = undefined;
  await testDb.drop();
});

async function sessionContext(actor: Actor): Promise<Context> {
  const sessionId = await openSession(testDb.db, actor.id);
  const resolution = await resolveActor(testDb.db, {
    uid: actor.id,
    sid: sessionId,
    sv: await sessionVersionOf(testDb.db, actor.id),
    signedInAt: Math.floor(Date.now() / 1000),
  });
  if (!resolution.actor) throw new Error('no actor');
  return {
    ...contextFor(testDb.db, resolution.actor),
    sessionId,
    mfaEnrolmentRequired: resolution.mfaEnrolmentRequired,
  };
}
const codeAt = (secret: string, offsetSteps = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret), period: 30, digits: 6, algorithm: 'SHA1' }).generate({
    timestamp: Date.now() + offsetSteps * 30_000,
  });

type Authorize = (
  credentials: Record<string, string>,
  req: { headers: Record<string, string> },
) => Promise<{ id: string; sessionId?: string } | null>;
const authorize = (authOptions().providers[0] as unknown as { options: { authorize: Authorize } }).options
  .authorize;
const signInWith = (email: string, code?: string) =>
  authorize(
    { email, password: TEST_PASSWORD, ...(code ? { code } : {}) },
    { headers: { 'x-plumbline-peer': '10.77.0.1' } },
  );

let financeSecret = '';
let recoveryCodes: string[] = [];

describe('enrolment', () => {
  it('forces admin, finance and executive to enrol before anything else, not the optional roles', async () => {
    const finance = await sessionContext(org.actors.finance);
    expect(finance.mfaEnrolmentRequired).toBe(true);
    await expect(createCaller(finance).claims.list({ page: 0, pageSize: 10 })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('two-step'),
    });
    expect((await createCaller(finance).mfa.status()).required).toBe(true);
    expect((await createCaller(finance).session.me()).role).toBe('finance');
    const qs = await sessionContext(org.actors.qs);
    expect(qs.mfaEnrolmentRequired).toBe(false);
    expect((await createCaller(qs).mfa.status()).required).toBe(false);
  });

  it('enrols by QR code with a first code, answers ten recovery codes and stores only their hashes', async () => {
    const context = await sessionContext(org.actors.finance);
    const caller = createCaller(context);
    const started = await caller.mfa.startEnrolment({});
    expect(started.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(started.uri).toMatch(/^otpauth:\/\/totp\/Plumbline:/);
    financeSecret = started.secret;
    const wrong = codeAt(financeSecret) === '000000' ? '111111' : '000000';
    await expect(caller.mfa.confirmEnrolment({ secret: financeSecret, code: wrong })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    const confirmed = await caller.mfa.confirmEnrolment({
      secret: financeSecret,
      code: codeAt(financeSecret),
    });
    recoveryCodes = confirmed.recoveryCodes;
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const stored = JSON.stringify(
      await testDb.db
        .select()
        .from(mfaRecoveryCodes)
        .where(eq(mfaRecoveryCodes.userId, org.actors.finance.id)),
    );
    for (const code of recoveryCodes) expect(stored).not.toContain(code);
    const [factor] = await testDb.db.select().from(userMfa).where(eq(userMfa.userId, org.actors.finance.id));
    expect(JSON.stringify(factor)).not.toContain(financeSecret);
    // this session proved the factor: the rest of the app opens up
    const after = await resolveActor(testDb.db, {
      uid: org.actors.finance.id,
      sid: context.sessionId,
      sv: await sessionVersionOf(testDb.db, org.actors.finance.id),
      signedInAt: Math.floor(Date.now() / 1000),
    });
    expect(after.actor && after.mfaEnrolmentRequired).toBe(false);
  });

  it('lets an admin require it of everyone (audited)', async () => {
    await createCaller(contextFor(testDb.db, org.actors.admin)).mfa.setOrganisationRequirement({
      requireForAll: true,
    });
    expect((await sessionContext(org.actors.qs)).mfaEnrolmentRequired).toBe(true);
    await createCaller(contextFor(testDb.db, org.actors.admin)).mfa.setOrganisationRequirement({
      requireForAll: false,
    });
    expect((await sessionContext(org.actors.qs)).mfaEnrolmentRequired).toBe(false);
  });
});

describe('sign-in with the second factor', () => {
  it('asks for the code after the right password, and refuses a wrong one', async () => {
    await expect(signInWith(org.actors.finance.email)).rejects.toThrow('MfaRequired');
    await expect(signInWith(org.actors.finance.email, '12345')).rejects.toThrow('MfaInvalid');
    await expect(signInWith(org.actors.finance.email, codeAt(financeSecret, -5))).rejects.toThrow(
      'MfaInvalid',
    );
  });

  it('accepts a fresh code once: the same code is refused the second time', async () => {
    const code = codeAt(financeSecret, 1);
    const user = await signInWith(org.actors.finance.email, code);
    expect(user?.id).toBe(org.actors.finance.id);
    const [session] = await testDb.db
      .select()
      .from(userSessions)
      .where(eq(userSessions.id, user!.sessionId!));
    expect(session?.mfaVerifiedAt).toBeInstanceOf(Date);
    await expect(signInWith(org.actors.finance.email, code)).rejects.toThrow('MfaInvalid');
  });

  it('accepts a recovery code once (any spacing or case), then never again', async () => {
    const code = recoveryCodes[0]!;
    expect((await signInWith(org.actors.finance.email, ` ${code.toUpperCase()} `))?.id).toBe(
      org.actors.finance.id,
    );
    await expect(signInWith(org.actors.finance.email, code)).rejects.toThrow('MfaInvalid');
    expect(
      (await createCaller(contextFor(testDb.db, org.actors.finance)).mfa.status()).recoveryCodesLeft,
    ).toBe(9);
  });
});

describe('step-up on the sensitive actions', () => {
  it('refuses a bank change unless a code was entered in this session in the last 15 minutes', async () => {
    const context = await sessionContext(org.actors.finance);
    const [vendor] = await testDb.db
      .execute<{ id: string; version: number }>(
        sql`INSERT INTO partners (organisation_id, name, is_vendor) VALUES (${org.actors.finance.organisationId}, 'Step-up Vendor Ltd', true) RETURNING id, version`,
      )
      .then((r) => r.rows);
    const change = {
      vendorId: vendor!.id,
      version: vendor!.version,
      insuranceExpiresOn: null,
      licenceExpiresOn: null,
      bankAccountName: 'New Payee Ltd',
      bankAccountNumber: 'GB00-STEP-UP-0001',
    };
    // a session that proved the factor 16 minutes ago
    await testDb.db
      .update(userSessions)
      .set({ mfaVerifiedAt: new Date(Date.now() - 16 * 60_000) })
      .where(eq(userSessions.id, context.sessionId!));
    await expect(
      createCaller({ ...context, mfaEnrolmentRequired: false }).masterData.updateVendorCompliance(change),
    ).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    // a code from outside the accepted window is refused (not the half-minute's spent steps: under load
    // the clock can cross into a fresh step between the sign-in tests and here); a recovery code steps up
    await expect(createCaller(context).mfa.stepUp({ code: codeAt(financeSecret, -5) })).rejects.toMatchObject(
      {
        code: 'BAD_REQUEST',
      },
    );
    await createCaller(context).mfa.stepUp({ code: recoveryCodes[1]! });
    await createCaller({ ...context, mfaEnrolmentRequired: false }).masterData.updateVendorCompliance(change);
  });

  it('refuses the Odoo connection to an admin without a second factor', async () => {
    const admin = createCaller(contextFor(testDb.db, org.actors.admin));
    await expect(
      admin.odoo.saveConnection({
        url: 'https://odoo.example.com',
        database: 'x',
        login: 'admin',
        authMethod: 'api_key',
        secret: 'k',
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('reset of a lost second factor is dual-controlled', () => {
  it('needs a second person; confirmed, it removes the factor and ends the user’s sessions', async () => {
    const admin = createCaller(contextFor(testDb.db, org.actors.admin));
    const { id } = await admin.mfa.requestReset({ userId: org.actors.finance.id });
    await expect(admin.mfa.confirmReset({ requestId: id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // the database holds the rule too (the one pending-change mechanism)
    await expect(
      testDb.db.execute(
        sql`UPDATE pending_changes SET status = 'confirmed', decided_by_id = requested_by_id, decided_at = now(), applied_xact = current_xact_number() WHERE id = ${id}`,
      ),
    ).rejects.toMatchObject({
      cause: { constraint: 'pending_changes_second_person' },
    });
    // and a plain DELETE of the factor, with no confirmed reset, is refused
    await expect(
      testDb.db.execute(sql`DELETE FROM user_mfa WHERE user_id = ${org.actors.finance.id}`),
    ).rejects.toMatchObject({ cause: { message: expect.stringContaining('dual control') } });
    const versionBefore = await sessionVersionOf(testDb.db, org.actors.finance.id);
    await createCaller(contextFor(testDb.db, org.actors.exec)).mfa.confirmReset({ requestId: id });
    expect(await testDb.db.select().from(userMfa).where(eq(userMfa.userId, org.actors.finance.id))).toEqual(
      [],
    );
    expect(
      await testDb.db
        .select()
        .from(mfaRecoveryCodes)
        .where(eq(mfaRecoveryCodes.userId, org.actors.finance.id)),
    ).toEqual([]);
    expect(await sessionVersionOf(testDb.db, org.actors.finance.id)).toBe(versionBefore + 1);
    const [row] = await testDb.db
      .select({ v: users.sessionVersion })
      .from(users)
      .where(eq(users.id, org.actors.finance.id));
    expect(row?.v).toBe(versionBefore + 1);
  });
});
